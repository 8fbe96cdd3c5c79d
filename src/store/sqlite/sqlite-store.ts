import { chmodSync, closeSync, existsSync, fstatSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import { ConflictError, ExternalError, NotFoundError } from '../../core/errors.js';
import { describeFsError, makePrivateDir } from '../../core/files.js';
import type { Audience } from '../../core/audiences.js';
import { ChangeHub } from '../change-hub.js';
import type {
  ActionItem,
  ActionItemFilter,
  ChangeListener,
  ActionItemPatch,
  ExternalRef,
  ExternalRefFilter,
  DraftFilter,
  DraftReview,
  Hypothesis,
  HypothesisResolution,
  Incident,
  IncidentFilter,
  IncidentPatch,
  IncidentRecord,
  IncidentStore,
  IsoTime,
  NewActionItem,
  NewEvent,
  NewExternalRef,
  NewHypothesis,
  NewIncident,
  NewRoleAssignment,
  NewStakeholderUpdate,
  NewStatusDraft,
  RecordQuery,
  RoleAssignment,
  SeverityChange,
  SeverityChangeRequest,
  StakeholderUpdate,
  StatusDraft,
  StatusDraftEdit,
  TimelineEvent,
  TimelineQuery,
  Unwatch,
} from '../types.js';
import type { Stores } from '../lazy-store.js';
import type { MessageStore } from '../messages.js';
import type { SessionStore } from '../sessions.js';
import { DRAFT_SELECT, toDraft } from './draft-rows.js';
import { migrate } from './migrations.js';
import { SqliteMessageStore } from './sqlite-messages.js';
import { SqliteSessionStore } from './sqlite-sessions.js';

/** A row in raw mode: values in the order of the SELECT's column list (much cheaper than row objects). */
type Row = unknown[];

const json = (value: unknown): string => JSON.stringify(value);
const parse = <T>(text: unknown): T => JSON.parse(String(text)) as T;
const str = (v: unknown): string => String(v);
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

const INCIDENT_SELECT =
  'SELECT id, title, summary, severity, status, services, impact, signals, declared_by, started_at, detected_at, acknowledged_at, mitigated_at, resolved_at, created_at, updated_at, version, resolution, postmortem_published_at FROM incidents';
function toIncident(r: Row): Incident {
  return {
    id: str(r[0]),
    title: str(r[1]),
    summary: str(r[2]),
    severity: r[3] as Incident['severity'],
    status: r[4] as Incident['status'],
    services: parse(r[5]),
    impact: parse(r[6]),
    signals: parse(r[7]),
    declaredBy: str(r[8]),
    startedAt: str(r[9]),
    detectedAt: str(r[10]),
    acknowledgedAt: strOrNull(r[11]),
    mitigatedAt: strOrNull(r[12]),
    resolvedAt: strOrNull(r[13]),
    createdAt: str(r[14]),
    updatedAt: str(r[15]),
    version: Number(r[16]),
    resolution: strOrNull(r[17]),
    postmortemPublishedAt: strOrNull(r[18]),
  };
}

const EVENT_SELECT = 'SELECT seq, incident_id, at, recorded_at, author, kind, text, data FROM timeline';
function toEvent(r: Row): TimelineEvent {
  return {
    seq: Number(r[0]),
    incidentId: str(r[1]),
    at: str(r[2]),
    recordedAt: str(r[3]),
    author: str(r[4]),
    kind: r[5] as TimelineEvent['kind'],
    text: str(r[6]),
    data: r[7] === null ? null : parse(r[7]),
  };
}

const SEVERITY_SELECT = 'SELECT incident_id, at, from_level, to_level, reason, author, criteria FROM severity_changes';
function toSeverityChange(r: Row): SeverityChange {
  return {
    incidentId: str(r[0]),
    at: str(r[1]),
    from: (r[2] ?? null) as SeverityChange['from'],
    to: r[3] as SeverityChange['to'],
    reason: str(r[4]),
    author: str(r[5]),
    criteria: parse(r[6]),
  };
}

const ROLE_SELECT = 'SELECT incident_id, role, person, need, interim, assigned_at, assigned_by FROM role_assignments';
function toRole(r: Row): RoleAssignment {
  return {
    incidentId: str(r[0]),
    role: str(r[1]),
    person: strOrNull(r[2]),
    need: strOrNull(r[3]),
    interim: r[4] === 1,
    assignedAt: str(r[5]),
    assignedBy: str(r[6]),
  };
}

const UPDATE_SELECT =
  'SELECT id, incident_id, audience, at, author, status, headline, body, no_change, next_update_at FROM stakeholder_updates';
function toUpdate(r: Row): StakeholderUpdate {
  return {
    id: str(r[0]),
    incidentId: str(r[1]),
    audience: r[2] as Audience,
    at: str(r[3]),
    author: str(r[4]),
    status: r[5] as StakeholderUpdate['status'],
    headline: str(r[6]),
    body: str(r[7]),
    noChange: r[8] === 1,
    nextUpdateAt: strOrNull(r[9]),
  };
}

const ACTION_SELECT =
  'SELECT id, incident_id, title, description, owner, due_at, kind, priority, status, created_by, created_at, updated_at, completed_at FROM action_items';
function toActionItem(r: Row): ActionItem {
  return {
    id: str(r[0]),
    incidentId: str(r[1]),
    title: str(r[2]),
    description: str(r[3]),
    owner: str(r[4]),
    dueAt: str(r[5]),
    kind: r[6] as ActionItem['kind'],
    priority: r[7] as ActionItem['priority'],
    status: r[8] as ActionItem['status'],
    createdBy: str(r[9]),
    createdAt: str(r[10]),
    updatedAt: str(r[11]),
    completedAt: strOrNull(r[12]),
  };
}

const INCIDENT_COLUMNS: Record<keyof IncidentPatch, [string, (v: never) => unknown]> = {
  title: ['title', (v: string) => v],
  summary: ['summary', (v: string) => v],
  status: ['status', (v: string) => v],
  services: ['services', json],
  impact: ['impact', json],
  signals: ['signals', json],
  acknowledgedAt: ['acknowledged_at', (v: string | null) => v],
  mitigatedAt: ['mitigated_at', (v: string | null) => v],
  resolvedAt: ['resolved_at', (v: string | null) => v],
  startedAt: ['started_at', (v: string) => v],
  detectedAt: ['detected_at', (v: string) => v],
  resolution: ['resolution', (v: string | null) => v],
  postmortemPublishedAt: ['postmortem_published_at', (v: string | null) => v],
};

const HYPOTHESIS_SELECT =
  'SELECT id, incident_id, statement, owner, started_at, timebox_minutes, status, resolved_at, resolved_by, evidence FROM hypotheses';
function toHypothesis(r: Row): Hypothesis {
  return {
    id: str(r[0]),
    incidentId: str(r[1]),
    statement: str(r[2]),
    owner: str(r[3]),
    startedAt: str(r[4]),
    timeboxMinutes: Number(r[5]),
    status: r[6] as Hypothesis['status'],
    resolvedAt: strOrNull(r[7]),
    resolvedBy: strOrNull(r[8]),
    evidence: str(r[9]),
  };
}

const REF_SELECT = 'SELECT incident_id, system, kind, key, data, created_at, updated_at FROM external_refs';
function toRef(r: Row): ExternalRef {
  return {
    incidentId: str(r[0]),
    system: str(r[1]),
    kind: str(r[2]),
    key: str(r[3]),
    data: parse(r[4]),
    createdAt: str(r[5]),
    updatedAt: str(r[6]),
  };
}

export interface SqliteStoreOptions {
  /** How long a writer waits for another process's lock before failing, in ms. */
  busyTimeoutMs?: number;
  /** Clock for `recorded_at`; defaults to the system clock. */
  now?: () => Date;
  /** A missing file is an error naming it, never a new empty database (read-only commands). */
  mustExist?: boolean;
  /** How often a watched store checks for commits by other connections, in ms (a cheap PRAGMA). */
  watchPollMs?: number;
}

/**
 * Makes sure the database file exists and is private (0600) before SQLite opens it: SQLite
 * creates files with 0644 less the umask, and gives its -wal and -shm files the database
 * file's own mode. An older file made more open is tightened, if it is ours.
 */
function preparePrivateFile(path: string, mustExist: boolean): void {
  if (mustExist && !existsSync(path))
    throw new ExternalError(
      `no incident database at ${path}`,
      'Nothing has been recorded there: check --db, INCIDENT_COMMANDER_DB or --home for a typo (commands that only read never create a database). The first command that records something (chat, ask, mcp, tools call) creates it.',
    );
  makePrivateDir(dirname(path));
  let fd: number | undefined;
  try {
    fd = openSync(path, 'a', 0o600);
    const stat = fstatSync(fd);
    if ((stat.mode & 0o077) !== 0 && stat.uid === process.getuid?.()) {
      chmodSync(path, 0o600);
      for (const side of [`${path}-wal`, `${path}-shm`]) if (existsSync(side)) chmodSync(side, 0o600);
    }
  } catch (error) {
    throw describeFsError(error, 'open the incident database', path);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** SQLite's own failures to open a file, said as what is wrong with the file. */
function describeOpenError(error: unknown, path: string): unknown {
  const code = (error as { code?: string }).code ?? '';
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT')
    return new ExternalError(
      `${path} is not a readable SQLite database (${code === 'SQLITE_NOTADB' ? 'not a database file' : 'the file is damaged'})`,
      'Restore it from a backup, or move it aside (mv it to a new name) and run again to start a new record. If --db points at the wrong file, fix the path.',
    );
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM')
    return new ExternalError(
      `cannot write the incident database ${path} (${code})`,
      `Check that you own ${path} and its folder, and that the disk is writable.`,
    );
  return error;
}

function incidentNotFound(id: string): NotFoundError {
  return new NotFoundError(
    'incident',
    id,
    'Call get_incident or list incidents to find a valid id, or open_incident first.',
  );
}

/**
 * The default store: one SQLite file in WAL mode, shared safely by several processes
 * (an MCP server and a chat at once). Every write is one IMMEDIATE transaction.
 */
export class SqliteStore implements IncidentStore {
  readonly db: Database;
  private readonly now: () => Date;
  private readonly statements = new Map<string, Statement>();
  /** One transaction wrapper for every write: better-sqlite3 builds a new one per `transaction()` call. */
  private readonly transaction: ReturnType<Database['transaction']>;
  /** Chat sessions, in their own table of this file, through this connection. */
  readonly sessions: SessionStore;
  /** The integrations' durable queues, likewise. */
  readonly messages: MessageStore;
  private readonly hub = new ChangeHub();
  private readonly watchPollMs: number;
  private poller: NodeJS.Timeout | undefined;
  private dataVersion = -1;
  /** The incident the running write touched (insertEvents is called once per write). */
  private written: string | null = null;

  constructor(
    readonly path: string,
    options: SqliteStoreOptions = {},
  ) {
    if (path !== ':memory:') preparePrivateFile(path, options.mustExist ?? false);
    this.db = new BetterSqlite3(path, { timeout: options.busyTimeoutMs ?? 5000 });
    this.now = options.now ?? (() => new Date());
    this.watchPollMs = options.watchPollMs ?? 100;
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      // better-sqlite3 defaults to a 16 MB page cache; an incident database is small.
      this.db.pragma('cache_size = -4000');
      this.db.pragma('foreign_keys = ON');
      migrate(this.db);
    } catch (error) {
      this.db.close();
      throw describeOpenError(error, path);
    }
    this.transaction = this.db.transaction((fn: () => unknown) => fn());
    const access = { write: <T>(fn: () => T) => this.write(fn), read: <T>(fn: () => T) => this.read(fn) };
    this.sessions = new SqliteSessionStore(this.db, access);
    this.messages = new SqliteMessageStore(this.db, access);
  }

  /** Prepared statements by SQL text; dynamic queries have few shapes, so the cache stays small. */
  private stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** A cached SELECT in raw mode: rows come back as arrays in column order. */
  private query(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql).raw(true);
      this.statements.set(sql, s);
    }
    return s;
  }

  /**
   * Every write is one IMMEDIATE transaction: it takes the write lock before reading anything, so it
   * never has to upgrade a read snapshot (which fails with SQLITE_BUSY_SNAPSHOT, without waiting) and
   * waits up to the busy timeout for another process's write to finish.
   */
  private write<T>(fn: () => T): Promise<T> {
    this.written = null;
    let result: T;
    try {
      result = this.transaction.immediate(fn) as T;
    } catch (error) {
      return Promise.reject(error);
    }
    // Committed: this connection's watchers hear of it now (PRAGMA data_version only moves for other connections' commits).
    if (this.written !== null && this.hub.watching) this.reportIncident(this.written);
    return Promise.resolve(result);
  }

  /** A read of one statement: it sees everything committed before it, in any process. */
  private read<T>(fn: () => T): Promise<T> {
    try {
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private requireIncident(id: string): Incident {
    const row = this.query(`${INCIDENT_SELECT} WHERE id = ?`).get(id) as Row | undefined;
    if (!row) throw incidentNotFound(id);
    return toIncident(row);
  }

  /** For writes that need the incident to exist but not its row (decoding it costs three JSON parses). */
  private requireIncidentExists(id: string): void {
    if (!this.query('SELECT 1 FROM incidents WHERE id = ?').get(id)) throw incidentNotFound(id);
  }

  private insertEvents(incidentId: string, events: readonly NewEvent[]): TimelineEvent[] {
    const recordedAt = this.now().toISOString();
    const insert = this.stmt(
      'INSERT INTO timeline (incident_id, at, recorded_at, author, kind, text, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    // Every write method calls this exactly once, inside its transaction: the version moves with each write,
    // and a write to a missing incident is refused here (rolling back anything before it).
    const bumped = this.stmt(
      'UPDATE incidents SET timeline_count = timeline_count + ?, version = version + 1 WHERE id = ?',
    ).run(events.length, incidentId);
    if (bumped.changes === 0) throw incidentNotFound(incidentId);
    this.written = incidentId;
    return events.map((e) => {
      const info = insert.run(incidentId, e.at, recordedAt, e.author, e.kind, e.text, e.data ? json(e.data) : null);
      return {
        seq: Number(info.lastInsertRowid),
        incidentId,
        at: e.at,
        recordedAt,
        author: e.author,
        kind: e.kind,
        text: e.text,
        data: e.data ?? null,
      };
    });
  }

  private touch(id: string, at: IsoTime): void {
    this.stmt('UPDATE incidents SET updated_at = ? WHERE id = ?').run(at, id);
  }

  openIncident(draft: NewIncident, events: readonly NewEvent[] = []): Promise<Incident> {
    return this.write(() => {
      const info = this.stmt(
        `INSERT INTO incidents (id, title, summary, severity, status, services, impact, signals, declared_by, started_at, detected_at, created_at, updated_at)
         VALUES ('pending-' || hex(randomblob(8)), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        draft.title,
        draft.summary,
        draft.severity,
        draft.status,
        json(draft.services),
        json(draft.impact),
        json(draft.signals),
        draft.declaredBy,
        draft.startedAt,
        draft.detectedAt,
        draft.at,
        draft.at,
      );
      const number = Number(info.lastInsertRowid);
      const id = `INC-${number}`;
      this.stmt('UPDATE incidents SET id = ? WHERE number = ?').run(id, number);
      this.stmt(
        'INSERT INTO severity_changes (incident_id, at, from_level, to_level, reason, author, criteria) VALUES (?, ?, NULL, ?, ?, ?, ?)',
      ).run(id, draft.at, draft.severity, draft.severityReason, draft.declaredBy, json(draft.severityCriteria));
      for (const ref of draft.refs ?? []) {
        const held = this.query(`${REF_SELECT} WHERE system = ? AND kind = ? AND key = ?`).get(
          ref.system,
          ref.kind,
          ref.key,
        ) as Row | undefined;
        if (held)
          throw new ConflictError(
            `${ref.system} ${ref.kind} ${ref.key} already belongs to ${str(held[0])}`,
            `Work on ${str(held[0])}: one record of another system stands for one incident.`,
          );
        this.stmt(
          'INSERT INTO external_refs (system, kind, key, incident_id, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        ).run(ref.system, ref.kind, ref.key, id, json(ref.data), draft.at, draft.at);
      }
      this.insertEvents(id, events);
      return this.requireIncident(id);
    });
  }

  getIncident(id: string): Promise<Incident | null> {
    return this.read(() => {
      const row = this.query(`${INCIDENT_SELECT} WHERE id = ?`).get(id) as Row | undefined;
      return row ? toIncident(row) : null;
    });
  }

  listIncidents(filter: IncidentFilter = {}): Promise<Incident[]> {
    return this.read(() => {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.status?.length) {
        where.push(`status IN (${filter.status.map(() => '?').join(', ')})`);
        params.push(...filter.status);
      }
      if (filter.service) {
        where.push('EXISTS (SELECT 1 FROM json_each(incidents.services) WHERE value = ?)');
        params.push(filter.service);
      }
      const sql = `${INCIDENT_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY number DESC LIMIT ?`;
      params.push(filter.limit ?? 100);
      return (this.query(sql).all(...params) as Row[]).map(toIncident);
    });
  }

  updateIncident(id: string, patch: IncidentPatch, events: readonly NewEvent[], at: IsoTime): Promise<Incident> {
    // A missing incident is refused by insertEvents below, inside this transaction.
    return this.write(() => {
      const sets: string[] = [];
      const params: unknown[] = [];
      for (const [key, value] of Object.entries(patch) as [keyof IncidentPatch, never][]) {
        if (value === undefined) continue;
        const [column, encode] = INCIDENT_COLUMNS[key];
        sets.push(`${column} = ?`);
        params.push(encode(value));
      }
      sets.push('updated_at = ?');
      params.push(at, id);
      this.stmt(`UPDATE incidents SET ${sets.join(', ')} WHERE id = ?`).run(...params);
      this.insertEvents(id, events);
      return this.requireIncident(id);
    });
  }

  changeSeverity(
    id: string,
    request: SeverityChangeRequest,
    events: readonly NewEvent[],
  ): Promise<{ incident: Incident; change: SeverityChange | null }> {
    return this.write(() => {
      const before = this.requireIncident(id);
      let change: SeverityChange | null = null;
      if (before.severity !== request.to) {
        change = {
          incidentId: id,
          at: request.at,
          from: before.severity,
          to: request.to,
          reason: request.reason,
          author: request.author,
          criteria: request.criteria,
        };
        this.stmt(
          'INSERT INTO severity_changes (incident_id, at, from_level, to_level, reason, author, criteria) VALUES (?, ?, ?, ?, ?, ?, ?)',
        ).run(id, request.at, before.severity, request.to, request.reason, request.author, json(request.criteria));
        this.stmt('UPDATE incidents SET severity = ?, updated_at = ? WHERE id = ?').run(request.to, request.at, id);
      }
      if (request.signals) this.stmt('UPDATE incidents SET signals = ? WHERE id = ?').run(json(request.signals), id);
      this.insertEvents(id, events);
      return { incident: this.requireIncident(id), change };
    });
  }

  severityHistory(id: string): Promise<SeverityChange[]> {
    return this.read(() =>
      (this.query(`${SEVERITY_SELECT} WHERE incident_id = ? ORDER BY seq`).all(id) as Row[]).map(toSeverityChange),
    );
  }

  private currentRoles(id: string): RoleAssignment[] {
    return (
      this.query(
        `${ROLE_SELECT} r WHERE incident_id = ?
         AND seq = (SELECT MAX(seq) FROM role_assignments WHERE incident_id = r.incident_id AND role = r.role)
         ORDER BY seq`,
      ).all(id) as Row[]
    ).map(toRole);
  }

  assignRoles(
    id: string,
    assignments: readonly NewRoleAssignment[],
    events: readonly NewEvent[],
    options: { acknowledgedAt?: IsoTime } = {},
  ): Promise<RoleAssignment[]> {
    return this.write(() => {
      this.requireIncidentExists(id);
      if (options.acknowledgedAt)
        this.stmt('UPDATE incidents SET acknowledged_at = ? WHERE id = ? AND acknowledged_at IS NULL').run(
          options.acknowledgedAt,
          id,
        );
      const insert = this.stmt(
        'INSERT INTO role_assignments (incident_id, role, person, need, interim, assigned_at, assigned_by) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      for (const a of assignments)
        insert.run(id, a.role, a.person, a.need, a.interim ? 1 : 0, a.assignedAt, a.assignedBy);
      this.insertEvents(id, events);
      if (assignments[0]) this.touch(id, assignments[0].assignedAt);
      return this.currentRoles(id);
    });
  }

  listRoles(id: string): Promise<RoleAssignment[]> {
    return this.read(() => this.currentRoles(id));
  }

  appendEvents(id: string, events: readonly NewEvent[]): Promise<TimelineEvent[]> {
    return this.write(() => this.insertEvents(id, events));
  }

  listTimeline(id: string, query: TimelineQuery = {}): Promise<TimelineEvent[]> {
    return this.read(() => {
      const params: unknown[] = [id];
      let kinds = '';
      if (query.kinds?.length) {
        kinds = ` AND kind IN (${query.kinds.map(() => '?').join(', ')})`;
        params.push(...query.kinds);
      }
      if (query.afterSeq !== undefined) {
        params.push(query.afterSeq, query.limit ?? -1, query.offset ?? 0);
        const tail = this.query(
          `${EVENT_SELECT} WHERE incident_id = ?${kinds} AND seq > ? ORDER BY seq LIMIT ? OFFSET ?`,
        ).all(...params) as Row[];
        return tail.map(toEvent);
      }
      const order = query.newest ? 'DESC' : 'ASC';
      params.push(query.limit ?? -1, query.offset ?? 0);
      const rows = this.query(
        `${EVENT_SELECT} WHERE incident_id = ?${kinds} ORDER BY at ${order}, seq ${order} LIMIT ? OFFSET ?`,
      ).all(...params) as Row[];
      const events = rows.map(toEvent);
      return query.newest ? events.reverse() : events;
    });
  }

  incidentVersion(id: string): Promise<number | null> {
    return this.read(() => {
      const row = this.query('SELECT version FROM incidents WHERE id = ?').get(id) as Row | undefined;
      return row ? Number(row[0]) : null;
    });
  }

  readRecord(id: string, options: RecordQuery = {}): Promise<IncidentRecord | null> {
    // One DEFERRED transaction: in WAL mode its first read fixes the snapshot every later read sees.
    return this.read(
      () =>
        this.transaction.deferred(() => {
          const row = this.query(`${INCIDENT_SELECT} WHERE id = ?`).get(id) as Row | undefined;
          if (!row) return null;
          const incident = toIncident(row);
          const limit = options.timelineLimit;
          const timeline = (
            this.query(`${EVENT_SELECT} WHERE incident_id = ? ORDER BY at DESC, seq DESC LIMIT ?`).all(
              id,
              limit ?? -1,
            ) as Row[]
          )
            .map(toEvent)
            .reverse();
          return {
            version: incident.version,
            incident,
            roles: this.currentRoles(id),
            history: (this.query(`${SEVERITY_SELECT} WHERE incident_id = ? ORDER BY seq`).all(id) as Row[]).map(
              toSeverityChange,
            ),
            updates: (this.query(`${UPDATE_SELECT} WHERE incident_id = ? ORDER BY at, number`).all(id) as Row[]).map(
              toUpdate,
            ),
            items: (
              this.query(`${ACTION_SELECT} WHERE incident_id = ? ORDER BY due_at, number LIMIT ?`).all(id, -1) as Row[]
            ).map(toActionItem),
            hypotheses: (this.query(`${HYPOTHESIS_SELECT} WHERE incident_id = ? ORDER BY number`).all(id) as Row[]).map(
              toHypothesis,
            ),
            drafts: (this.query(`${DRAFT_SELECT} WHERE incident_id = ? ORDER BY number`).all(id) as Row[]).map(toDraft),
            timeline,
            timelineTotal: Number(
              (this.query('SELECT timeline_count FROM incidents WHERE id = ?').get(id) as Row | undefined)?.[0] ?? 0,
            ),
          };
        }) as IncidentRecord | null,
    );
  }

  countTimeline(id: string): Promise<number> {
    return this.read(() =>
      Number((this.query('SELECT timeline_count FROM incidents WHERE id = ?').get(id) as Row | undefined)?.[0] ?? 0),
    );
  }

  recordUpdate(update: NewStakeholderUpdate, events: readonly NewEvent[]): Promise<StakeholderUpdate> {
    return this.write(() => {
      this.requireIncidentExists(update.incidentId);
      const info = this.stmt(
        `INSERT INTO stakeholder_updates (id, incident_id, audience, at, author, status, headline, body, no_change, next_update_at)
         VALUES ('pending-' || hex(randomblob(8)), ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        update.incidentId,
        update.audience,
        update.at,
        update.author,
        update.status,
        update.headline,
        update.body,
        update.noChange ? 1 : 0,
        update.nextUpdateAt,
      );
      const id = `UPD-${Number(info.lastInsertRowid)}`;
      this.stmt('UPDATE stakeholder_updates SET id = ? WHERE number = ?').run(id, Number(info.lastInsertRowid));
      this.insertEvents(update.incidentId, events);
      this.touch(update.incidentId, update.at);
      return { ...update, id };
    });
  }

  listUpdates(id: string, audience?: Audience): Promise<StakeholderUpdate[]> {
    return this.read(() => {
      const rows = audience
        ? this.query(`${UPDATE_SELECT} WHERE incident_id = ? AND audience = ? ORDER BY at, number`).all(id, audience)
        : this.query(`${UPDATE_SELECT} WHERE incident_id = ? ORDER BY at, number`).all(id);
      return (rows as Row[]).map(toUpdate);
    });
  }

  private requireActionItem(id: string): ActionItem {
    const row = this.query(`${ACTION_SELECT} WHERE id = ?`).get(id) as Row | undefined;
    if (!row) throw new NotFoundError('action item', id, 'Call list_action_items to find a valid id.');
    return toActionItem(row);
  }

  createActionItem(item: NewActionItem, events: readonly NewEvent[]): Promise<{ item: ActionItem; created: boolean }> {
    return this.write(() => {
      this.requireIncidentExists(item.incidentId);
      const same = this.query(
        `${ACTION_SELECT} WHERE incident_id = ? AND status IN ('open', 'in_progress') AND lower(title) = lower(?) AND lower(owner) = lower(?) LIMIT 1`,
      ).get(item.incidentId, item.title, item.owner) as Row | undefined;
      if (same) return { item: toActionItem(same), created: false };
      const info = this.stmt(
        `INSERT INTO action_items (id, incident_id, title, description, owner, due_at, kind, priority, status, created_by, created_at, updated_at)
         VALUES ('pending-' || hex(randomblob(8)), ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)`,
      ).run(
        item.incidentId,
        item.title,
        item.description,
        item.owner,
        item.dueAt,
        item.kind,
        item.priority,
        item.createdBy,
        item.at,
        item.at,
      );
      const number = Number(info.lastInsertRowid);
      const id = `AI-${number}`;
      this.stmt('UPDATE action_items SET id = ? WHERE number = ?').run(id, number);
      this.insertEvents(
        item.incidentId,
        events.map((e) => ({ ...e, data: { ...e.data, actionItemId: id } })),
      );
      this.touch(item.incidentId, item.at);
      return { item: this.requireActionItem(id), created: true };
    });
  }

  getActionItem(id: string): Promise<ActionItem | null> {
    return this.read(() => {
      const row = this.query(`${ACTION_SELECT} WHERE id = ?`).get(id) as Row | undefined;
      return row ? toActionItem(row) : null;
    });
  }

  listActionItems(filter: ActionItemFilter = {}): Promise<ActionItem[]> {
    return this.read(() => {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.incidentId) {
        where.push('incident_id = ?');
        params.push(filter.incidentId);
      }
      if (filter.owner) {
        where.push('owner = ? COLLATE NOCASE');
        params.push(filter.owner);
      }
      if (filter.status?.length) {
        where.push(`status IN (${filter.status.map(() => '?').join(', ')})`);
        params.push(...filter.status);
      }
      if (filter.dueBefore) {
        where.push('due_at < ?');
        params.push(filter.dueBefore);
      }
      params.push(filter.limit ?? -1);
      const sql = `${ACTION_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY due_at, number LIMIT ?`;
      return (this.query(sql).all(...params) as Row[]).map(toActionItem);
    });
  }

  updateActionItem(id: string, patch: ActionItemPatch, events: readonly NewEvent[]): Promise<ActionItem> {
    return this.write(() => {
      const before = this.requireActionItem(id);
      const next = {
        ...before,
        ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
      } as ActionItem & { at: string };
      const closed = next.status === 'done' || next.status === 'wont_do';
      const completedAt = closed ? (before.completedAt ?? patch.at) : null;
      this.stmt(
        'UPDATE action_items SET title = ?, description = ?, owner = ?, due_at = ?, priority = ?, status = ?, updated_at = ?, completed_at = ? WHERE id = ?',
      ).run(
        next.title,
        next.description,
        next.owner,
        next.dueAt,
        next.priority,
        next.status,
        patch.at,
        completedAt,
        id,
      );
      this.insertEvents(
        before.incidentId,
        events.map((e) => ({ ...e, data: { ...e.data, actionItemId: id } })),
      );
      this.touch(before.incidentId, patch.at);
      return this.requireActionItem(id);
    });
  }

  startHypothesis(h: NewHypothesis, events: readonly NewEvent[]): Promise<Hypothesis> {
    return this.write(() => {
      this.requireIncidentExists(h.incidentId);
      const info = this.stmt(
        `INSERT INTO hypotheses (id, incident_id, statement, owner, started_at, timebox_minutes, status, evidence)
         VALUES ('pending-' || hex(randomblob(8)), ?, ?, ?, ?, ?, 'open', ?)`,
      ).run(h.incidentId, h.statement, h.owner, h.startedAt, h.timeboxMinutes, h.evidence);
      const id = `H-${Number(info.lastInsertRowid)}`;
      this.stmt('UPDATE hypotheses SET id = ? WHERE number = ?').run(id, Number(info.lastInsertRowid));
      this.insertEvents(
        h.incidentId,
        events.map((e) => ({ ...e, data: { ...e.data, hypothesisId: id } })),
      );
      return this.requireHypothesis(id);
    });
  }

  private requireHypothesis(id: string): Hypothesis {
    const row = this.query(`${HYPOTHESIS_SELECT} WHERE id = ?`).get(id) as Row | undefined;
    if (!row)
      throw new NotFoundError('hypothesis', id, "Call get_incident to see the incident's hypotheses and their ids.");
    return toHypothesis(row);
  }

  resolveHypothesis(id: string, resolution: HypothesisResolution, events: readonly NewEvent[]): Promise<Hypothesis> {
    return this.write(() => {
      const before = this.requireHypothesis(id);
      if (before.status !== 'open')
        throw new ConflictError(
          `hypothesis ${id} is already ${before.status.replace('_', ' ')}`,
          'Start a new hypothesis with start_hypothesis if there is a new lead.',
        );
      this.stmt('UPDATE hypotheses SET status = ?, resolved_at = ?, resolved_by = ?, evidence = ? WHERE id = ?').run(
        resolution.status,
        resolution.resolvedAt,
        resolution.resolvedBy,
        resolution.evidence,
        id,
      );
      this.insertEvents(
        before.incidentId,
        events.map((e) => ({ ...e, data: { ...e.data, hypothesisId: id } })),
      );
      return this.requireHypothesis(id);
    });
  }

  getHypothesis(id: string): Promise<Hypothesis | null> {
    return this.read(() => {
      const row = this.query(`${HYPOTHESIS_SELECT} WHERE id = ?`).get(id) as Row | undefined;
      return row ? toHypothesis(row) : null;
    });
  }

  listHypotheses(incidentId: string): Promise<Hypothesis[]> {
    return this.read(() =>
      (this.query(`${HYPOTHESIS_SELECT} WHERE incident_id = ? ORDER BY number`).all(incidentId) as Row[]).map(
        toHypothesis,
      ),
    );
  }

  putRef(ref: NewExternalRef): Promise<{ ref: ExternalRef; created: boolean }> {
    return this.write(() => {
      const same = this.query(`${REF_SELECT} WHERE system = ? AND kind = ? AND key = ?`).get(
        ref.system,
        ref.kind,
        ref.key,
      ) as Row | undefined;
      if (same) return { ref: toRef(same), created: false };
      this.requireIncidentExists(ref.incidentId);
      this.stmt(
        'INSERT INTO external_refs (system, kind, key, incident_id, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ).run(ref.system, ref.kind, ref.key, ref.incidentId, json(ref.data), ref.at, ref.at);
      const { at, ...rest } = ref;
      return { ref: { ...rest, data: ref.data, createdAt: at, updatedAt: at }, created: true };
    });
  }

  updateRef(
    system: string,
    kind: string,
    key: string,
    data: Record<string, unknown>,
    at: IsoTime,
  ): Promise<ExternalRef> {
    return this.write(() => {
      const changed = this.stmt(
        'UPDATE external_refs SET data = ?, updated_at = ? WHERE system = ? AND kind = ? AND key = ?',
      ).run(json(data), at, system, kind, key);
      if (changed.changes === 0)
        throw new NotFoundError('reference', `${system}/${kind}/${key}`, 'Keep it first (putRef), then update it.');
      return toRef(this.query(`${REF_SELECT} WHERE system = ? AND kind = ? AND key = ?`).get(system, kind, key) as Row);
    });
  }

  findRef(system: string, kind: string, key: string): Promise<ExternalRef | null> {
    return this.read(() => {
      const row = this.query(`${REF_SELECT} WHERE system = ? AND kind = ? AND key = ?`).get(system, kind, key) as
        | Row
        | undefined;
      return row ? toRef(row) : null;
    });
  }

  listRefs(incidentId: string, filter: ExternalRefFilter = {}): Promise<ExternalRef[]> {
    return this.read(() => {
      const rows = this.query(
        `${REF_SELECT} WHERE incident_id = ? AND (? IS NULL OR system = ?) AND (? IS NULL OR kind = ?) ORDER BY created_at, system, kind, key`,
      ).all(
        incidentId,
        filter.system ?? null,
        filter.system ?? null,
        filter.kind ?? null,
        filter.kind ?? null,
      ) as Row[];
      return rows.map(toRef);
    });
  }

  claim(scope: string, key: string, at: IsoTime): Promise<boolean> {
    return this.write(
      () =>
        this.stmt('INSERT INTO claims (scope, key, claimed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(
          scope,
          key,
          at,
        ).changes === 1,
    );
  }

  releaseClaim(scope: string, key: string): Promise<void> {
    return this.write(() => {
      this.stmt('DELETE FROM claims WHERE scope = ? AND key = ?').run(scope, key);
    });
  }

  forgetClaims(before: IsoTime): Promise<number> {
    return this.write(() => this.stmt('DELETE FROM claims WHERE claimed_at < ?').run(before).changes);
  }

  private requireDraft(id: string): StatusDraft {
    const row = this.query(`${DRAFT_SELECT} WHERE id = ?`).get(id) as Row | undefined;
    if (!row) throw new NotFoundError('draft', id, 'List the drafts (incident-commander updates list) to find its id.');
    return toDraft(row);
  }

  /** A draft in one of the states a transition needs, at the revision the caller saw. */
  private draftFor(id: string, states: readonly StatusDraft['state'][], revision: number | null): StatusDraft {
    const draft = this.requireDraft(id);
    if (!states.includes(draft.state))
      throw new ConflictError(
        `draft ${id} is ${draft.state}${draft.review ? ` (${draft.review.decision} by ${draft.review.by} via ${draft.review.via})` : ''}`,
        draft.state === 'superseded'
          ? `A newer draft of ${draft.incidentId} replaced it: list the drafts and decide on the newest.`
          : 'Nothing to do; draft the next customer update for anything new.',
      );
    if (revision !== null && draft.revision !== revision)
      throw new ConflictError(
        `draft ${id} is at revision ${draft.revision}, not ${revision}: it was edited since you read it`,
        'Read it again and decide on what it says now.',
      );
    return draft;
  }

  createDraft(draft: NewStatusDraft, events: readonly NewEvent[]): Promise<StatusDraft> {
    return this.write(() => {
      this.requireIncidentExists(draft.incidentId);
      this.stmt(
        "UPDATE status_drafts SET state = 'superseded', updated_at = ? WHERE incident_id = ? AND state = 'pending'",
      ).run(draft.at, draft.incidentId);
      const info = this.stmt(
        `INSERT INTO status_drafts (id, incident_id, state, revision, status, impact, components, title, body, update_id, created_by, created_at, updated_at)
         VALUES ('pending-' || hex(randomblob(8)), ?, 'pending', 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        draft.incidentId,
        draft.status,
        draft.impact,
        json(draft.components),
        draft.title,
        draft.body,
        draft.updateId,
        draft.createdBy,
        draft.at,
        draft.at,
      );
      const number = Number(info.lastInsertRowid);
      const id = `SD-${number}`;
      this.stmt('UPDATE status_drafts SET id = ? WHERE number = ?').run(id, number);
      this.insertEvents(
        draft.incidentId,
        events.map((e) => ({ ...e, data: { ...e.data, draftId: id } })),
      );
      return this.requireDraft(id);
    });
  }

  getDraft(id: string): Promise<StatusDraft | null> {
    return this.read(() => {
      const row = this.query(`${DRAFT_SELECT} WHERE id = ?`).get(id) as Row | undefined;
      return row ? toDraft(row) : null;
    });
  }

  listDrafts(filter: DraftFilter = {}): Promise<StatusDraft[]> {
    return this.read(() => {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.incidentId) {
        where.push('incident_id = ?');
        params.push(filter.incidentId);
      }
      if (filter.states?.length) {
        where.push(`state IN (${filter.states.map(() => '?').join(', ')})`);
        params.push(...filter.states);
      }
      params.push(filter.limit ?? -1);
      const sql = `${DRAFT_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY number LIMIT ?`;
      return (this.query(sql).all(...params) as Row[]).map(toDraft);
    });
  }

  editDraft(id: string, edit: StatusDraftEdit, events: readonly NewEvent[]): Promise<StatusDraft> {
    return this.write(() => {
      const before = this.draftFor(id, ['pending'], edit.revision);
      this.stmt(
        'UPDATE status_drafts SET status = ?, impact = ?, components = ?, title = ?, body = ?, revision = revision + 1, updated_at = ? WHERE id = ?',
      ).run(
        edit.status ?? before.status,
        edit.impact ?? before.impact,
        json(edit.components ?? before.components),
        edit.title ?? before.title,
        edit.body ?? before.body,
        edit.at,
        id,
      );
      this.insertEvents(
        before.incidentId,
        events.map((e) => ({ ...e, data: { ...e.data, draftId: id } })),
      );
      return this.requireDraft(id);
    });
  }

  reviewDraft(id: string, review: DraftReview, events: readonly NewEvent[]): Promise<StatusDraft> {
    return this.write(() => {
      const before = this.draftFor(id, ['pending'], review.revision);
      this.stmt('UPDATE status_drafts SET state = ?, review = ?, updated_at = ? WHERE id = ?').run(
        review.decision,
        json(review),
        review.at,
        id,
      );
      this.insertEvents(
        before.incidentId,
        events.map((e) => ({ ...e, data: { ...e.data, draftId: id } })),
      );
      return this.requireDraft(id);
    });
  }

  markDraftPublished(
    id: string,
    published: { at: IsoTime; ref: string; url: string | null },
    events: readonly NewEvent[],
  ): Promise<StatusDraft> {
    return this.write(() => {
      const before = this.draftFor(id, ['approved'], null);
      this.stmt(
        "UPDATE status_drafts SET state = 'published', published_at = ?, published_ref = ?, published_url = ?, updated_at = ? WHERE id = ?",
      ).run(published.at, published.ref, published.url, published.at, id);
      this.insertEvents(
        before.incidentId,
        events.map((e) => ({ ...e, data: { ...e.data, draftId: id } })),
      );
      return this.requireDraft(id);
    });
  }

  /**
   * Commits through this connection are reported as they happen; other connections' and processes'
   * are seen by polling `PRAGMA data_version` (it moves when another connection commits; about a
   * microsecond to read) and then comparing each incident's version with the last one reported.
   */
  watch(listener: ChangeListener): Promise<Unwatch> {
    try {
      if (!this.hub.watching) this.startPolling();
    } catch (error) {
      return Promise.reject(error);
    }
    const stop = this.hub.add(listener);
    return Promise.resolve(() => {
      stop();
      if (!this.hub.watching) this.stopPolling();
    });
  }

  private startPolling(): void {
    for (const [id, version] of this.query('SELECT id, version FROM incidents').all() as Row[])
      this.hub.baseline(str(id), Number(version));
    this.dataVersion = Number(this.db.pragma('data_version', { simple: true }));
    this.poller = setInterval(() => {
      try {
        this.pollOthers();
      } catch {
        // A busy or closing database: the next tick tries again.
      }
    }, this.watchPollMs);
    this.poller.unref();
  }

  private stopPolling(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
  }

  private pollOthers(): void {
    if (!this.db.open) return;
    const now = Number(this.db.pragma('data_version', { simple: true }));
    if (now === this.dataVersion) return;
    this.dataVersion = now;
    for (const [id, version] of this.query('SELECT id, version FROM incidents').all() as Row[])
      if ((this.hub.versionOf(str(id)) ?? -1) < Number(version)) this.reportIncident(str(id));
  }

  private reportIncident(id: string): void {
    const row = this.query(
      'SELECT version, (SELECT MAX(seq) FROM timeline WHERE incident_id = incidents.id) FROM incidents WHERE id = ?',
    ).get(id) as Row | undefined;
    if (row) this.hub.report({ incidentId: id, version: Number(row[0]), seq: Number(row[1] ?? 0) });
  }

  close(): Promise<void> {
    this.stopPolling();
    if (this.db.open) this.db.close();
    return Promise.resolve();
  }
}

/** The incident store and its sessions as one backend's stores. */
export function sqliteStores(store: SqliteStore): Stores {
  return { incidents: store, sessions: store.sessions, messages: store.messages, close: () => store.close() };
}
