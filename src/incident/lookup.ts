import { NotFoundError } from '../core/errors.js';
import type { Incident, IncidentStore, SeverityChange } from '../store/types.js';

export async function requireIncident(store: IncidentStore, id: string): Promise<Incident> {
  const incident = await store.getIncident(id);
  if (!incident) {
    const recent = (await store.listIncidents({ limit: 5 })).map((i) => `${i.id} (${i.title})`);
    throw new NotFoundError(
      'incident',
      id,
      recent.length ? `Recent incidents: ${recent.join('; ')}.` : 'No incidents exist yet: call open_incident first.',
    );
  }
  return incident;
}

/** The time the current severity was set: the schedule of updates restarts from it. */
export function severitySetAt(history: readonly SeverityChange[], incident: Incident): string {
  return history.at(-1)?.at ?? incident.createdAt;
}
