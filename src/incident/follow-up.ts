import { InputError, NotFoundError } from '../core/errors.js';
import { formatClock } from '../core/time.js';
import type { ActionItem, ActionKind, ActionPriority, ActionStatus } from '../store/types.js';
import { checkOwner, isOverdue, resolveDue, similarOpenItems, type SimilarItem } from './action-items.js';
import type { IncidentContext } from './context.js';
import { requireIncident } from './lookup.js';
import type { ActionItemView } from './view.js';

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

/** Checks owner and due date without writing anything; returns them normalised. Throws InputError naming the field. */
export function validateActionItem(
  ctx: IncidentContext,
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

/**
 * The one way an action item is created (create_action_item, generate_postmortem): refused without
 * an owner and a future due date, P1/P2 within the SOUL.md limit, the same item on the same
 * incident returned rather than duplicated, similar unfinished items from any incident named.
 */
export async function addActionItem(
  ctx: IncidentContext,
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

export interface ActionItemChange {
  id: string;
  status?: ActionStatus | undefined;
  /** A new owner: one named person; an item never loses its owner. */
  owner?: string | undefined;
  /** A new deadline: ISO date, ISO time or a duration from now. */
  due?: string | undefined;
  priority?: ActionPriority | undefined;
  /** Why it changed; recorded on the timeline. */
  note?: string | undefined;
  by?: string | undefined;
}

export interface ChangedActionItem {
  item: ActionItemView;
  changes: string[];
}

/** Changes an action item's status, owner, due date or priority, with the change on the incident's timeline. */
export async function changeActionItem(ctx: IncidentContext, request: ActionItemChange): Promise<ChangedActionItem> {
  const now = ctx.clock.now();
  if (
    request.status === undefined &&
    request.owner === undefined &&
    request.due === undefined &&
    request.priority === undefined
  ) {
    throw InputError.field('(input)', 'nothing to change: give at least one of status, owner, due, priority');
  }
  const before = await ctx.store.getActionItem(request.id);
  if (!before) throw new NotFoundError('action item', request.id, 'Call list_action_items to find the id.');
  const owner = request.owner !== undefined ? checkOwner('owner', request.owner) : undefined;
  const dueAt = request.due !== undefined ? resolveDue('due', request.due, now) : undefined;
  const changes: string[] = [];
  if (request.status && request.status !== before.status) changes.push(`status ${before.status} → ${request.status}`);
  if (owner && owner !== before.owner) changes.push(`owner ${before.owner} → ${owner}`);
  if (dueAt && dueAt !== before.dueAt) changes.push(`due ${before.dueAt.slice(0, 10)} → ${dueAt.slice(0, 10)}`);
  if (request.priority && request.priority !== before.priority)
    changes.push(`priority ${before.priority} → ${request.priority}`);
  const by = request.by ?? ctx.actor;
  const item = await ctx.store.updateActionItem(
    request.id,
    {
      at: now.toISOString(),
      ...(request.status ? { status: request.status } : {}),
      ...(owner ? { owner } : {}),
      ...(dueAt ? { dueAt } : {}),
      ...(request.priority ? { priority: request.priority } : {}),
    },
    changes.length || request.note
      ? [
          {
            at: now.toISOString(),
            author: by,
            kind: 'action_item',
            text: `${request.id} ${before.title}: ${changes.join(', ') || 'no field changed'}${request.note ? ` — ${request.note}` : ''}`,
          },
        ]
      : [],
  );
  return { item: { ...item, overdue: isOverdue(item, now) }, changes };
}

export interface ActionItemQuery {
  incidentId?: string | undefined;
  owner?: string | undefined;
  /** Default: open and in progress. */
  status?: readonly ActionStatus[] | undefined;
  /** Only unfinished items past their due date. */
  overdue?: boolean | undefined;
  limit: number;
}

export interface FoundActionItems {
  items: ActionItemView[];
  /** Items matching before the limit. */
  total: number;
  overdue: number;
  truncated: boolean;
}

/** Action items, soonest due first, each with its overdue flag. */
export async function findActionItems(ctx: IncidentContext, query: ActionItemQuery): Promise<FoundActionItems> {
  const now = ctx.clock.now();
  const all = await ctx.store.listActionItems({
    ...(query.incidentId ? { incidentId: query.incidentId } : {}),
    ...(query.owner ? { owner: query.owner } : {}),
    status: query.status ?? ['open', 'in_progress'],
    ...(query.overdue ? { dueBefore: now.toISOString() } : {}),
  });
  const matching = query.overdue ? all.filter((i) => isOverdue(i, now)) : all;
  const items = matching.slice(0, query.limit).map((i) => ({ ...i, overdue: isOverdue(i, now) }));
  return {
    items,
    total: matching.length,
    overdue: matching.filter((i) => isOverdue(i, now)).length,
    truncated: matching.length > items.length,
  };
}
