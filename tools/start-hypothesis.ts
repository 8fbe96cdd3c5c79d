import { z } from 'zod';
import { InputError } from '../src/core/errors.js';
import { expiryAdvice, hypothesisView } from '../src/incident/hypotheses.js';
import { requireIncident } from '../src/incident/lookup.js';
import { incidentId, person, text } from '../src/registry/fields.js';
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
  async handler(args, ctx) {
    const now = ctx.clock.now();
    const box = args.timeboxMinutes ?? ctx.settings.hypothesis_timebox_minutes;
    if (box > ctx.settings.hypothesis_timebox_minutes) {
      throw InputError.field(
        'timeboxMinutes',
        `${box} is longer than the ${ctx.settings.hypothesis_timebox_minutes}-minute time-box in SOUL.md`,
        'Split it into smaller claims that can each be checked within the time-box.',
      );
    }
    const incident = await requireIncident(ctx.store, args.incidentId);
    if (incident.status === 'resolved')
      throw InputError.field(
        'incidentId',
        `${incident.id} is resolved; hypotheses belong to live incidents`,
        'Reopen it with update_incident, or put the question in the post-mortem.',
      );
    const owner = args.owner ?? ctx.actor;
    const at = now.toISOString();
    const h = await ctx.store.startHypothesis(
      {
        incidentId: incident.id,
        statement: args.statement,
        owner,
        startedAt: at,
        timeboxMinutes: box,
        evidence: args.evidence ?? '',
      },
      [
        {
          at,
          author: owner,
          kind: 'hypothesis',
          text: `Hypothesis (${box}-min time-box, ${owner}): ${args.statement}`,
          data: { status: 'open' },
        },
      ],
    );
    const open = (await ctx.store.listHypotheses(incident.id))
      .filter((x) => x.status === 'open')
      .map((x) => hypothesisView(x, now));
    const warnings = [
      ...open.filter((x) => x.expired).map((x) => expiryAdvice(x)),
      ...(open.filter((x) => x.owner.toLowerCase() === owner.toLowerCase()).length > 1
        ? [
            `${owner} now has ${open.filter((x) => x.owner.toLowerCase() === owner.toLowerCase()).length} open hypotheses: one at a time per person keeps the time-boxes honest`,
          ]
        : []),
    ];
    return { hypothesis: hypothesisView(h, now), open, warnings };
  },
});

/** The output schema, for readers of this tool's results (the offline playbook). */
export { output as startHypothesisOutput };
