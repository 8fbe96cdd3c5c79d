import { NotFoundError } from '../core/errors.js';
import type {
  ActionItem,
  Hypothesis,
  Incident,
  IncidentStore,
  RoleAssignment,
  SeverityChange,
  StakeholderUpdate,
  TimelineEvent,
} from '../store/types.js';

/** Everything stored about one incident that a reader needs, as of one version. */
export interface IncidentSnapshot {
  version: number;
  incident: Incident;
  roles: RoleAssignment[];
  history: SeverityChange[];
  updates: StakeholderUpdate[];
  items: ActionItem[];
  hypotheses: Hypothesis[];
  /** The newest `limit` events, oldest first. */
  timeline: TimelineEvent[];
  timelineTotal: number;
}

/**
 * Snapshots by incident and timeline limit, valid while the incident's version is unchanged.
 * Many assistants poll the same incident; a hit costs one indexed lookup instead of seven queries.
 */
export class SnapshotCache {
  private readonly entries = new Map<string, IncidentSnapshot>();
  constructor(private readonly capacity = 64) {}

  get(key: string, version: number): IncidentSnapshot | undefined {
    const hit = this.entries.get(key);
    if (!hit || hit.version !== version) return undefined;
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit;
  }

  set(key: string, snapshot: IncidentSnapshot): void {
    this.entries.delete(key);
    this.entries.set(key, snapshot);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}

async function notFound(store: IncidentStore, id: string): Promise<never> {
  const recent = (await store.listIncidents({ limit: 5 })).map((i) => `${i.id} (${i.title})`);
  throw new NotFoundError(
    'incident',
    id,
    recent.length ? `Recent incidents: ${recent.join('; ')}.` : 'No incidents exist yet: call open_incident first.',
  );
}

/**
 * Reads a consistent snapshot: the version is read before and after loading, and the load is
 * retried if another process wrote in between, so the parts never mix two versions.
 */
export async function loadSnapshot(
  store: IncidentStore,
  cache: SnapshotCache,
  id: string,
  timelineLimit: number,
): Promise<IncidentSnapshot> {
  const key = `${id}:${timelineLimit}`;
  for (let attempt = 0; attempt < 5; attempt++) {
    const version = await store.incidentVersion(id);
    if (version === null) return notFound(store, id);
    const cached = cache.get(key, version);
    if (cached) return cached;
    const [incident, roles, history, updates, items, hypotheses, timeline, timelineTotal] = await Promise.all([
      store.getIncident(id),
      store.listRoles(id),
      store.severityHistory(id),
      store.listUpdates(id),
      store.listActionItems({ incidentId: id }),
      store.listHypotheses(id),
      store.listTimeline(id, { limit: timelineLimit, newest: true }),
      store.countTimeline(id),
    ]);
    if (!incident) return notFound(store, id);
    if (incident.version !== version || (await store.incidentVersion(id)) !== version) continue;
    const snapshot = { version, incident, roles, history, updates, items, hypotheses, timeline, timelineTotal };
    cache.set(key, snapshot);
    return snapshot;
  }
  throw new Error(`incident ${id} kept changing while being read; try again`);
}
