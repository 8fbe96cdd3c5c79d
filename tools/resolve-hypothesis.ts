import { z } from 'zod';
import { NotFoundError } from '../src/core/errors.js';
import { formatMinutes } from '../src/core/time.js';
import { hypothesisView } from '../src/incident/hypotheses.js';
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
  async handler(args, ctx) {
    const now = ctx.clock.now();
    const before = await ctx.store.getHypothesis(args.id);
    if (!before)
      throw new NotFoundError('hypothesis', args.id, "Call get_incident for the incident's hypotheses and their ids.");
    const by = args.by ?? ctx.actor;
    const at = now.toISOString();
    const label = args.outcome.replace('_', ' ');
    const h = await ctx.store.resolveHypothesis(
      args.id,
      { status: args.outcome, resolvedAt: at, resolvedBy: by, evidence: args.evidence },
      [
        {
          at,
          author: by,
          kind: 'hypothesis',
          text: `${args.id} ${label}: ${before.statement} — ${args.evidence}`,
          data: { status: args.outcome },
        },
      ],
    );
    const view = hypothesisView(h, now);
    const overran = Math.max(0, Math.round(-view.minutesLeft));
    return {
      hypothesis: view,
      overranMinutes: overran,
      next:
        args.outcome === 'confirmed'
          ? 'Act on it: mitigate first (roll back, fail over), then fix. Tell the Comms lead so the next update says the cause is identified.'
          : `Pick the next hypothesis by evidence and give it ${ctx.settings.hypothesis_timebox_minutes} minutes.${overran ? ` This one ran ${formatMinutes(overran)} over its time-box.` : ''}`,
    };
  },
});

/** The output schema, for readers of this tool's results (the offline playbook). */
export { output as resolveHypothesisOutput };
