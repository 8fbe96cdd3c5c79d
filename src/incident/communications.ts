import type { Audience } from '../core/audiences.js';
import { addMinutes, formatClock } from '../core/time.js';
import { levelOf } from '../severity/framework.js';
import type { IncidentContext } from './context.js';
import { escalationPlan } from './escalation.js';
import { requireIncident } from './lookup.js';
import { type DraftedUpdate, draftUpdate, type UpdateRequest } from './stakeholder.js';
import { type StatuspageIncident, statuspagePayload } from './statuspage.js';
import { proposeStatusDraft } from './status-drafts.js';

export interface DraftRequest extends UpdateRequest {
  incidentId: string;
  /** Who is posting; defaults to the actor. */
  author?: string | undefined;
  /** Record it on the timeline and restart this audience's cadence. */
  record: boolean;
}

export interface StakeholderDraft extends DraftedUpdate {
  incidentId: string;
  audience: Audience;
  /** The stored update's id, when recorded. */
  updateId: string | null;
  cadenceMinutes: number | null;
  /** For customer updates: the Statuspage incident fields. */
  statuspage: StatuspageIncident | null;
  /** A recorded customer update's status-page draft, waiting for a person's approval. */
  statusDraftId: string | null;
  recorded: boolean;
}

/**
 * Writes one audience's update from the incident record (prompts/ templates): when the next one is
 * due from the cadence, "no change, still investigating" when nothing is new, no internal names for
 * customers. Recorded on the timeline, restarting that audience's clock, unless `record` is false.
 */
export async function draftStakeholderUpdate(ctx: IncidentContext, request: DraftRequest): Promise<StakeholderDraft> {
  const now = ctx.clock.now();
  const incident = await requireIncident(ctx.store, request.incidentId);
  const level = levelOf(ctx.severity, incident.severity);
  const [roles, previous] = await Promise.all([
    ctx.store.listRoles(incident.id),
    ctx.store.listUpdates(incident.id, request.audience),
  ]);
  const author = request.author ?? ctx.actor;
  const draft = draftUpdate(ctx.templates.stakeholderUpdate(request.audience), request, {
    incident,
    level,
    roles,
    roleTitles: new Map(ctx.settings.roles.map((r) => [r.id, r.title])),
    previous: previous.at(-1) ?? null,
    escalation: escalationPlan(ctx.severity, incident.severity, {
      startedAt: incident.startedAt,
      status: incident.status,
      now,
    }),
    services: ctx.services,
    peopleNames: [
      ...ctx.roster.people.map((p) => p.name),
      ...roles.map((r) => r.person).filter((p): p is string => !!p),
      incident.declaredBy,
      author,
    ],
    hypotheses: [],
    timeboxMinutes: ctx.settings.hypothesis_timebox_minutes,
    postmortemDueAt: incident.resolvedAt
      ? addMinutes(incident.resolvedAt, ctx.settings.postmortem_deadline_hours * 60).toISOString()
      : null,
    now,
  });

  let updateId: string | null = null;
  let statusDraftId: string | null = null;
  if (request.record) {
    const at = now.toISOString();
    const saved = await ctx.store.recordUpdate(
      {
        incidentId: incident.id,
        audience: request.audience,
        at,
        author,
        status: incident.status,
        headline: draft.headline,
        body: draft.body,
        noChange: draft.noChange,
        nextUpdateAt: draft.nextUpdateAt,
      },
      [
        {
          at,
          author,
          kind: 'update',
          text: `${request.audience} update${draft.noChange ? ' (no change)' : ''}: ${draft.headline}${draft.nextUpdateAt ? ` — next due ${formatClock(draft.nextUpdateAt, now)}` : ''}`,
          data: { audience: request.audience, noChange: draft.noChange, nextUpdateAt: draft.nextUpdateAt },
        },
      ],
    );
    updateId = saved.id;
    if (request.audience === 'customer')
      statusDraftId = (
        await proposeStatusDraft(ctx, {
          incidentId: incident.id,
          body: draft.body,
          customerSummary: request.customerSummary,
          updateId,
          author,
        })
      ).id;
  }
  return {
    incidentId: incident.id,
    audience: request.audience,
    updateId,
    headline: draft.headline,
    body: draft.body,
    noChange: draft.noChange,
    cadenceMinutes: level.cadence_minutes[request.audience],
    nextUpdateAt: draft.nextUpdateAt,
    nextUpdateInMinutes: draft.nextUpdateInMinutes,
    redactions: draft.redactions,
    statuspage: request.audience === 'customer' ? statuspagePayload(incident, draft.body, ctx.services) : null,
    statusDraftId,
    recorded: request.record,
  };
}
