import { z } from 'zod';
import { changeActionItem } from '../src/incident/follow-up.js';
import { person, text } from '../src/registry/fields.js';
import { ActionItemSchema } from '../src/registry/schemas.js';
import { defineTool } from '../src/registry/types.js';
import { ACTION_PRIORITIES, ACTION_STATUSES } from '../src/store/types.js';

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
  handler: (args, ctx) => changeActionItem(ctx, args),
});

/** The output schema, for readers of this tool's results (the offline playbook). */
export { output as updateActionItemOutput };
