import { z } from 'zod';
import { writePostmortem } from '../src/postmortem/service.js';
import { incidentId, person, text } from '../src/registry/fields.js';
import { DurationsSchema } from '../src/registry/schemas.js';
import { defineTool } from '../src/registry/types.js';
import { ACTION_KINDS, ACTION_PRIORITIES } from '../src/store/types.js';

const input = z
  .object({
    incidentId: incidentId(),
    actionItems: z
      .array(
        z
          .object({
            title: text(200),
            owner: person().describe('One named person.'),
            due: text(40).describe('ISO date, ISO time, or a duration from now ("14d").'),
            kind: z.enum(ACTION_KINDS),
            priority: z.enum(ACTION_PRIORITIES).default('P2'),
          })
          .strict(),
      )
      .max(20)
      .default([])
      .describe(
        'Action items to create now (through the same checks as create_action_item): each needs an owner and a due date.',
      ),
    whys: z
      .array(text(500))
      .max(7)
      .optional()
      .describe("The team's 5 Whys answers, in order; derived from the record when absent."),
    factors: z
      .array(z.object({ category: text(40), factor: text(500), guardrail: text(500) }).strict())
      .max(20)
      .optional()
      .describe('Contributing factors with the missing guardrail, added to the ones derived from the record.'),
    wentWell: z.array(text(300)).max(20).optional(),
    wentBadly: z.array(text(300)).max(20).optional(),
    publish: z
      .boolean()
      .default(false)
      .describe(
        'Mark the post-mortem published. Refused unless the incident is resolved, the text is blameless and at least one action item is tracked.',
      ),
    by: person().optional(),
  })
  .strict();

const output = z.object({
  incidentId: z.string(),
  markdown: z
    .string()
    .describe(
      'The draft, at most 200 timeline entries (key ones first); `incident-commander postmortem ID` writes the full one.',
    ),
  dueAt: z.string().nullable(),
  durations: DurationsSchema,
  factors: z.array(z.object({ category: z.string(), factor: z.string(), guardrail: z.string(), derived: z.boolean() })),
  proposed: z.array(z.string()).describe('Guardrails with no action item yet: they need an owner and a due date.'),
  createdActionItems: z.array(z.string()),
  blameless: z.object({
    clean: z.boolean(),
    findings: z.array(
      z.object({ sentence: z.string(), reason: z.string(), phrase: z.string(), suggestion: z.string() }),
    ),
  }),
  missing: z.array(z.string()).describe('What stops publishing; empty when it can be published.'),
  published: z.boolean(),
});

export const generatePostmortemTool = defineTool({
  name: 'generate_postmortem',
  title: 'Generate post-mortem',
  description: [
    'Draft the blameless post-mortem of an incident from its stored record: summary, impact assessment (duration, users and revenue affected, severity, customer-facing), the timeline, contributing factors through 5 Whys and a contributing-factor tree naming the missing guardrails, what went well and badly, and the action items, each with an owner and a due date.',
    'Pass actionItems to create them (owner and due date required). The blameless check runs on the whole draft; `publish: true` records it as done only when it is clean, the incident is resolved and an action item is tracked. Due within the SOUL.md deadline (48 h) of resolution.',
  ].join(' '),
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: (args, ctx) => writePostmortem(ctx, args),
});

/** The output schema, for readers of this tool's results (the offline playbook). */
export { output as generatePostmortemOutput };
