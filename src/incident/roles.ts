import type { Person } from '../config/roster.js';
import { formatMinutes } from '../core/time.js';
import type { RoleDefinition } from '../soul/schema.js';
import type { RoleAssignment } from '../store/types.js';

export interface RolePlanInput {
  roles: readonly RoleDefinition[];
  /** Role id → person, as named by the caller. */
  explicit: Readonly<Record<string, string>>;
  reporter: string | null;
  reporterHoldsIc: boolean;
  people: readonly Person[];
  services: readonly string[];
  current: readonly RoleAssignment[];
  /** Minutes between customer updates, for the Comms need (null when customers get no scheduled updates). */
  customerCadenceMinutes: number | null;
  engineeringCadenceMinutes: number | null;
}

export interface PlannedRole {
  role: string;
  person: string | null;
  need: string | null;
  interim: boolean;
  /** Where the assignment came from. */
  source: 'explicit' | 'kept' | 'roster' | 'reporter' | 'unfilled';
}

export interface RolePlan {
  roles: PlannedRole[];
  warnings: string[];
}

function needFor(role: RoleDefinition, input: RolePlanInput): string {
  switch (role.id) {
    case 'incident_commander':
      return 'Need an Incident Commander: the on-call IC, or the most senior responder who will coordinate and not debug';
    case 'communications_lead':
      if (input.customerCadenceMinutes)
        return `Need someone to update the status page every ${input.customerCadenceMinutes} minutes`;
      return input.engineeringCadenceMinutes
        ? `Need someone to post stakeholder updates every ${formatMinutes(input.engineeringCadenceMinutes)}`
        : 'Need someone to own stakeholder updates';
    case 'technical_lead':
      return input.services.length
        ? `Need an engineer with ${input.services.join(' / ')} ownership`
        : 'Need an engineer who owns the affected system';
    case 'scribe':
      return 'Need someone to record every action, decision and finding on the timeline as it happens';
    default:
      return `Need a ${role.title}: ${role.duty}`;
  }
}

function candidates(role: RoleDefinition, input: RolePlanInput, taken: ReadonlySet<string>): Person[] {
  const free = input.people.filter((p) => p.available && !taken.has(p.name.toLowerCase()));
  const byOnCall = (a: Person, b: Person): number => Number(b.on_call) - Number(a.on_call);
  const trained = free.filter((p) => p.can_serve.includes(role.id));
  if (role.id === 'technical_lead') {
    const owners = free.filter((p) => p.owns.some((s) => input.services.includes(s)));
    return (owners.length ? owners : input.services.length ? [] : trained).sort(byOnCall);
  }
  // Any free person can scribe; prefer those not on call, who are needed for the investigation.
  if (role.id === 'scribe') return trained.length ? trained.sort(byOnCall) : free.sort((a, b) => -byOnCall(a, b));
  return trained.sort(byOnCall);
}

/**
 * Pure: decides who holds each role. Explicit names win; roles already filled stay filled;
 * the rest come from the roster; the reporter holds IC until a dedicated IC joins;
 * what is still empty becomes an explicit need.
 */
export function planRoles(input: RolePlanInput): RolePlan {
  const warnings: string[] = [];
  const current = new Map(input.current.map((r) => [r.role, r]));
  const taken = new Set<string>();
  const note = (name: string | null): void => {
    if (name) taken.add(name.toLowerCase());
  };
  for (const r of input.current) if (!input.explicit[r.role]) note(r.person);
  for (const name of Object.values(input.explicit)) note(name);

  const roles: PlannedRole[] = [];
  for (const role of input.roles) {
    const named = input.explicit[role.id];
    const existing = current.get(role.id);
    if (named) {
      roles.push({ role: role.id, person: named, need: null, interim: false, source: 'explicit' });
      continue;
    }
    if (existing?.person && !(existing.interim && role.id === 'incident_commander')) {
      roles.push({ role: role.id, person: existing.person, need: null, interim: existing.interim, source: 'kept' });
      continue;
    }
    const pick = candidates(role, input, taken)[0];
    if (pick) {
      note(pick.name);
      roles.push({ role: role.id, person: pick.name, need: null, interim: false, source: 'roster' });
      continue;
    }
    if (existing?.person) {
      roles.push({ role: role.id, person: existing.person, need: null, interim: existing.interim, source: 'kept' });
      continue;
    }
    if (role.id === 'incident_commander' && input.reporterHoldsIc && input.reporter) {
      note(input.reporter);
      roles.push({ role: role.id, person: input.reporter, need: null, interim: true, source: 'reporter' });
      continue;
    }
    roles.push({ role: role.id, person: null, need: needFor(role, input), interim: false, source: 'unfilled' });
  }

  const holders = new Map<string, string[]>();
  for (const r of roles) {
    if (!r.person) continue;
    const key = r.person.toLowerCase();
    holders.set(key, [...(holders.get(key) ?? []), r.role]);
  }
  for (const [person, held] of holders) {
    if (held.length > 1) {
      warnings.push(
        `${person} holds ${held.join(' and ')}: one person per role keeps coordination and debugging apart; hand one off when someone joins`,
      );
    }
  }
  return { roles, warnings };
}
