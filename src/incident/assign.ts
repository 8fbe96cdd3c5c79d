import type { Person } from '../config/roster.js';
import { InputError } from '../core/errors.js';
import { levelOf } from '../severity/framework.js';
import type { IncidentContext } from './context.js';
import { requireIncident } from './lookup.js';
import { planRoles } from './roles.js';
import type { RoleView } from './view.js';

/** Someone available now, named in the request rather than in the roster file. */
export interface PersonAtHand {
  name: string;
  owns: string[];
  canServe: string[];
  onCall: boolean;
  available: boolean;
}

export interface AssignRequest {
  incidentId: string;
  incidentCommander?: string | undefined;
  communicationsLead?: string | undefined;
  technicalLead?: string | undefined;
  scribe?: string | undefined;
  /** Other roles defined in SOUL.md settings.roles, by role id. */
  other?: readonly { role: string; person: string }[] | undefined;
  /** Holds IC until a dedicated IC joins; defaults to the incident's reporter. */
  reporter?: string | undefined;
  people?: readonly PersonAtHand[] | undefined;
  /** Also draw from the configured roster (default true). */
  useRoster?: boolean | undefined;
  by?: string | undefined;
}

export interface AssignedRole extends RoleView {
  /** How the holder was chosen: named, kept, roster, reporter… */
  source: string;
}

export interface Assigned {
  incidentId: string;
  roles: AssignedRole[];
  /** Roles nobody holds yet, phrased as who is needed. */
  needs: string[];
  warnings: string[];
  /** One line per role, ready to paste into the incident channel. */
  summary: string[];
}

const NAMED_ROLES = [
  ['incident_commander', 'incidentCommander'],
  ['communications_lead', 'communicationsLead'],
  ['technical_lead', 'technicalLead'],
  ['scribe', 'scribe'],
] as const;

/**
 * Assigns the incident roles before any troubleshooting: named people win, roles already held stay
 * held, empty roles are filled from the roster, the reporter holds IC until a dedicated IC joins,
 * and a role nobody can fill comes back as an explicit need. Recorded on the timeline.
 */
export async function assignRoles(ctx: IncidentContext, request: AssignRequest): Promise<Assigned> {
  const incident = await requireIncident(ctx.store, request.incidentId);
  const defs = ctx.settings.roles;
  const explicit: Record<string, string> = {};
  for (const [role, field] of NAMED_ROLES) {
    const who = request[field];
    if (!who) continue;
    if (!defs.some((d) => d.id === role))
      throw InputError.field(
        field,
        `role "${role}" is not defined in SOUL.md settings.roles (defined: ${defs.map((d) => d.id).join(', ')})`,
      );
    explicit[role] = who;
  }
  (request.other ?? []).forEach((o, i) => {
    if (!defs.some((d) => d.id === o.role))
      throw InputError.field(
        `other[${i}].role`,
        `unknown role "${o.role}"; roles defined in SOUL.md: ${defs.map((d) => d.id).join(', ')}`,
      );
    explicit[o.role] = o.person;
  });

  const atHand = request.people ?? [];
  const people: Person[] = [
    ...atHand.map((p) => ({
      name: p.name,
      owns: p.owns,
      can_serve: p.canServe,
      on_call: p.onCall,
      available: p.available,
    })),
    ...(request.useRoster !== false
      ? ctx.roster.people.filter((r) => !atHand.some((p) => p.name.toLowerCase() === r.name.toLowerCase()))
      : []),
  ];
  const cadence = levelOf(ctx.severity, incident.severity).cadence_minutes;
  const plan = planRoles({
    roles: defs,
    explicit,
    reporter: request.reporter ?? incident.declaredBy,
    reporterHoldsIc: ctx.settings.reporter_holds_ic,
    people,
    services: incident.services,
    current: await ctx.store.listRoles(incident.id),
    customerCadenceMinutes: cadence.customer,
    engineeringCadenceMinutes: cadence.engineering,
  });

  const at = ctx.clock.now().toISOString();
  const by = request.by ?? ctx.actor;
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
}
