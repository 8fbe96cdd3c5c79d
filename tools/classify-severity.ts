import { z } from 'zod';
import { escalationPlan } from '../src/incident/escalation.js';
import { requireIncident } from '../src/incident/lookup.js';
import { incidentId, person, text } from '../src/registry/fields.js';
import { defineTool } from '../src/registry/types.js';
import { classify } from '../src/severity/classify.js';
import { extractSignals } from '../src/severity/extract.js';
import { levelOf } from '../src/severity/framework.js';
import { SEVERITIES, SIGNAL_NAMES, SignalsSchema, severityRank, type Signals } from '../src/severity/signals.js';
import { serviceHints } from '../src/config/services.js';
import { CadenceSchema, EscalationSchema } from '../src/registry/schemas.js';

const input = z
  .object({
    ...SignalsSchema.shape,
    description: text(4000)
      .optional()
      .describe(
        'Free-text report, e.g. "payment API returning 500s, customers cannot check out". Signals are read from it where not given explicitly.',
      ),
    incidentId: incidentId()
      .optional()
      .describe("Record the level on this incident's timeline (and any change, with its reason)."),
    reason: text(500).optional().describe('Why the level changes. Required to lower the severity of an open incident.'),
    author: person().optional().describe('Who is classifying; defaults to the caller.'),
  })
  .strict();

const output = z.object({
  level: z.enum(SEVERITIES),
  name: z.string(),
  definition: z.string(),
  basis: z
    .enum(['matched', 'raised_when_unsure', 'default'])
    .describe(
      'matched: a criterion held; raised_when_unsure: a worse level might hold and the framework says pick the higher; default: nothing matched.',
    ),
  matchedCriteria: z.array(z.object({ level: z.enum(SEVERITIES), id: z.string(), description: z.string() })),
  assumed: z.array(z.string()).describe('Signals assumed true because of the when-unsure rule; confirm them.'),
  openQuestions: z.array(z.object({ signal: z.string(), question: z.string(), couldRaiseTo: z.enum(SEVERITIES) })),
  signals: SignalsSchema,
  inferredFrom: z.record(z.string(), z.string()).describe('Signal → the phrase or config entry it was read from.'),
  services: z.array(z.string()).describe('Configured services named in the description.'),
  escalation: EscalationSchema,
  cadenceMinutes: CadenceSchema,
  recorded: z
    .object({
      incidentId: z.string(),
      previous: z.enum(SEVERITIES),
      current: z.enum(SEVERITIES),
      changed: z.boolean(),
      note: z.string(),
    })
    .nullable(),
});

export const classifySeverity = defineTool({
  name: 'classify_severity',
  title: 'Classify severity',
  description: [
    "Decide the incident severity (SEV1 worst … SEV4) from impact signals, using the organisation's severity framework. Call this FIRST for any new incident or when impact changes: severity decides who is paged, the stakeholder update cadence and whether a post-mortem is required.",
    'Give what you know as signals (customerFacing, revenuePath, criticalFunction, usersAffectedPct, dataLoss, securityBreach, state: down|degraded|at_risk|healthy, durationMinutes, workaroundAvailable) and/or a free-text description; unknown signals stay unknown.',
    'Returns the level, the criteria that matched, the escalation (who to page, further triggers with times), the update cadence per audience, and open questions whose answers could raise the level.',
    'With incidentId, records the level on the timeline; an open incident is never lowered without a reason.',
  ].join(' '),
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const now = ctx.clock.now();
    const incident = args.incidentId ? await requireIncident(ctx.store, args.incidentId) : null;
    const explicit: Signals = {};
    for (const name of SIGNAL_NAMES) {
      if (args[name] !== undefined) Object.assign(explicit, { [name]: args[name] });
    }
    const extraction = args.description
      ? extractSignals(args.description, serviceHints(ctx.services))
      : { signals: {}, evidence: {}, services: [], mentioned: [] };
    const signals: Signals = { ...(incident?.signals ?? {}), ...extraction.signals, ...explicit };
    const inferredFrom: Record<string, string> = {};
    for (const [name, phrase] of Object.entries(extraction.evidence)) {
      if (explicit[name as keyof Signals] === undefined && phrase) inferredFrom[name] = phrase;
    }

    const result = classify(ctx.severity, signals);
    let level = result.level;
    let recorded: z.input<typeof output>['recorded'] = null;

    if (incident) {
      const author = args.author ?? ctx.actor;
      const lowering = severityRank(result.level) > severityRank(incident.severity);
      const hold = lowering && incident.status !== 'resolved' && !args.reason;
      if (hold) level = incident.severity;
      const criteria = result.matchedCriteria.map((c) => c.id);
      const why =
        args.reason ??
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
  },
});

/** The output schema, for readers of this tool's results (the offline playbook). */
export { output as classifySeverityOutput };
