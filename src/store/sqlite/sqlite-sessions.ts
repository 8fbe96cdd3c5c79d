import type { Database, Statement } from 'better-sqlite3';
import type { SavedSession, SessionStore } from '../sessions.js';

const SELECT = 'SELECT id, incident_id, channel, data, created_at, updated_at FROM sessions';

type Row = unknown[];

function toSession(r: Row): SavedSession {
  return {
    id: String(r[0]),
    incidentId: r[1] === null ? null : String(r[1]),
    channel: r[2] === null ? null : String(r[2]),
    data: JSON.parse(String(r[3])),
    createdAt: String(r[4]),
    updatedAt: String(r[5]),
  };
}

/** How the owning connection runs a write (one IMMEDIATE transaction) and a read. */
export interface SqliteAccess {
  write<T>(fn: () => T): Promise<T>;
  read<T>(fn: () => T): Promise<T>;
}

/**
 * Sessions in their own table of the SQLite file the incident store opened (one connection, so
 * one file lock, and its transactions); the incident store never reads them.
 */
export class SqliteSessionStore implements SessionStore {
  private readonly statements = new Map<string, Statement>();

  constructor(
    private readonly db: Database,
    private readonly access: SqliteAccess,
  ) {}

  private stmt(sql: string, raw = false): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = raw ? this.db.prepare(sql).raw(true) : this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private one(sql: string, ...params: unknown[]): Promise<SavedSession | null> {
    return this.access.read(() => {
      const row = this.stmt(sql, true).get(...params) as Row | undefined;
      return row ? toSession(row) : null;
    });
  }

  save(s: SavedSession): Promise<void> {
    return this.access.write(() => {
      if (s.channel !== null)
        this.stmt('UPDATE sessions SET channel = NULL WHERE channel = ? AND id != ?').run(s.channel, s.id);
      this.stmt(
        `INSERT INTO sessions (id, incident_id, channel, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET incident_id = excluded.incident_id, channel = excluded.channel,
           data = excluded.data, updated_at = excluded.updated_at`,
      ).run(s.id, s.incidentId, s.channel, JSON.stringify(s.data), s.createdAt, s.updatedAt);
    });
  }

  load(id: string): Promise<SavedSession | null> {
    return this.one(`${SELECT} WHERE id = ?`, id);
  }

  findByIncident(incidentId: string): Promise<SavedSession | null> {
    return this.one(`${SELECT} WHERE incident_id = ? ORDER BY updated_at DESC LIMIT 1`, incidentId);
  }

  findByChannel(channel: string): Promise<SavedSession | null> {
    return this.one(`${SELECT} WHERE channel = ? LIMIT 1`, channel);
  }
}
