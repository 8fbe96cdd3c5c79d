import { NotFoundError } from '../core/errors.js';
import type { Incident, IncidentRecord, IncidentStore, RecordQuery, SeverityChange } from '../store/types.js';

/** NotFoundError for an incident id, naming the recent incidents so a caller can pick the right one. */
export async function incidentNotFound(store: IncidentStore, id: string): Promise<NotFoundError> {
  const recent = (await store.listIncidents({ limit: 5 })).map((i) => `${i.id} (${i.title})`);
  return new NotFoundError(
    'incident',
    id,
    recent.length ? `Recent incidents: ${recent.join('; ')}.` : 'No incidents exist yet: call open_incident first.',
  );
}

export async function requireIncident(store: IncidentStore, id: string): Promise<Incident> {
  const incident = await store.getIncident(id);
  if (!incident) throw await incidentNotFound(store, id);
  return incident;
}

/** One incident's whole record, read in one transaction. */
export async function requireRecord(store: IncidentStore, id: string, query?: RecordQuery): Promise<IncidentRecord> {
  const record = await store.readRecord(id, query);
  if (!record) throw await incidentNotFound(store, id);
  return record;
}

/** The time the current severity was set: the schedule of updates restarts from it. */
export function severitySetAt(history: readonly SeverityChange[], incident: Incident): string {
  return history.at(-1)?.at ?? incident.createdAt;
}
