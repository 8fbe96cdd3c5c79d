import { InputError, NotFoundError } from '../core/errors.js';
import { formatMinutes } from '../core/time.js';
import type { IncidentContext } from './context.js';
import { expiryAdvice, type HypothesisView, hypothesisView } from './hypotheses.js';
import { requireIncident } from './lookup.js';

export interface HypothesisRequest {
  incidentId: string;
  /** What is being tested, as a claim that can be confirmed or ruled out. */
  statement: string;
  /** Who is testing it; defaults to the actor. */
  owner?: string | undefined;
  /** Defaults to the SOUL.md time-box; a longer box is refused. */
  timeboxMinutes?: number | undefined;
  evidence?: string | undefined;
  /** When work on it began, if before now ("25 minutes in"); its time-box counts from then. */
  startedAt?: string | undefined;
}

export interface StartedHypothesis {
  hypothesis: HypothesisView;
  /** Every hypothesis still open on the incident. */
  open: HypothesisView[];
  warnings: string[];
}

/** Starts a time-boxed investigation path on a live incident. */
export async function startHypothesis(ctx: IncidentContext, request: HypothesisRequest): Promise<StartedHypothesis> {
  const now = ctx.clock.now();
  const limit = ctx.settings.hypothesis_timebox_minutes;
  const box = request.timeboxMinutes ?? limit;
  if (box > limit) {
    throw InputError.field(
      'timeboxMinutes',
      `${box} is longer than the ${limit}-minute time-box in SOUL.md`,
      'Split it into smaller claims that can each be checked within the time-box.',
    );
  }
  const incident = await requireIncident(ctx.store, request.incidentId);
  if (incident.status === 'resolved')
    throw InputError.field(
      'incidentId',
      `${incident.id} is resolved; hypotheses belong to live incidents`,
      'Reopen it with update_incident, or put the question in the post-mortem.',
    );
  const owner = request.owner ?? ctx.actor;
  const at = now.toISOString();
  // "25 minutes in on the cache idea": the hypothesis started then, and its box counts from then.
  const startedAt = request.startedAt ?? at;
  if (startedAt > at) throw InputError.field('startedAt', `is in the future (now is ${at})`);
  if (startedAt < incident.startedAt)
    throw InputError.field('startedAt', `is before the incident started (${incident.startedAt})`);
  const h = await ctx.store.startHypothesis(
    {
      incidentId: incident.id,
      statement: request.statement,
      owner,
      startedAt,
      timeboxMinutes: box,
      evidence: request.evidence ?? '',
    },
    [
      {
        at: startedAt,
        author: owner,
        kind: 'hypothesis',
        text: `Hypothesis (${box}-min time-box, ${owner}): ${request.statement}`,
        data: { status: 'open' },
      },
    ],
  );
  const open = (await ctx.store.listHypotheses(incident.id))
    .filter((x) => x.status === 'open')
    .map((x) => hypothesisView(x, now));
  const owned = open.filter((x) => x.owner.toLowerCase() === owner.toLowerCase()).length;
  const warnings = [
    ...open.filter((x) => x.expired).map((x) => expiryAdvice(x)),
    ...(owned > 1
      ? [`${owner} now has ${owned} open hypotheses: one at a time per person keeps the time-boxes honest`]
      : []),
  ];
  return { hypothesis: hypothesisView(h, now), open, warnings };
}

export interface HypothesisOutcome {
  id: string;
  outcome: 'confirmed' | 'ruled_out' | 'abandoned';
  /** What settled it, or what was learned before moving on. */
  evidence: string;
  by?: string | undefined;
}

export interface ResolvedHypothesis {
  hypothesis: HypothesisView;
  overranMinutes: number;
  next: string;
}

/** Closes an open hypothesis with its evidence; says how far past its time-box it ran. */
export async function resolveHypothesis(ctx: IncidentContext, request: HypothesisOutcome): Promise<ResolvedHypothesis> {
  const now = ctx.clock.now();
  const before = await ctx.store.getHypothesis(request.id);
  if (!before)
    throw new NotFoundError('hypothesis', request.id, "Call get_incident for the incident's hypotheses and their ids.");
  const by = request.by ?? ctx.actor;
  const at = now.toISOString();
  const label = request.outcome.replace('_', ' ');
  const h = await ctx.store.resolveHypothesis(
    request.id,
    { status: request.outcome, resolvedAt: at, resolvedBy: by, evidence: request.evidence },
    [
      {
        at,
        author: by,
        kind: 'hypothesis',
        text: `${request.id} ${label}: ${before.statement} — ${request.evidence}`,
        data: { status: request.outcome },
      },
    ],
  );
  const view = hypothesisView(h, now);
  const overran = Math.max(0, Math.round(-view.minutesLeft));
  return {
    hypothesis: view,
    overranMinutes: overran,
    next:
      request.outcome === 'confirmed'
        ? 'Act on it: mitigate first (roll back, fail over), then fix. Tell the Comms lead so the next update says the cause is identified.'
        : `Pick the next hypothesis by evidence and give it ${ctx.settings.hypothesis_timebox_minutes} minutes.${overran ? ` This one ran ${formatMinutes(overran)} over its time-box.` : ''}`,
  };
}
