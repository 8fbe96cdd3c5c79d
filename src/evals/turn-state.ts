import { disciplineOf } from '../incident/discipline.js';
import type { SeverityFramework } from '../severity/framework.js';
import type { IncidentStore } from '../store/types.js';
import type { TurnState } from './transcript.js';

export const NO_INCIDENT: TurnState = {
  incidentId: null,
  severity: null,
  status: null,
  rolesFilled: [],
  rolesNeeded: [],
  actionItems: [],
  timelineLength: 0,
  cadenceMisses: [],
  timeboxOverruns: [],
};

/** What the store holds for an incident (or the newest one) at `now`: what state graders check. */
export async function readTurnState(
  store: IncidentStore,
  framework: SeverityFramework,
  incidentId: string | null,
  now: Date,
): Promise<TurnState> {
  const incident = incidentId
    ? await store.getIncident(incidentId)
    : ((await store.listIncidents({ limit: 1 }))[0] ?? null);
  if (!incident) return NO_INCIDENT;
  const [roles, items, count, discipline] = await Promise.all([
    store.listRoles(incident.id),
    store.listActionItems({ incidentId: incident.id, status: ['open', 'in_progress', 'done', 'wont_do'] }),
    store.countTimeline(incident.id),
    disciplineOf(store, framework, incident, now),
  ]);
  return {
    incidentId: incident.id,
    severity: incident.severity,
    status: incident.status,
    rolesFilled: roles.filter((r) => r.person).map((r) => r.role),
    rolesNeeded: roles.filter((r) => !r.person).map((r) => r.role),
    actionItems: items.map((i) => ({ id: i.id, title: i.title, owner: i.owner, dueAt: i.dueAt })),
    timelineLength: count,
    ...discipline,
  };
}
