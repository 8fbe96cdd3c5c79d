import { z } from 'zod';
import { updateSchedule } from '../src/incident/cadence.js';
import { escalationPlan } from '../src/incident/escalation.js';
import { serviceHints } from '../src/config/services.js';
import { isoTime, person, text } from '../src/registry/fields.js';
import { CadenceSchema, EscalationSchema, IncidentSchema, ScheduleSchema } from '../src/registry/schemas.js';
import { defineTool } from '../src/registry/types.js';
import { classify } from '../src/severity/classify.js';
import { extractSignals } from '../src/severity/extract.js';
import { levelOf } from '../src/severity/framework.js';
import { SEVERITIES, SignalsSchema, severityRank, type Signals } from '../src/severity/signals.js';
import { InputError } from '../src/core/errors.js';

const input = z
  .object({
    title: text(200).describe('Short title people will recognise, e.g. "Checkout failing: payment API 500s".'),
    description: text(4000)
      .optional()
      .describe("What is happening, in the reporter's words. Impact signals are read from it."),
    services: z
      .array(text(63))
      .max(20)
      .default([])
      .describe('Affected services, by their names in services.yaml when configured.'),
    severity: z
      .enum(SEVERITIES)
      .optional()
      .describe('Declare a level explicitly. Omit to classify from the signals and description (recommended).'),
    signals: SignalsSchema.optional().describe('Known impact signals; see classify_severity.'),
    reporter: person().optional().describe('Who reported it; holds Incident Commander until a dedicated IC joins.'),
    startedAt: isoTime().optional().describe('When the impact began (ISO 8601); defaults to now.'),
    detectedAt: isoTime().optional().describe('When it was noticed (ISO 8601); defaults to now.'),
    usersAffected: z.number().int().min(0).optional().describe('Number of users affected, if known.'),
    revenueImpact: z.number().min(0).optional().describe('Revenue lost or at risk so far, if known.'),
  })
  .strict();

const output = z.object({
  incident: IncidentSchema,
  classification: z.object({
    level: z.enum(SEVERITIES),
    basis: z.string(),
    matchedCriteria: z.array(z.string()),
    openQuestions: z.array(z.string()),
    note: z.string(),
  }),
  escalation: EscalationSchema,
  cadenceMinutes: CadenceSchema,
  schedule: z.array(ScheduleSchema),
  warnings: z.array(z.string()),
  next: z.array(z.string()).describe('What the commander should do next, in order.'),
});

export const openIncident = defineTool({
  name: 'open_incident',
  title: 'Open incident',
  description: [
    'Declare a new incident and start its timeline. Classifies severity from the description and signals unless a level is given (an explicit level lower than the signals support is kept but flagged).',
    "Returns the incident (id like INC-12), its severity with matched criteria and open questions, who to page, the update cadence and when each audience's first update is due, plus warnings such as a possible duplicate of an open incident on the same service.",
    'Next: assign_roles before any troubleshooting.',
  ].join(' '),
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async handler(args, ctx) {
    const now = ctx.clock.now();
    const at = now.toISOString();
    const startedAt = args.startedAt ?? at;
    const detectedAt = args.detectedAt ?? at;
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

    const extraction = extractSignals(`${args.title}. ${args.description ?? ''}`, serviceHints(ctx.services));
    const signals: Signals = { ...extraction.signals, ...(args.signals ?? {}) };
    const classification = classify(ctx.severity, signals);
    const level = args.severity ?? classification.level;
    const named = [...new Set([...args.services, ...extraction.services])];
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
    if (args.severity && severityRank(args.severity) > severityRank(classification.level)) {
      warnings.push(
        `declared ${args.severity}, but the signals support ${classification.level} (${classification.matchedCriteria.map((c) => c.id).join(', ') || classification.basis}); when unsure, pick the higher level`,
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

    const reporter = args.reporter ?? ctx.actor;
    const criteria = classification.matchedCriteria.map((c) => c.id);
    const chosen = levelOf(ctx.severity, level);
    const note = args.severity
      ? `declared ${level} by ${reporter}`
      : `${level} (${chosen.name}): ${classification.matchedCriteria.map((c) => c.description).join('; ') || (classification.basis === 'raised_when_unsure' ? `raised when unsure — confirm ${classification.assumed.join(', ')}` : 'no criterion matched')}`;
    const incident = await ctx.store.openIncident(
      {
        title: args.title,
        summary: args.description ?? '',
        severity: level,
        severityReason: note,
        severityCriteria: criteria,
        status: 'investigating',
        services,
        impact: {
          customerFacing: signals.customerFacing ?? null,
          usersAffectedPct: signals.usersAffectedPct ?? null,
          usersAffected: args.usersAffected ?? null,
          revenueImpact: args.revenueImpact ?? null,
          description: args.description ?? args.title,
        },
        signals,
        declaredBy: reporter,
        startedAt,
        detectedAt,
        at,
      },
      [
        {
          at,
          author: reporter,
          kind: 'declared',
          text: `Incident declared: ${args.title}. Severity ${note}.`,
          data: { severity: level, criteria, services },
        },
      ],
    );

    const escalation = escalationPlan(ctx.severity, level, { startedAt, status: 'investigating', now });
    return {
      incident,
      classification: {
        level,
        basis: args.severity ? 'declared' : classification.basis,
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
  },
});

/** The output schema, for readers of this tool's results (the offline playbook). */
export { output as openIncidentOutput };
