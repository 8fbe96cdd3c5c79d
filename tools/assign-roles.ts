import { z } from 'zod';
import { assignRoles as assign } from '../src/incident/assign.js';
import { incidentId, person, text } from '../src/registry/fields.js';
import { RoleAssignmentSchema } from '../src/registry/schemas.js';
import { defineTool } from '../src/registry/types.js';

const InlinePerson = z
  .object({
    name: person(),
    owns: z.array(text(63)).max(50).default([]).describe('Services this person owns.'),
    canServe: z
      .array(text(60))
      .max(10)
      .default([])
      .describe('Role ids this person can take, e.g. "incident_commander".'),
    onCall: z.boolean().default(false),
    available: z.boolean().default(true),
  })
  .strict();

const input = z
  .object({
    incidentId: incidentId(),
    incidentCommander: person().optional().describe('Who coordinates and decides (does not debug).'),
    communicationsLead: person().optional().describe('Who posts stakeholder updates on the cadence.'),
    technicalLead: person().optional().describe('Who leads the investigation; ideally owns the affected service.'),
    scribe: person().optional().describe('Who records every action and decision on the timeline.'),
    other: z
      .array(z.object({ role: text(60), person: person() }).strict())
      .max(10)
      .default([])
      .describe('Other roles defined in SOUL.md settings.roles, by role id.'),
    reporter: person()
      .optional()
      .describe("Who reported the incident; holds IC until a dedicated IC joins. Defaults to the incident's reporter."),
    people: z
      .array(InlinePerson)
      .max(100)
      .default([])
      .describe('People available now, in addition to the configured roster file.'),
    useRoster: z
      .boolean()
      .default(true)
      .describe('Also draw from the configured roster (people, services they own, who is on call).'),
    by: person().optional().describe('Who is assigning; defaults to the caller.'),
  })
  .strict();

const output = z.object({
  incidentId: z.string(),
  roles: z.array(RoleAssignmentSchema.extend({ source: z.string() })),
  needs: z.array(z.string()).describe('Roles nobody holds yet, phrased as who is needed.'),
  warnings: z.array(z.string()),
  summary: z.array(z.string()).describe('One line per role, ready to paste into the incident channel.'),
});

export const assignRoles = defineTool({
  name: 'assign_roles',
  title: 'Assign incident roles',
  description: [
    'Assign the incident roles BEFORE any troubleshooting: Incident Commander, Communications Lead, Technical Lead, Scribe (role names come from SOUL.md).',
    'Named people win; roles already held stay held; empty roles are filled from the roster (the on-call owner of the affected service becomes Technical Lead); the reporter holds IC until a dedicated IC joins.',
    'A role nobody can fill comes back as an explicit need, e.g. "Need an engineer with payment-api ownership". Recorded on the timeline. Call again as people join.',
  ].join(' '),
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: (args, ctx) => assign(ctx, args),
});

/** The output schema, for readers of this tool's results (the offline playbook). */
export { output as assignRolesOutput };
