import { z } from 'zod';
import { resolveHypothesis as resolve } from '../src/incident/timebox.js';
import { person, text } from '../src/registry/fields.js';
import { HypothesisSchema } from '../src/registry/schemas.js';
import { defineTool } from '../src/registry/types.js';

const input = z
  .object({
    id: z
      .string()
      .trim()
      .regex(/^(?:h-?)?\d{1,9}$/i, 'must be a hypothesis id such as "H-3"')
      .transform((s) => `H-${Number(s.replace(/^h-?/i, ''))}`)
      .describe('Hypothesis id, e.g. "H-3".'),
    outcome: z
      .enum(['confirmed', 'ruled_out', 'abandoned'])
      .describe(
        'confirmed: it is the cause (act on it); ruled_out: evidence says no; abandoned: the time-box ran out without an answer.',
      ),
    evidence: text(2000).describe('What settled it, or what was learned before moving on.'),
    by: person().optional(),
  })
  .strict();

const output = z.object({ hypothesis: HypothesisSchema, overranMinutes: z.number(), next: z.string() });

export const resolveHypothesis = defineTool({
  name: 'resolve_hypothesis',
  title: 'Resolve hypothesis',
  description:
    'Close a time-boxed hypothesis as confirmed, ruled out or abandoned, with the evidence. Recorded on the timeline (the post-mortem reads it). Says how far past its time-box it ran.',
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: (args, ctx) => resolve(ctx, args),
});

/** The output schema, for readers of this tool's results (the offline playbook). */
export { output as resolveHypothesisOutput };
