import { InputError } from '../core/errors.js';
import { formatClock } from '../core/time.js';
import type { ToolContext } from '../registry/types.js';
import type { ActionItem, ActionKind, ActionPriority } from '../store/types.js';
import { checkOwner, isOverdue, resolveDue, similarOpenItems, type SimilarItem } from './action-items.js';
import { requireIncident } from './lookup.js';

export interface ActionItemRequest {
  incidentId: string;
  title: string;
  description?: string | undefined;
  owner: string;
  due: string;
  kind: ActionKind;
  priority: ActionPriority;
  createdBy?: string | undefined;
}

export interface AddedActionItem {
  created: boolean;
  item: ActionItem;
  similar: SimilarItem[];
  warnings: string[];
}

/**
 * The one way an action item is created (create_action_item, generate_postmortem): refused without
 * an owner and a future due date, P1/P2 within the SOUL.md limit, the same item on the same
 * incident returned rather than duplicated, similar unfinished items from any incident named.
 */
/** Checks owner and due date without writing anything; returns them normalised. Throws InputError naming the field. */
export function validateActionItem(
  ctx: ToolContext,
  request: ActionItemRequest,
  field = (name: string): string => name,
): { owner: string; dueAt: string } {
  const now = ctx.clock.now();
  const owner = checkOwner(field('owner'), request.owner);
  const dueAt = resolveDue(field('due'), request.due, now);
  const maxDays = ctx.settings.action_item_max_due_days;
  const days = (Date.parse(dueAt) - now.getTime()) / 86_400_000;
  if ((request.priority === 'P1' || request.priority === 'P2') && days > maxDays) {
    throw InputError.field(
      field('due'),
      `${request.priority} items must be due within ${maxDays} days (this one is ${Math.ceil(days)} days away)`,
      'Pick an earlier date, or lower the priority to P3/P4 if it can really wait.',
    );
  }
  return { owner, dueAt };
}

export async function addActionItem(
  ctx: ToolContext,
  request: ActionItemRequest,
  field = (name: string): string => name,
): Promise<AddedActionItem> {
  const now = ctx.clock.now();
  const { owner, dueAt } = validateActionItem(ctx, request, field);
  const incident = await requireIncident(ctx.store, request.incidentId);
  const open = await ctx.store.listActionItems({ status: ['open', 'in_progress'], limit: 2000 });
  const same = open.find(
    (i) =>
      i.incidentId === incident.id &&
      i.title.toLowerCase() === request.title.toLowerCase() &&
      i.owner.toLowerCase() === owner.toLowerCase(),
  );
  const similar = similarOpenItems(request.title, open).filter((s) => s.item.id !== same?.id);
  const warnings = similar.map(
    (s) =>
      `similar to ${s.item.id} "${s.item.title}" — ${s.item.incidentId === incident.id ? 'on this incident' : `proposed in ${s.item.incidentId}`}, still ${s.item.status.replace('_', ' ')}, owner ${s.item.owner}, due ${formatClock(s.item.dueAt, now)}${isOverdue(s.item, now) ? ' (OVERDUE)' : ''}`,
  );
  const by = request.createdBy ?? ctx.actor;
  if (same) return { created: false, item: same, similar, warnings };
  // The store repeats the same-item check inside its write: another process may have just created it.
  const { item, created } = await ctx.store.createActionItem(
    {
      incidentId: incident.id,
      title: request.title,
      description: request.description ?? '',
      owner,
      dueAt,
      kind: request.kind,
      priority: request.priority,
      createdBy: by,
      at: now.toISOString(),
    },
    [
      {
        at: now.toISOString(),
        author: by,
        kind: 'action_item',
        text: `Action item (${request.kind}, ${request.priority}): ${request.title} — owner ${owner}, due ${dueAt.slice(0, 10)}`,
      },
    ],
  );
  return { created, item, similar, warnings };
}
