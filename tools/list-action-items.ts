import { z } from 'zod';
import { isOverdue } from '../src/incident/action-items.js';
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
  async handler(args, ctx) {
    const now = ctx.clock.now();
    const all = await ctx.store.listActionItems({
      ...(args.incidentId ? { incidentId: args.incidentId } : {}),
      ...(args.owner ? { owner: args.owner } : {}),
      status: args.status ?? ['open', 'in_progress'],
      ...(args.overdue ? { dueBefore: now.toISOString() } : {}),
    });
    const matching = args.overdue ? all.filter((i) => isOverdue(i, now)) : all;
    const items = matching.slice(0, args.limit).map((i) => ({ ...i, overdue: isOverdue(i, now) }));
    return {
      items,
      total: matching.length,
      overdue: matching.filter((i) => isOverdue(i, now)).length,
      truncated: matching.length > items.length,
    };
  },
});

/** The output schema, for readers of this tool's results (the offline playbook). */
export { output as listActionItemsOutput };
