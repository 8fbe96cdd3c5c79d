import { z } from 'zod';
import { InputError } from '../src/core/errors.js';
import { checkOwner, isOverdue, resolveDue } from '../src/incident/action-items.js';
import { person, text } from '../src/registry/fields.js';
import { ActionItemSchema } from '../src/registry/schemas.js';
import { defineTool } from '../src/registry/types.js';
import { ACTION_PRIORITIES, ACTION_STATUSES } from '../src/store/types.js';
import { NotFoundError } from '../src/core/errors.js';

const input = z
  .object({
    id: z
      .string()
      .trim()
      .regex(/^(?:ai-?)?\d{1,9}$/i, 'must be an action item id such as "AI-7"')
      .transform((s) => `AI-${Number(s.replace(/^ai-?/i, ''))}`)
      .describe('Action item id, e.g. "AI-7".'),
    status: z.enum(ACTION_STATUSES).optional(),
    owner: person().optional().describe('New owner: one named person. An item cannot lose its owner.'),
    due: text(40).optional().describe('New deadline: ISO date, ISO time or a duration from now ("7d").'),
    priority: z.enum(ACTION_PRIORITIES).optional(),
    note: text(1000).optional().describe('Why it changed; recorded on the incident timeline.'),
    by: person().optional().describe('Who is changing it; defaults to the caller.'),
  })
  .strict();

const output = z.object({ item: ActionItemSchema, changes: z.array(z.string()) });

export const updateActionItem = defineTool({
  name: 'update_action_item',
  title: 'Update action item',
  description:
    "Change an action item's status (open, in_progress, done, wont_do), owner, due date or priority. An item always keeps an owner and a future due date when moved. Recorded on the incident timeline with the note.",
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const now = ctx.clock.now();
    if (
      args.status === undefined &&
      args.owner === undefined &&
      args.due === undefined &&
      args.priority === undefined
    ) {
      throw InputError.field('(input)', 'nothing to change: give at least one of status, owner, due, priority');
    }
    const before = await ctx.store.getActionItem(args.id);
    if (!before) throw new NotFoundError('action item', args.id, 'Call list_action_items to find the id.');
    const owner = args.owner !== undefined ? checkOwner('owner', args.owner) : undefined;
    const dueAt = args.due !== undefined ? resolveDue('due', args.due, now) : undefined;
    const changes: string[] = [];
    if (args.status && args.status !== before.status) changes.push(`status ${before.status} → ${args.status}`);
    if (owner && owner !== before.owner) changes.push(`owner ${before.owner} → ${owner}`);
    if (dueAt && dueAt !== before.dueAt) changes.push(`due ${before.dueAt.slice(0, 10)} → ${dueAt.slice(0, 10)}`);
    if (args.priority && args.priority !== before.priority)
      changes.push(`priority ${before.priority} → ${args.priority}`);
    const by = args.by ?? ctx.actor;
    const item = await ctx.store.updateActionItem(
      args.id,
      {
        at: now.toISOString(),
        ...(args.status ? { status: args.status } : {}),
        ...(owner ? { owner } : {}),
        ...(dueAt ? { dueAt } : {}),
        ...(args.priority ? { priority: args.priority } : {}),
      },
      changes.length || args.note
        ? [
            {
              at: now.toISOString(),
              author: by,
              kind: 'action_item',
              text: `${args.id} ${before.title}: ${changes.join(', ') || 'no field changed'}${args.note ? ` — ${args.note}` : ''}`,
            },
          ]
        : [],
    );
    return { item: { ...item, overdue: isOverdue(item, now) }, changes };
  },
});

/** The output schema, for readers of this tool's results (the offline playbook). */
export { output as updateActionItemOutput };
