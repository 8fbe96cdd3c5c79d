import { serviceHints } from '../config/services.js';
import { InputError } from '../core/errors.js';
import { classify } from '../severity/classify.js';
import { extractSignals } from '../severity/extract.js';
import { levelOf, type SeverityLevel } from '../severity/framework.js';
import { type Severity, type Signals, severityRank } from '../severity/signals.js';
import type { Incident, NewIncident } from '../store/types.js';
import { type AudienceSchedule, updateSchedule } from './cadence.js';
import type { IncidentContext } from './context.js';
import { type EscalationPlan, escalationPlan } from './escalation.js';

export interface DeclareRequest {
  title: string;
  /** What is happening, in the reporter's words; impact signals are read from it. */
  description?: string | undefined;
  services?: readonly string[] | undefined;
  /** An explicit level; omitted, the level is classified from the signals. */
  severity?: Severity | undefined;
  signals?: Signals | undefined;
  /** Holds Incident Commander until a dedicated IC joins; defaults to the actor. */
  reporter?: string | undefined;
  startedAt?: string | undefined;
  detectedAt?: string | undefined;
  usersAffected?: number | undefined;
  revenueImpact?: number | undefined;
  /** The records in other systems it is declared from (a PagerDuty incident), kept in the same write. */
  refs?: NewIncident['refs'];
}

export interface Declared {
  incident: Incident;
  classification: {
    level: Severity;
    basis: string;
    matchedCriteria: string[];
    openQuestions: string[];
    note: string;
  };
  escalation: EscalationPlan;
  cadenceMinutes: SeverityLevel['cadence_minutes'];
  schedule: AudienceSchedule[];
  warnings: string[];
  /** What the commander should do next, in order. */
  next: string[];
}

/**
 * Declares an incident: classifies it from the signals unless a level is given (a level lower than
 * the signals support is kept and flagged), names possible duplicates, and starts the timeline.
 */
export async function declareIncident(ctx: IncidentContext, request: DeclareRequest): Promise<Declared> {
  const now = ctx.clock.now();
  const at = now.toISOString();
  const startedAt = request.startedAt ?? at;
  const detectedAt = request.detectedAt ?? at;
  if (startedAt > at || detectedAt > at) {
    throw InputError.field(
      startedAt > at ? 'startedAt' : 'detectedAt',
      `is in the future (now is ${at})`,
      'Give the time the impact began or was noticed, not a future time.',
    );
  }
  if (detectedAt < startedAt)
    throw InputError.field(
      'detectedAt',
      `is before startedAt (${startedAt}); an incident cannot be noticed before it begins`,
    );

  const extraction = extractSignals(`${request.title}. ${request.description ?? ''}`, serviceHints(ctx.services));
  const signals: Signals = { ...extraction.signals, ...(request.signals ?? {}) };
  const classification = classify(ctx.severity, signals);
  const level = request.severity ?? classification.level;
  const named = [...new Set([...(request.services ?? []), ...extraction.services])];
  // Nothing configured or named: keep the service-like names from the report ("payment API" → payment-api), so ownership needs name it.
  const services = named.length ? named : extraction.mentioned.slice(0, 3);
  const warnings: string[] = [];
  const known = ctx.services.services;
  if (known.size) {
    for (const s of services)
      if (!known.has(s))
        warnings.push(
          `service "${s}" is not in services.yaml; fetch_deploys cannot look it up (known: ${[...known.keys()].join(', ')})`,
        );
  }
  if (request.severity && severityRank(request.severity) > severityRank(classification.level)) {
    warnings.push(
      `declared ${request.severity}, but the signals support ${classification.level} (${classification.matchedCriteria.map((c) => c.id).join(', ') || classification.basis}); when unsure, pick the higher level`,
    );
  }
  const open = await ctx.store.listIncidents({ status: ['investigating', 'identified', 'monitoring'], limit: 50 });
  for (const other of open) {
    const shared = other.services.filter((s) => services.includes(s));
    if (shared.length)
      warnings.push(
        `possible duplicate: ${other.id} "${other.title}" is open on ${shared.join(', ')} (${other.severity}, ${other.status})`,
      );
  }

  const reporter = request.reporter ?? ctx.actor;
  const criteria = classification.matchedCriteria.map((c) => c.id);
  const chosen = levelOf(ctx.severity, level);
  const note = request.severity
    ? `declared ${level} by ${reporter}`
    : `${level} (${chosen.name}): ${classification.matchedCriteria.map((c) => c.description).join('; ') || (classification.basis === 'raised_when_unsure' ? `raised when unsure — confirm ${classification.assumed.join(', ')}` : 'no criterion matched')}`;
  const incident = await ctx.store.openIncident(
    {
      title: request.title,
      summary: request.description ?? '',
      severity: level,
      severityReason: note,
      severityCriteria: criteria,
      status: 'investigating',
      services,
      impact: {
        customerFacing: signals.customerFacing ?? null,
        usersAffectedPct: signals.usersAffectedPct ?? null,
        usersAffected: request.usersAffected ?? null,
        revenueImpact: request.revenueImpact ?? null,
        description: request.description ?? request.title,
      },
      signals,
      declaredBy: reporter,
      startedAt,
      detectedAt,
      at,
      ...(request.refs?.length ? { refs: request.refs } : {}),
    },
    [
      {
        at,
        author: reporter,
        kind: 'declared',
        text: `Incident declared: ${request.title}. Severity ${note}.`,
        data: { severity: level, criteria, services },
      },
    ],
  );

  const escalation = escalationPlan(ctx.severity, level, { startedAt, status: 'investigating', now });
  return {
    incident,
    classification: {
      level,
      basis: request.severity ? 'declared' : classification.basis,
      matchedCriteria: criteria,
      openQuestions: classification.openQuestions.map((q) => q.question),
      note,
    },
    escalation,
    cadenceMinutes: chosen.cadence_minutes,
    schedule: updateSchedule(ctx.severity, incident, [], at, now),
    warnings,
    next: [
      'assign_roles: IC, Communications Lead, Technical Lead, Scribe — before any troubleshooting',
      ...(escalation.triggered ? [`page: ${escalation.page.join(', ')}`] : []),
      'draft_stakeholder_update for each audience with a cadence',
      ...(services.length
        ? [`fetch_deploys for ${services.join(', ')}: was there a change shortly before ${startedAt}?`]
        : []),
    ],
  };
}
