import { incidentNotFound, requireRecord } from './lookup.js';
import type { IncidentRecord, IncidentStore } from '../store/types.js';

/** Everything stored about one incident that a reader needs, as of one version. */
export type IncidentSnapshot = IncidentRecord;

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

/**
 * One incident's record with its newest `timelineLimit` entries, read in one transaction
 * (`readRecord`), from the cache while the incident's version is unchanged.
 */
export async function loadSnapshot(
  store: IncidentStore,
  cache: SnapshotCache,
  id: string,
  timelineLimit: number,
): Promise<IncidentSnapshot> {
  const key = `${id}:${timelineLimit}`;
  const version = await store.incidentVersion(id);
  if (version === null) throw await incidentNotFound(store, id);
  const cached = cache.get(key, version);
  if (cached) return cached;
  const record = await requireRecord(store, id, { timelineLimit });
  cache.set(key, record);
  return record;
}
