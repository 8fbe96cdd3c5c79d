import { z } from 'zod';
import type { Person } from '../src/config/roster.js';
import { InputError } from '../src/core/errors.js';
import { requireIncident } from '../src/incident/lookup.js';
import { planRoles } from '../src/incident/roles.js';
import { incidentId, person, text } from '../src/registry/fields.js';
import { RoleAssignmentSchema } from '../src/registry/schemas.js';
import { defineTool } from '../src/registry/types.js';
import { levelOf } from '../src/severity/framework.js';

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
  async handler(args, ctx) {
    const incident = await requireIncident(ctx.store, args.incidentId);
    const defs = ctx.settings.roles;
    const explicit: Record<string, string> = {};
    const named: [string, string | undefined][] = [
      ['incident_commander', args.incidentCommander],
      ['communications_lead', args.communicationsLead],
      ['technical_lead', args.technicalLead],
      ['scribe', args.scribe],
    ];
    for (const [role, who] of named) {
      if (!who) continue;
      if (!defs.some((d) => d.id === role))
        throw InputError.field(
          role.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()),
          `role "${role}" is not defined in SOUL.md settings.roles (defined: ${defs.map((d) => d.id).join(', ')})`,
        );
      explicit[role] = who;
    }
    args.other.forEach((o, i) => {
      if (!defs.some((d) => d.id === o.role))
        throw InputError.field(
          `other[${i}].role`,
          `unknown role "${o.role}"; roles defined in SOUL.md: ${defs.map((d) => d.id).join(', ')}`,
        );
      explicit[o.role] = o.person;
    });

    const people: Person[] = [
      ...args.people.map((p) => ({
        name: p.name,
        owns: p.owns,
        can_serve: p.canServe,
        on_call: p.onCall,
        available: p.available,
      })),
      ...(args.useRoster
        ? ctx.roster.people.filter((r) => !args.people.some((p) => p.name.toLowerCase() === r.name.toLowerCase()))
        : []),
    ];
    const cadence = levelOf(ctx.severity, incident.severity).cadence_minutes;
    const plan = planRoles({
      roles: defs,
      explicit,
      reporter: args.reporter ?? incident.declaredBy,
      reporterHoldsIc: ctx.settings.reporter_holds_ic,
      people,
      services: incident.services,
      current: await ctx.store.listRoles(incident.id),
      customerCadenceMinutes: cadence.customer,
      engineeringCadenceMinutes: cadence.engineering,
    });

    const at = ctx.clock.now().toISOString();
    const by = args.by ?? ctx.actor;
    const title = (id: string): string => defs.find((d) => d.id === id)?.title ?? id;
    const short = (id: string): string => defs.find((d) => d.id === id)?.short ?? id;
    const line = (r: (typeof plan.roles)[number]): string =>
      `${short(r.role)}: ${r.person ? `${r.person}${r.interim ? ' (until a dedicated IC joins)' : ''}` : r.need!}`;
    const changed = plan.roles.filter((r) => r.source !== 'kept');
    const stored = await ctx.store.assignRoles(
      incident.id,
      changed.map((r) => ({
        role: r.role,
        person: r.person,
        need: r.need,
        interim: r.interim,
        assignedAt: at,
        assignedBy: by,
      })),
      [
        {
          at,
          author: by,
          kind: 'roles',
          text: `Roles: ${plan.roles.map(line).join('; ')}`,
          data: { roles: plan.roles },
        },
      ],
      // An incident commander holding the incident is its acknowledgement.
      plan.roles.some((r) => r.role === 'incident_commander' && r.person) ? { acknowledgedAt: at } : {},
    );
    const source = new Map(plan.roles.map((r) => [r.role, r.source]));
    const roles = defs
      .map((d) => stored.find((s) => s.role === d.id))
      .filter((r) => r !== undefined)
      .map((r) => ({
        role: r.role,
        title: title(r.role),
        person: r.person,
        need: r.need,
        interim: r.interim,
        assignedAt: r.assignedAt,
        source: source.get(r.role) ?? 'kept',
      }));
    return {
      incidentId: incident.id,
      roles,
      needs: roles.filter((r) => !r.person).map((r) => r.need!),
      warnings: plan.warnings,
      summary: plan.roles.map(line),
    };
  },
});

/** The output schema, for readers of this tool's results (the offline playbook). */
export { output as assignRolesOutput };
