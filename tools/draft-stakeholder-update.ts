import { z } from 'zod';
import { AudienceSchema } from '../src/core/audiences.js';
import { addMinutes, formatClock } from '../src/core/time.js';
import { escalationPlan } from '../src/incident/escalation.js';
import { requireIncident } from '../src/incident/lookup.js';
import { draftUpdate } from '../src/incident/stakeholder.js';
import { statuspagePayload, StatuspageSchema } from '../src/incident/statuspage.js';
import { incidentId, person, text } from '../src/registry/fields.js';
import { defineTool } from '../src/registry/types.js';
import { levelOf } from '../src/severity/framework.js';

const input = z
  .object({
    incidentId: incidentId(),
    audience: AudienceSchema.describe(
      'engineering: technical state, hypotheses, next steps. executive: business impact, risk, ETA. customer: impact, workaround, next update; no internal names or blame.',
    ),
    whatChanged: text(2000)
      .optional()
      .describe(
        'What is new since the last update to this audience. Leave it out when nothing changed: the update then says "no change, still investigating".',
      ),
    customerMessage: text(1000)
      .optional()
      .describe('Customer-safe sentence to add to a customer update (internal details never go to customers).'),
    impact: text(1000).optional().describe("Impact in the audience's words; defaults to the incident's impact."),
    workaround: text(1000).optional().describe('What users can do meanwhile (customer updates).'),
    eta: text(200).optional().describe('Expected time to resolution, or "unknown".'),
    risk: text(1000).optional().describe('Business risk if this continues (executive updates).'),
    customerSummary: text(300)
      .optional()
      .describe('The problem in customers\' words, e.g. "payment processing errors".'),
    nextSteps: z.array(text(300)).max(10).optional().describe('What responders are doing next (engineering updates).'),
    needs: z.array(text(300)).max(10).optional().describe('Help or decisions needed.'),
    author: person().optional().describe('Who is posting; defaults to the caller.'),
    record: z
      .boolean()
      .default(true)
      .describe("Record the update on the timeline and restart this audience's cadence (default true)."),
  })
  .strict();

const output = z.object({
  incidentId: z.string(),
  audience: AudienceSchema,
  updateId: z.string().nullable(),
  headline: z.string(),
  body: z.string(),
  noChange: z.boolean(),
  cadenceMinutes: z.number().nullable(),
  nextUpdateAt: z.string().nullable(),
  nextUpdateInMinutes: z.number().nullable(),
  redactions: z.array(z.string()).describe('Internal names removed from a customer update.'),
  statuspage: StatuspageSchema.nullable().describe('For customer updates: the Statuspage incident fields.'),
  recorded: z.boolean(),
});

export const draftStakeholderUpdate = defineTool({
  name: 'draft_stakeholder_update',
  title: 'Draft stakeholder update',
  description: [
    'Write the status update for one audience (engineering, executive or customer) from the incident record, using the templates in prompts/.',
    'Every update states when the next one is due, from the severity\'s cadence (SEV1 customers: every 15 minutes); with nothing new it says so plainly ("no change, still investigating") — send it anyway, on time.',
    "Customer updates never contain people's or internal service names (they are replaced and listed in redactions) and come with Statuspage fields.",
    "Recorded on the timeline and restarts that audience's clock unless record is false.",
  ].join(' '),
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async handler(args, ctx) {
    const now = ctx.clock.now();
    const incident = await requireIncident(ctx.store, args.incidentId);
    const level = levelOf(ctx.severity, incident.severity);
    const [roles, previous] = await Promise.all([
      ctx.store.listRoles(incident.id),
      ctx.store.listUpdates(incident.id, args.audience),
    ]);
    const author = args.author ?? ctx.actor;
    const draft = draftUpdate(ctx.templates.stakeholderUpdate(args.audience), args, {
      incident,
      level,
      roles,
      roleTitles: new Map(ctx.settings.roles.map((r) => [r.id, r.title])),
      previous: previous.at(-1) ?? null,
      escalation: escalationPlan(ctx.severity, incident.severity, {
        startedAt: incident.startedAt,
        status: incident.status,
        now,
      }),
      services: ctx.services,
      peopleNames: [
        ...ctx.roster.people.map((p) => p.name),
        ...roles.map((r) => r.person).filter((p): p is string => !!p),
        incident.declaredBy,
        author,
      ],
      hypotheses: [],
      timeboxMinutes: ctx.settings.hypothesis_timebox_minutes,
      postmortemDueAt: incident.resolvedAt
        ? addMinutes(incident.resolvedAt, ctx.settings.postmortem_deadline_hours * 60).toISOString()
        : null,
      now,
    });

    let updateId: string | null = null;
    if (args.record) {
      const at = now.toISOString();
      const saved = await ctx.store.recordUpdate(
        {
          incidentId: incident.id,
          audience: args.audience,
          at,
          author,
          status: incident.status,
          headline: draft.headline,
          body: draft.body,
          noChange: draft.noChange,
          nextUpdateAt: draft.nextUpdateAt,
        },
        [
          {
            at,
            author,
            kind: 'update',
            text: `${args.audience} update${draft.noChange ? ' (no change)' : ''}: ${draft.headline}${draft.nextUpdateAt ? ` — next due ${formatClock(draft.nextUpdateAt, now)}` : ''}`,
            data: { audience: args.audience, noChange: draft.noChange, nextUpdateAt: draft.nextUpdateAt },
          },
        ],
      );
      updateId = saved.id;
    }
    return {
      incidentId: incident.id,
      audience: args.audience,
      updateId,
      headline: draft.headline,
      body: draft.body,
      noChange: draft.noChange,
      cadenceMinutes: level.cadence_minutes[args.audience],
      nextUpdateAt: draft.nextUpdateAt,
      nextUpdateInMinutes: draft.nextUpdateInMinutes,
      redactions: draft.redactions,
      statuspage: args.audience === 'customer' ? statuspagePayload(incident, draft.body, ctx.services) : null,
      recorded: args.record,
    };
  },
});

/** The output schema, for readers of this tool's results (the offline playbook). */
export { output as draftStakeholderUpdateOutput };
