import { z } from 'zod';
import { AudienceSchema } from '../src/core/audiences.js';
import { draftStakeholderUpdate as draft } from '../src/incident/communications.js';
import { StatuspageSchema } from '../src/incident/statuspage.js';
import { incidentId, person, text } from '../src/registry/fields.js';
import { defineTool } from '../src/registry/types.js';

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
  statusDraftId: z
    .string()
    .nullable()
    .describe(
      'A recorded customer update becomes this status-page draft. Nothing reaches customers until a person approves it (CLI, Slack card or incident page); you cannot approve it.',
    ),
  recorded: z.boolean(),
});

export const draftStakeholderUpdate = defineTool({
  name: 'draft_stakeholder_update',
  title: 'Draft stakeholder update',
  description: [
    'Write the status update for one audience (engineering, executive or customer) from the incident record, using the templates in prompts/.',
    'Every update states when the next one is due, from the severity\'s cadence (SEV1 customers: every 15 minutes); with nothing new it says so plainly ("no change, still investigating") — send it anyway, on time.',
    "Customer updates never contain people's or internal service names (they are replaced and listed in redactions) and come with Statuspage fields; a recorded one becomes a status-page draft (statusDraftId) that only a person can approve — say so, and never claim it was posted.",
    "Recorded on the timeline and restarts that audience's clock unless record is false.",
  ].join(' '),
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: (args, ctx) => draft(ctx, args),
});

/** The output schema, for readers of this tool's results (the offline playbook). */
export { output as draftStakeholderUpdateOutput };
