import { ConflictError } from '../core/errors.js';
import type { Durations } from '../incident/durations.js';
import { type BlameFinding, findBlame, withoutQuotes } from '../incident/blameless.js';
import type { IncidentContext } from '../incident/context.js';
import { addActionItem, validateActionItem } from '../incident/follow-up.js';
import { requireIncident, requireRecord } from '../incident/lookup.js';
import { levelOf } from '../severity/framework.js';
import type { ActionKind, ActionPriority } from '../store/types.js';
import { type Factor, generatePostmortem, type Postmortem, type PostmortemInput } from './generate.js';

export type PostmortemExtras = Pick<PostmortemInput, 'whys' | 'factors' | 'wentWell' | 'wentBadly' | 'timelineLimit'>;

/** Reads the whole record of one incident (every timeline entry) and drafts its post-mortem. */
export async function draftPostmortem(
  ctx: IncidentContext,
  incidentId: string,
  extras: PostmortemExtras = {},
): Promise<Postmortem> {
  const { incident, roles, history, updates, items, hypotheses, timeline } = await requireRecord(ctx.store, incidentId);
  return generatePostmortem({
    incident,
    level: levelOf(ctx.severity, incident.severity),
    roles,
    history,
    updates,
    items,
    hypotheses,
    timeline,
    deadlineHours: ctx.settings.postmortem_deadline_hours,
    timeboxMinutes: ctx.settings.hypothesis_timebox_minutes,
    now: ctx.clock.now(),
    ...extras,
  });
}

export interface PostmortemRequest {
  incidentId: string;
  /** Created now, through the same checks as any action item: each needs an owner and a due date. */
  actionItems: readonly { title: string; owner: string; due: string; kind: ActionKind; priority: ActionPriority }[];
  whys?: readonly string[] | undefined;
  factors?: readonly { category: string; factor: string; guardrail: string }[] | undefined;
  wentWell?: readonly string[] | undefined;
  wentBadly?: readonly string[] | undefined;
  /** Mark it published; refused unless resolved, blameless and with a tracked action item. */
  publish: boolean;
  by?: string | undefined;
}

export interface WrittenPostmortem {
  incidentId: string;
  /** At most 200 timeline entries (key ones first). */
  markdown: string;
  dueAt: string | null;
  durations: Durations;
  factors: Factor[];
  /** Guardrails with no action item yet. */
  proposed: string[];
  createdActionItems: string[];
  blameless: { clean: boolean; findings: BlameFinding[] };
  /** What stops publishing; empty when it can be published. */
  missing: string[];
  published: boolean;
}

function refusal(incidentId: string, missing: readonly string[]): ConflictError {
  return new ConflictError(
    `the post-mortem of ${incidentId} cannot be published yet: ${missing.join('; ')}`,
    'Fix what is listed (reword blaming sentences as the blameless check suggests, add an owned action item), then publish again.',
  );
}

/**
 * Drafts the post-mortem from the record, creating the given action items first; with `publish`,
 * records it as done only when it is clean. A refused publish writes nothing.
 */
export async function writePostmortem(ctx: IncidentContext, request: PostmortemRequest): Promise<WrittenPostmortem> {
  // Every item is checked before any is created: a bad one writes nothing.
  const requests = request.actionItems.map((item) => ({
    incidentId: request.incidentId,
    ...item,
    createdBy: request.by,
  }));
  for (const [i, r] of requests.entries()) validateActionItem(ctx, r, (name) => `actionItems[${i}].${name}`);
  await requireIncident(ctx.store, request.incidentId);
  const extras = {
    whys: request.whys,
    factors: request.factors,
    wentWell: request.wentWell,
    wentBadly: request.wentBadly,
    timelineLimit: 200,
  };
  if (request.publish) {
    // A refused publish writes nothing: judge the record as it is plus the items still to be created, before creating them.
    const before = await draftPostmortem(ctx, request.incidentId, extras);
    const pendingBlame = request.actionItems.filter(
      (i) => findBlame(withoutQuotes(`${i.title} — owner ${i.owner}`)).length > 0,
    ).length;
    const blamed = before.blameless.findings.length + pendingBlame;
    const missing = [
      ...before.missing.filter(
        (m) =>
          !m.startsWith('blameless wording') &&
          !(request.actionItems.length && m.startsWith('at least one action item')),
      ),
      ...(blamed ? [`blameless wording: ${blamed} sentence(s) name a person as the cause`] : []),
    ];
    if (missing.length) throw refusal(request.incidentId, missing);
  }
  const created: string[] = [];
  for (const [i, item] of request.actionItems.entries()) {
    const added = await addActionItem(
      ctx,
      { incidentId: request.incidentId, ...item, createdBy: request.by },
      (name) => `actionItems[${i}].${name}`,
    );
    created.push(added.item.id);
  }
  const draft = await draftPostmortem(ctx, request.incidentId, extras);
  let published = false;
  if (request.publish) {
    if (draft.missing.length) throw refusal(request.incidentId, draft.missing);
    const at = ctx.clock.now().toISOString();
    await ctx.store.updateIncident(
      request.incidentId,
      { postmortemPublishedAt: at },
      [
        {
          at,
          author: request.by ?? ctx.actor,
          kind: 'milestone',
          text: 'Post-mortem published',
          data: { milestone: 'postmortem' },
        },
      ],
      at,
    );
    published = true;
  }
  return {
    incidentId: request.incidentId,
    markdown: draft.markdown,
    dueAt: draft.dueAt,
    durations: draft.durations,
    factors: draft.factors,
    proposed: draft.proposed,
    createdActionItems: created,
    blameless: draft.blameless,
    missing: draft.missing,
    published,
  };
}
