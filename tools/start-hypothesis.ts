import { z } from 'zod';
import { startHypothesis as start } from '../src/incident/timebox.js';
import { incidentId, isoTime, person, text } from '../src/registry/fields.js';
import { HypothesisSchema } from '../src/registry/schemas.js';
import { defineTool } from '../src/registry/types.js';

const input = z
  .object({
    incidentId: incidentId(),
    statement: text(500).describe(
      'What is being tested, as a claim that can be confirmed or ruled out: "the v2.14.0 gateway client exhausts the DB pool".',
    ),
    owner: person().optional().describe('Who is testing it; defaults to the caller.'),
    timeboxMinutes: z
      .number()
      .int()
      .min(1)
      .max(240)
      .optional()
      .describe('Time-box; defaults to the SOUL.md setting (15 min). A longer box than the setting is refused.'),
    evidence: text(1000).optional().describe('What points to it so far.'),
    startedAt: isoTime()
      .optional()
      .describe('When work on it began, if earlier than now ("25 minutes in"); the time-box counts from then.'),
  })
  .strict();

const output = z.object({
  hypothesis: HypothesisSchema,
  open: z.array(HypothesisSchema),
  warnings: z.array(z.string()),
});

export const startHypothesis = defineTool({
  name: 'start_hypothesis',
  title: 'Start hypothesis',
  description: [
    'Start a time-boxed investigation path: what is being tested and by whom. The time-box comes from SOUL.md (15 minutes by default); when it runs out, confirm it, rule it out or park it and switch to the next one (resolve_hypothesis).',
    'Expired hypotheses are reported by get_incident and the status command. Returns the hypothesis (id like H-3) with its expiry, and every hypothesis still open.',
  ].join(' '),
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: (args, ctx) => start(ctx, args),
});

/** The output schema, for readers of this tool's results (the offline playbook). */
export { output as startHypothesisOutput };
