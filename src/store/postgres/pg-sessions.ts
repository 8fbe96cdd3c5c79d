import type pg from 'pg';
import type { SavedSession, SessionStore } from '../sessions.js';
import { type Query, queryOn } from './pg-connection.js';
import { SESSION_SELECT, toSession } from './pg-rows.js';

/** Runs a function in one transaction of the owning store. */
type Transaction = <T>(fn: (tx: { q: Query }) => Promise<T>) => Promise<T>;

/** Conversations with the commander, in the same database as the record (the incident store never reads them). */
export class PostgresSessionStore implements SessionStore {
  private readonly read: Query;

  constructor(
    pool: pg.Pool,
    private readonly transaction: Transaction,
  ) {
    this.read = queryOn(pool);
  }

  save(s: SavedSession): Promise<void> {
    return this.transaction(async ({ q }) => {
      if (s.channel !== null) {
        // Saves that claim one channel queue on a lock named after it, so the second one sees the
        // first one's claim and takes the channel from it, instead of both inserting it.
        await q("SELECT pg_advisory_xact_lock(hashtextextended('incident-commander channel ' || $1, 0))", [s.channel]);
        await q('UPDATE sessions SET channel = NULL WHERE channel = $1 AND id <> $2', [s.channel, s.id]);
      }
      await q(
        `INSERT INTO sessions (id, incident_id, channel, data, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET incident_id = excluded.incident_id, channel = excluded.channel,
           data = excluded.data, updated_at = excluded.updated_at`,
        [s.id, s.incidentId, s.channel, JSON.stringify(s.data), s.createdAt, s.updatedAt],
      );
    });
  }

  private async one(sql: string, param: string): Promise<SavedSession | null> {
    const [row] = await this.read(sql, [param]);
    return row ? toSession(row) : null;
  }

  load(id: string): Promise<SavedSession | null> {
    return this.one(`${SESSION_SELECT} WHERE id = $1`, id);
  }

  findByIncident(incidentId: string): Promise<SavedSession | null> {
    return this.one(`${SESSION_SELECT} WHERE incident_id = $1 ORDER BY updated_at DESC LIMIT 1`, incidentId);
  }

  findByChannel(channel: string): Promise<SavedSession | null> {
    return this.one(`${SESSION_SELECT} WHERE channel = $1 LIMIT 1`, channel);
  }
}
