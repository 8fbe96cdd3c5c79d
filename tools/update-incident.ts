import { z } from 'zod';
import { updateIncident as update } from '../src/incident/lifecycle.js';
import { incidentId, isoTime, person, text } from '../src/registry/fields.js';
import { IncidentSchema } from '../src/registry/schemas.js';
import { defineTool } from '../src/registry/types.js';
import { SEVERITIES } from '../src/severity/signals.js';

const input = z
  .object({
    incidentId: incidentId(),
    status: z
      .enum(['investigating', 'identified', 'monitoring'])
      .optional()
      .describe(
        'identified: cause known, fix in progress; monitoring: fix applied, watching. To resolve, call resolve_incident.',
      ),
    severity: z
      .enum(SEVERITIES)
      .optional()
      .describe('A new level; needs `reason`. Kept in the severity audit trail and restarts the update schedule.'),
    reason: text(500).optional().describe('Why the severity changes, or why a resolved incident is reopened.'),
    reopen: z.boolean().optional().describe('Reopen a resolved incident (needs reason).'),
    services: z
      .array(text(63))
      .max(20)
      .optional()
      .describe('The full list of affected services (replaces the current list).'),
    usersAffected: z.number().int().min(0).optional(),
    usersAffectedPct: z.number().min(0).max(100).optional(),
    revenueImpact: z.number().min(0).optional().describe('Revenue lost or at risk so far.'),
    customerFacing: z.boolean().optional(),
    impact: text(1000).optional().describe('Impact in words, for updates and the post-mortem.'),
    mitigatedAt: isoTime()
      .optional()
      .describe(
        'When customer impact stopped, if not now (ISO 8601). Setting status monitoring records mitigation now.',
      ),
    startedAt: isoTime()
      .optional()
      .describe('When the impact really began (ISO 8601), when it turns out to differ from the declared start.'),
    by: person().optional(),
  })
  .strict();

const output = z.object({ incident: IncidentSchema, changes: z.array(z.string()) });

export const updateIncident = defineTool({
  name: 'update_incident',
  title: 'Update incident',
  description: [
    'Move an incident through its lifecycle (investigating → identified → monitoring; resolve with resolve_incident), change its severity with a reason (kept as an audit trail; the update cadence follows the new level), and record services and impact figures (users, revenue, customer-facing).',
    'Each change goes on the timeline. Lowering severity needs a reason; so does reopening a resolved incident.',
  ].join(' '),
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: (args, ctx) => update(ctx, args),
});

/** The output schema, for readers of this tool's results (the offline playbook). */
export { output as updateIncidentOutput };
