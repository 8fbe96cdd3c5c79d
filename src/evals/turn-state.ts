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
  resolvedAt: null,
  postmortemPublishedAt: null,
  severityHistory: [],
  updates: [],
  hypotheses: [],
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
  const id = incidentId ?? (await store.listIncidents({ limit: 1 }))[0]?.id;
  const record = id ? await store.readRecord(id, { timelineLimit: 0 }) : null;
  if (!record) return NO_INCIDENT;
  const { incident, roles, items, history, updates, hypotheses } = record;
  return {
    incidentId: incident.id,
    severity: incident.severity,
    status: incident.status,
    rolesFilled: roles.filter((r) => r.person).map((r) => r.role),
    rolesNeeded: roles.filter((r) => !r.person).map((r) => r.role),
    actionItems: items.map((i) => ({
      id: i.id,
      title: i.title,
      owner: i.owner,
      dueAt: i.dueAt,
      createdAt: i.createdAt,
      status: i.status,
    })),
    timelineLength: record.timelineTotal,
    resolvedAt: incident.resolvedAt,
    postmortemPublishedAt: incident.postmortemPublishedAt,
    severityHistory: history.map((h) => ({ to: h.to, at: h.at })),
    updates: updates.map((u) => ({ audience: u.audience, at: u.at, noChange: u.noChange })),
    hypotheses: hypotheses.map((h) => ({
      id: h.id,
      statement: h.statement,
      startedAt: h.startedAt,
      timeboxMinutes: h.timeboxMinutes,
      status: h.status,
      resolvedAt: h.resolvedAt,
    })),
    ...disciplineOf(framework, record, now),
  };
}
