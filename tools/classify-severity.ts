import { z } from 'zod';
import { assessSeverity } from '../src/incident/assess.js';
import { incidentId, person, text } from '../src/registry/fields.js';
import { CadenceSchema, EscalationSchema } from '../src/registry/schemas.js';
import { defineTool } from '../src/registry/types.js';
import { SEVERITIES, SignalsSchema } from '../src/severity/signals.js';

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
  handler: (args, ctx) => assessSeverity(ctx, args),
});

/** The output schema, for readers of this tool's results (the offline playbook). */
export { output as classifySeverityOutput };
