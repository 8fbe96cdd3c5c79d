import { serviceHints } from '../config/services.js';
import { type Classification, classify } from '../severity/classify.js';
import { extractSignals } from '../severity/extract.js';
import { levelOf, type SeverityLevel } from '../severity/framework.js';
import { SIGNAL_NAMES, type Severity, type Signals, severityRank } from '../severity/signals.js';
import type { IncidentContext } from './context.js';
import { type EscalationPlan, escalationPlan } from './escalation.js';
import { requireIncident } from './lookup.js';

export interface AssessRequest extends Signals {
  /** A free-text report; signals are read from it where not given explicitly. */
  description?: string | undefined;
  /** Record the level on this incident's timeline (and any change, with its reason). */
  incidentId?: string | undefined;
  /** Why the level changes; required to lower an open incident. */
  reason?: string | undefined;
  author?: string | undefined;
}

export interface Assessment extends Classification {
  name: string;
  definition: string;
  signals: Signals;
  /** Signal → the phrase or config entry it was read from. */
  inferredFrom: Record<string, string>;
  /** Configured services named in the description. */
  services: string[];
  escalation: EscalationPlan;
  cadenceMinutes: SeverityLevel['cadence_minutes'];
  recorded: {
    incidentId: string;
    previous: Severity;
    current: Severity;
    changed: boolean;
    note: string;
  } | null;
}

/**
 * The severity the framework gives these signals (and the description's), with who to page and the
 * cadence. With an incident, the level is recorded on its timeline; an open incident is never
 * lowered without a reason.
 */
export async function assessSeverity(ctx: IncidentContext, request: AssessRequest): Promise<Assessment> {
  const now = ctx.clock.now();
  const incident = request.incidentId ? await requireIncident(ctx.store, request.incidentId) : null;
  const explicit: Signals = {};
  for (const name of SIGNAL_NAMES) {
    if (request[name] !== undefined) Object.assign(explicit, { [name]: request[name] });
  }
  const extraction = request.description
    ? extractSignals(request.description, serviceHints(ctx.services))
    : { signals: {}, evidence: {}, services: [], mentioned: [] };
  const signals: Signals = { ...(incident?.signals ?? {}), ...extraction.signals, ...explicit };
  const inferredFrom: Record<string, string> = {};
  for (const [name, phrase] of Object.entries(extraction.evidence)) {
    if (explicit[name as keyof Signals] === undefined && phrase) inferredFrom[name] = phrase;
  }

  const result = classify(ctx.severity, signals);
  let level = result.level;
  let recorded: Assessment['recorded'] = null;

  if (incident) {
    const author = request.author ?? ctx.actor;
    const lowering = severityRank(result.level) > severityRank(incident.severity);
    const hold = lowering && incident.status !== 'resolved' && !request.reason;
    if (hold) level = incident.severity;
    const criteria = result.matchedCriteria.map((c) => c.id);
    const why =
      request.reason ??
      (criteria.length
        ? `criteria: ${criteria.join(', ')}`
        : result.basis === 'raised_when_unsure'
          ? `raised when unsure; confirm ${result.assumed.join(', ')}`
          : 'no criterion matched');
    const note = hold
      ? `Signals support ${result.level}, but ${incident.id} stays ${incident.severity}: lowering an open incident needs a reason. Call again with reason if the impact really dropped.`
      : level === incident.severity
        ? `Severity re-checked: still ${level}.`
        : `Severity ${incident.severity} → ${level} (${why}).`;
    const { change } = await ctx.store.changeSeverity(
      incident.id,
      { to: level, reason: why, author, at: now.toISOString(), criteria, signals },
      [
        {
          at: now.toISOString(),
          author,
          kind: 'severity',
          text: note,
          data: { level, previous: incident.severity, basis: result.basis, criteria, suggested: result.level },
        },
      ],
    );
    recorded = {
      incidentId: incident.id,
      previous: incident.severity,
      current: level,
      changed: change !== null,
      note,
    };
  }

  const chosen = levelOf(ctx.severity, level);
  return {
    ...result,
    level,
    name: chosen.name,
    definition: chosen.definition,
    signals,
    inferredFrom,
    services: extraction.services,
    escalation: escalationPlan(ctx.severity, level, {
      startedAt: incident?.startedAt ?? null,
      ...(incident ? { status: incident.status } : {}),
      now,
    }),
    cadenceMinutes: chosen.cadence_minutes,
    recorded,
  };
}
