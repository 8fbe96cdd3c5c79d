import { z } from 'zod';
import { findActionItems } from '../src/incident/follow-up.js';
import { incidentId, limit, person } from '../src/registry/fields.js';
import { ActionItemSchema } from '../src/registry/schemas.js';
import { defineTool } from '../src/registry/types.js';
import { ACTION_STATUSES } from '../src/store/types.js';

const input = z
  .object({
    incidentId: incidentId().optional(),
    owner: person().optional().describe("Only this owner's items (case-insensitive)."),
    status: z.array(z.enum(ACTION_STATUSES)).max(4).optional().describe('Default: open and in_progress.'),
    overdue: z.boolean().optional().describe('true: only unfinished items past their due date.'),
    limit: limit(50, 200),
  })
  .strict();

const output = z.object({
  items: z.array(ActionItemSchema),
  total: z.number().describe('Items matching before the limit.'),
  overdue: z.number(),
  truncated: z.boolean(),
});

export const listActionItems = defineTool({
  name: 'list_action_items',
  title: 'List action items',
  description:
    'List action items, soonest due first, filtered by incident, owner, status (default: open and in progress) or overdue. Returns at most `limit` items (default 50, max 200) with an overdue flag on each, and the total that matched.',
  input,
  output,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: (args, ctx) => findActionItems(ctx, args),
});

/** The output schema, for readers of this tool's results (the offline playbook). */
export { output as listActionItemsOutput };
