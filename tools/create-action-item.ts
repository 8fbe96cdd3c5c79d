import { z } from 'zod';
import { isOverdue } from '../src/incident/action-items.js';
import { addActionItem } from '../src/incident/follow-up.js';
import { incidentId, person, text } from '../src/registry/fields.js';
import { ActionItemSchema } from '../src/registry/schemas.js';
import { defineTool } from '../src/registry/types.js';
import { ACTION_KINDS, ACTION_PRIORITIES } from '../src/store/types.js';

const input = z
  .object({
    incidentId: incidentId(),
    title: text(200).describe('The change to make, as a task: "Alert on checkout error rate above 2% for 5 minutes".'),
    description: text(2000).optional().describe('Why, and how we will know it is done.'),
    owner: person().describe('One named, accountable person (not "team" or "TBD"). Required.'),
    due: text(40).describe(
      'Deadline: ISO date "2026-12-10", ISO time, or a duration from now such as "14d". Required; must be in the future.',
    ),
    kind: z
      .enum(ACTION_KINDS)
      .describe(
        'prevent: stop it happening again; detect: find it sooner (alerts, tests); mitigate: reduce impact next time; process: runbooks, training, on-call.',
      ),
    priority: z
      .enum(ACTION_PRIORITIES)
      .default('P2')
      .describe(
        'P1 (do now) … P4. P1 and P2 must be due within settings.action_item_max_due_days (8 weeks by default).',
      ),
    createdBy: person().optional().describe('Who proposed it; defaults to the caller.'),
  })
  .strict();

const output = z.object({
  created: z
    .boolean()
    .describe(
      'False when the same item already existed on this incident (a repeated call); the existing item is returned.',
    ),
  item: ActionItemSchema,
  possibleDuplicates: z.array(
    z.object({
      id: z.string(),
      incidentId: z.string(),
      title: z.string(),
      owner: z.string(),
      status: z.string(),
      dueAt: z.string(),
      similarity: z.number(),
    }),
  ),
  warnings: z.array(z.string()),
});

export const createActionItem = defineTool({
  name: 'create_action_item',
  title: 'Create action item',
  description: [
    'Create a follow-up action item on an incident. Refused without an owner (one named person) and a due date in the future — untracked items without owners and deadlines do not get done.',
    'Give a kind (prevent, detect, mitigate, process) and a priority; focus on missing guardrails (alerts, tests, limits), never on a person.',
    'Returns the item (id like AI-7) and any unfinished items from this or earlier incidents with a similar title: a repeat of an unfinished fix should be named ("proposed in INC-12, still open"). Recorded on the timeline.',
  ].join(' '),
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const added = await addActionItem(ctx, args);
    const now = ctx.clock.now();
    return {
      created: added.created,
      item: { ...added.item, overdue: isOverdue(added.item, now) },
      possibleDuplicates: added.similar.map((s) => ({
        id: s.item.id,
        incidentId: s.item.incidentId,
        title: s.item.title,
        owner: s.item.owner,
        status: s.item.status,
        dueAt: s.item.dueAt,
        similarity: s.similarity,
      })),
      warnings: added.warnings,
    };
  },
});

/** The output schema, for readers of this tool's results (the offline playbook). */
export { output as createActionItemOutput };
