import { z } from 'zod';
import { declareIncident } from '../src/incident/declare.js';
import { isoTime, person, text } from '../src/registry/fields.js';
import { CadenceSchema, EscalationSchema, IncidentSchema, ScheduleSchema } from '../src/registry/schemas.js';
import { defineTool } from '../src/registry/types.js';
import { SEVERITIES, SignalsSchema } from '../src/severity/signals.js';

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
  handler: (args, ctx) => declareIncident(ctx, args),
  activates: (result) => result.incident.id,
});

/** The output schema, for readers of this tool's results (the offline playbook). */
export { output as openIncidentOutput };
