import pg from 'pg';
import type { Audience } from '../../core/audiences.js';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { Stores } from '../lazy-store.js';
import type {
  ActionItem,
  ActionItemFilter,
  ActionItemPatch,
  ChangeListener,
  DraftFilter,
  DraftReview,
  ExternalRef,
  ExternalRefFilter,
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
import { migrate } from './migrations.js';
import { clientConfig, describeConnectError, type Query, queryOn, type Target, targetOf } from './pg-connection.js';
import { CHANGE_CHANNEL, type FeedOptions, PgChangeFeed } from './pg-feed.js';
import {
  ACTION_SELECT,
  CURRENT_ROLES,
  DRAFT_SELECT,
  EVENT_SELECT,
  HYPOTHESIS_SELECT,
  INCIDENT_COLUMNS,
  INCIDENT_SELECT,
  PATCH_COLUMNS,
  REF_SELECT,
  SEVERITY_SELECT,
  toActionItem,
  toDraft,
  toEvent,
  toHypothesis,
  toIncident,
  toRef,
  toRole,
  toSeverityChange,
  toUpdate,
  UPDATE_SELECT,
} from './pg-rows.js';
import { PostgresMessageStore } from './pg-messages.js';
import { PostgresSessionStore } from './pg-sessions.js';

export interface PostgresStoreOptions {
  /** Clock for `recorded_at`; defaults to the system clock. */
  now?: () => Date;
  /** Commands that only read: a database without the commander's schema is an error, never migrated. */
  mustExist?: boolean;
  /** Connections in the pool (10 by default). */
  poolSize?: number;
  feed?: FeedOptions;
}

/** A failure worth retrying the whole transaction for: a deadlock or a serialization failure. */
const RETRYABLE = new Set(['40P01', '40001']);

function incidentNotFound(id: string): NotFoundError {
  return new NotFoundError(
    'incident',
    id,
    'Call get_incident or list incidents to find a valid id, or open_incident first.',
  );
}

/** The writes one transaction makes, through one pooled connection. */
interface Tx {
  q: Query;
}

/**
 * The shared store: one PostgreSQL database for every instance (MCP servers, Slack, chats on
 * several machines). Every write is one READ COMMITTED transaction that first takes its
 * incident's row lock by raising the version (so writers to one incident queue there, as SQLite's
 * writers queue on the file), allocates the timeline's seqs from that row and NOTIFYs the change,
 * which PostgreSQL delivers to every listener at commit and never for a rollback.
 */
export class PostgresStore implements IncidentStore {
  readonly pool: pg.Pool;
  readonly sessions: PostgresSessionStore;
  readonly messages: PostgresMessageStore;
  readonly feed: PgChangeFeed;
  readonly target: Target;
  private readonly now: () => Date;
  private readonly read: Query;

  private constructor(url: string, options: PostgresStoreOptions) {
    const config = clientConfig(url);
    this.target = targetOf(url);
    this.pool = new pg.Pool({ ...config, max: options.poolSize ?? 10, idleTimeoutMillis: 30_000 });
    // An idle connection that dies is dropped by the pool and replaced on next use: nothing to do
    // but keep the error from being thrown as an unhandled 'error' event.
    this.pool.on('error', () => undefined);
    this.now = options.now ?? (() => new Date());
    this.read = queryOn(this.pool);
    this.sessions = new PostgresSessionStore(this.pool, (fn) => this.transaction(fn));
    this.messages = new PostgresMessageStore(this.pool);
    this.feed = new PgChangeFeed(config, options.feed);
  }

  /** Connects, migrates (once across instances, under an advisory lock) and returns the store. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const store = new PostgresStore(url, options);
    try {
      const client = await store.pool.connect();
      try {
        await migrate(client, { database: store.target.database, ...(options.mustExist ? { mustExist: true } : {}) });
      } finally {
        client.release();
      }
    } catch (error) {
      await store.pool.end().catch(() => undefined);
      throw describeConnectError(error, store.target);
    }
    return store;
  }

  /** One transaction on one pooled connection; retried whole after a deadlock. */
  private async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let client: pg.PoolClient;
      try {
        client = await this.pool.connect();
      } catch (error) {
        throw describeConnectError(error, this.target);
      }
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn({ q: queryOn(client) });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollback: Error) => {
          broken = rollback;
        });
        if (attempt < 3 && RETRYABLE.has((error as { code?: string }).code ?? '')) continue;
        throw error;
      } finally {
        // A connection whose ROLLBACK failed is in no state to be reused: the pool closes it.
        client.release(broken);
      }
    }
  }

  /**
   * The one step every write to an incident makes, first: takes the incident's row lock by raising
   * its version, allocates `events` seqs from its counter, and queues the NOTIFY PostgreSQL sends
   * at commit. Throws NotFoundError (rolling back the write) for an unknown incident.
   */
  private async bump(tx: Tx, incidentId: string, events: number): Promise<{ version: number; firstSeq: number }> {
    const rows = await tx.q(
      `WITH bumped AS (
         UPDATE incidents SET version = version + 1, last_seq = last_seq + $2, timeline_count = timeline_count + $2
         WHERE id = $1 RETURNING id, version, last_seq)
       SELECT version, last_seq, pg_notify($3, json_build_object('i', id, 'v', version, 's', last_seq)::text) FROM bumped`,
      [incidentId, events, CHANGE_CHANNEL],
    );
    const row = rows[0];
    if (!row) throw incidentNotFound(incidentId);
    return { version: Number(row[0]), firstSeq: Number(row[1]) - events + 1 };
  }

  /** Writes an incident's events under the seqs `bump` allocated; call after `bump`, once per write. */
  private async insertEvents(
    tx: Tx,
    incidentId: string,
    events: readonly NewEvent[],
    firstSeq: number,
  ): Promise<TimelineEvent[]> {
    if (events.length === 0) return [];
    // Read while holding the row lock: never earlier than the recorded_at of a lower seq.
    const recordedAt = this.now().toISOString();
    await tx.q(
      `INSERT INTO timeline (incident_id, seq, at, recorded_at, author, kind, text, data)
       SELECT $1, $2::integer + e.o::integer - 1, e.v->>'at', $3, e.v->>'author', e.v->>'kind', e.v->>'text', e.v->'data'
       FROM json_array_elements($4::json) WITH ORDINALITY AS e(v, o)`,
      [
        incidentId,
        firstSeq,
        recordedAt,
        JSON.stringify(
          events.map((e) => ({
            at: e.at,
            author: e.author,
            kind: e.kind,
            text: e.text,
            ...(e.data ? { data: e.data } : {}),
          })),
        ),
      ],
    );
    return events.map((e, i) => ({
      seq: firstSeq + i,
      incidentId,
      at: e.at,
      recordedAt,
      author: e.author,
      kind: e.kind,
      text: e.text,
      data: e.data ?? null,
    }));
  }

  /** `bump` and `insertEvents` together: the usual shape of a write's timeline step. */
  private async record(tx: Tx, incidentId: string, events: readonly NewEvent[]): Promise<TimelineEvent[]> {
    const { firstSeq } = await this.bump(tx, incidentId, events.length);
    return this.insertEvents(tx, incidentId, events, firstSeq);
  }

  private async requireIncident(q: Query, id: string): Promise<Incident> {
    const [row] = await q(`${INCIDENT_SELECT} WHERE id = $1`, [id]);
    if (!row) throw incidentNotFound(id);
    return toIncident(row);
  }

  private async touch(tx: Tx, id: string, at: IsoTime): Promise<void> {
    await tx.q('UPDATE incidents SET updated_at = $2 WHERE id = $1', [id, at]);
  }

  openIncident(draft: NewIncident, events: readonly NewEvent[] = []): Promise<Incident> {
    return this.transaction(async (tx) => {
      // Openers of one outside record queue on a lock named after it, so the second finds the
      // first one's reference and is refused before it takes an incident number.
      for (const ref of draft.refs ?? []) {
        await tx.q("SELECT pg_advisory_xact_lock(hashtextextended('incident-commander ref ' || $1, 0))", [
          JSON.stringify([ref.system, ref.kind, ref.key]),
        ]);
        const [held] = await tx.q(
          'SELECT incident_id FROM external_refs WHERE system = $1 AND kind = $2 AND key = $3',
          [ref.system, ref.kind, ref.key],
        );
        if (held)
          throw new ConflictError(
            `${ref.system} ${ref.kind} ${ref.key} already belongs to ${String(held[0])}`,
            `Work on ${String(held[0])}: one record of another system stands for one incident.`,
          );
      }
      const [row] = await tx.q(
        `WITH n AS (UPDATE counters SET value = value + 1 WHERE name = 'incident' RETURNING value)
         INSERT INTO incidents (number, title, summary, severity, status, services, impact, signals, declared_by, started_at, detected_at, created_at, updated_at)
         SELECT n.value, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11 FROM n RETURNING id`,
        [
          draft.title,
          draft.summary,
          draft.severity,
          draft.status,
          JSON.stringify(draft.services),
          JSON.stringify(draft.impact),
          JSON.stringify(draft.signals),
          draft.declaredBy,
          draft.startedAt,
          draft.detectedAt,
          draft.at,
        ],
      );
      const id = String(row![0]);
      await tx.q(
        'INSERT INTO severity_changes (incident_id, at, from_level, to_level, reason, author, criteria) VALUES ($1, $2, NULL, $3, $4, $5, $6)',
        [id, draft.at, draft.severity, draft.severityReason, draft.declaredBy, JSON.stringify(draft.severityCriteria)],
      );
      if (draft.refs?.length)
        await tx.q(
          `INSERT INTO external_refs (system, kind, key, incident_id, data, created_at, updated_at)
           SELECT r->>'system', r->>'kind', r->>'key', $1, r->'data', $2, $2 FROM json_array_elements($3::json) AS r`,
          [
            id,
            draft.at,
            JSON.stringify(draft.refs.map((r) => ({ system: r.system, kind: r.kind, key: r.key, data: r.data }))),
          ],
        );
      await this.record(tx, id, events);
      return this.requireIncident(tx.q, id);
    });
  }

  async getIncident(id: string): Promise<Incident | null> {
    const [row] = await this.read(`${INCIDENT_SELECT} WHERE id = $1`, [id]);
    return row ? toIncident(row) : null;
  }

  async listIncidents(filter: IncidentFilter = {}): Promise<Incident[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status?.length) {
      params.push([...filter.status]);
      where.push(`status = ANY($${params.length}::text[])`);
    }
    if (filter.service) {
      params.push(JSON.stringify([filter.service]));
      where.push(`services @> $${params.length}::jsonb`);
    }
    params.push(filter.limit ?? 100);
    const rows = await this.read(
      `${INCIDENT_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY number DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toIncident);
  }

  updateIncident(id: string, patch: IncidentPatch, events: readonly NewEvent[], at: IsoTime): Promise<Incident> {
    return this.transaction(async (tx) => {
      await this.record(tx, id, events);
      const sets: string[] = [];
      const params: unknown[] = [id];
      for (const [key, value] of Object.entries(patch) as [keyof IncidentPatch, never][]) {
        if (value === undefined) continue;
        const [column, encode] = PATCH_COLUMNS[key];
        params.push(encode(value));
        sets.push(`${column} = $${params.length}`);
      }
      params.push(at);
      sets.push(`updated_at = $${params.length}`);
      await tx.q(`UPDATE incidents SET ${sets.join(', ')} WHERE id = $1`, params);
      return this.requireIncident(tx.q, id);
    });
  }

  changeSeverity(
    id: string,
    request: SeverityChangeRequest,
    events: readonly NewEvent[],
  ): Promise<{ incident: Incident; change: SeverityChange | null }> {
    return this.transaction(async (tx) => {
      await this.record(tx, id, events);
      const before = await this.requireIncident(tx.q, id);
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
        await tx.q(
          'INSERT INTO severity_changes (incident_id, at, from_level, to_level, reason, author, criteria) VALUES ($1, $2, $3, $4, $5, $6, $7)',
          [
            id,
            request.at,
            before.severity,
            request.to,
            request.reason,
            request.author,
            JSON.stringify(request.criteria),
          ],
        );
        await tx.q('UPDATE incidents SET severity = $2, updated_at = $3 WHERE id = $1', [id, request.to, request.at]);
      }
      if (request.signals)
        await tx.q('UPDATE incidents SET signals = $2 WHERE id = $1', [id, JSON.stringify(request.signals)]);
      return { incident: await this.requireIncident(tx.q, id), change };
    });
  }

  async severityHistory(id: string): Promise<SeverityChange[]> {
    return (await this.read(`${SEVERITY_SELECT} WHERE incident_id = $1 ORDER BY number`, [id])).map(toSeverityChange);
  }

  assignRoles(
    id: string,
    assignments: readonly NewRoleAssignment[],
    events: readonly NewEvent[],
    options: { acknowledgedAt?: IsoTime } = {},
  ): Promise<RoleAssignment[]> {
    return this.transaction(async (tx) => {
      await this.record(tx, id, events);
      if (options.acknowledgedAt)
        await tx.q('UPDATE incidents SET acknowledged_at = $2 WHERE id = $1 AND acknowledged_at IS NULL', [
          id,
          options.acknowledgedAt,
        ]);
      if (assignments.length)
        await tx.q(
          `INSERT INTO role_assignments (incident_id, role, person, need, interim, assigned_at, assigned_by)
           SELECT $1, a->>'role', a->>'person', a->>'need', (a->>'interim')::boolean, a->>'assignedAt', a->>'assignedBy'
           FROM json_array_elements($2::json) WITH ORDINALITY AS x(a, o) ORDER BY o`,
          [id, JSON.stringify(assignments)],
        );
      if (assignments[0]) await this.touch(tx, id, assignments[0].assignedAt);
      return (await tx.q(CURRENT_ROLES, [id])).map(toRole);
    });
  }

  async listRoles(id: string): Promise<RoleAssignment[]> {
    return (await this.read(CURRENT_ROLES, [id])).map(toRole);
  }

  appendEvents(id: string, events: readonly NewEvent[]): Promise<TimelineEvent[]> {
    return this.transaction((tx) => this.record(tx, id, events));
  }

  async listTimeline(id: string, query: TimelineQuery = {}): Promise<TimelineEvent[]> {
    const params: unknown[] = [id];
    let kinds = '';
    if (query.kinds?.length) {
      params.push([...query.kinds]);
      kinds = ` AND kind = ANY($${params.length}::text[])`;
    }
    const limit = query.limit ?? null;
    const offset = query.offset ?? 0;
    if (query.afterSeq !== undefined) {
      params.push(query.afterSeq, limit, offset);
      const n = params.length;
      const rows = await this.read(
        `${EVENT_SELECT} WHERE incident_id = $1${kinds} AND seq > $${n - 2} ORDER BY seq LIMIT $${n - 1} OFFSET $${n}`,
        params,
      );
      return rows.map(toEvent);
    }
    const order = query.newest ? 'DESC' : 'ASC';
    params.push(limit, offset);
    const n = params.length;
    const rows = await this.read(
      `${EVENT_SELECT} WHERE incident_id = $1${kinds} ORDER BY at ${order}, seq ${order} LIMIT $${n - 1} OFFSET $${n}`,
      params,
    );
    const events = rows.map(toEvent);
    return query.newest ? events.reverse() : events;
  }

  async countTimeline(id: string): Promise<number> {
    const [row] = await this.read('SELECT timeline_count FROM incidents WHERE id = $1', [id]);
    return Number(row?.[0] ?? 0);
  }

  async incidentVersion(id: string): Promise<number | null> {
    const [row] = await this.read('SELECT version FROM incidents WHERE id = $1', [id]);
    return row ? Number(row[0]) : null;
  }

  /** One REPEATABLE READ, READ ONLY transaction: every part from the one snapshot its first query takes. */
  async readRecord(id: string, options: RecordQuery = {}): Promise<IncidentRecord | null> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw describeConnectError(error, this.target);
    }
    let broken: Error | undefined;
    try {
      const q = queryOn(client);
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const [row] = await q(`SELECT timeline_count, ${INCIDENT_COLUMNS} FROM incidents WHERE id = $1`, [id]);
      if (!row) {
        await client.query('COMMIT');
        return null;
      }
      const incident = toIncident(row.slice(1));
      const limit = options.timelineLimit ?? null;
      const timeline = (
        await q(`${EVENT_SELECT} WHERE incident_id = $1 ORDER BY at DESC, seq DESC LIMIT $2`, [id, limit])
      )
        .map(toEvent)
        .reverse();
      const roles = (await q(CURRENT_ROLES, [id])).map(toRole);
      const history = (await q(`${SEVERITY_SELECT} WHERE incident_id = $1 ORDER BY number`, [id])).map(
        toSeverityChange,
      );
      const updates = (await q(`${UPDATE_SELECT} WHERE incident_id = $1 ORDER BY at, number`, [id])).map(toUpdate);
      const items = (await q(`${ACTION_SELECT} WHERE incident_id = $1 ORDER BY due_at, number`, [id])).map(
        toActionItem,
      );
      const hypotheses = (await q(`${HYPOTHESIS_SELECT} WHERE incident_id = $1 ORDER BY number`, [id])).map(
        toHypothesis,
      );
      const drafts = (await q(`${DRAFT_SELECT} WHERE incident_id = $1 ORDER BY number`, [id])).map(toDraft);
      await client.query('COMMIT');
      return {
        version: incident.version,
        incident,
        roles,
        history,
        updates,
        items,
        hypotheses,
        drafts,
        timeline,
        timelineTotal: Number(row[0]),
      };
    } catch (error) {
      await client.query('ROLLBACK').catch((rollback: Error) => {
        broken = rollback;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  recordUpdate(update: NewStakeholderUpdate, events: readonly NewEvent[]): Promise<StakeholderUpdate> {
    return this.transaction(async (tx) => {
      await this.record(tx, update.incidentId, events);
      const [row] = await tx.q(
        `INSERT INTO stakeholder_updates (incident_id, audience, at, author, status, headline, body, no_change, next_update_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [
          update.incidentId,
          update.audience,
          update.at,
          update.author,
          update.status,
          update.headline,
          update.body,
          update.noChange,
          update.nextUpdateAt,
        ],
      );
      await this.touch(tx, update.incidentId, update.at);
      return { ...update, id: String(row![0]) };
    });
  }

  async listUpdates(id: string, audience?: Audience): Promise<StakeholderUpdate[]> {
    const rows = audience
      ? await this.read(`${UPDATE_SELECT} WHERE incident_id = $1 AND audience = $2 ORDER BY at, number`, [id, audience])
      : await this.read(`${UPDATE_SELECT} WHERE incident_id = $1 ORDER BY at, number`, [id]);
    return rows.map(toUpdate);
  }

  private async requireActionItem(q: Query, id: string): Promise<ActionItem> {
    const [row] = await q(`${ACTION_SELECT} WHERE id = $1`, [id]);
    if (!row) throw new NotFoundError('action item', id, 'Call list_action_items to find a valid id.');
    return toActionItem(row);
  }

  createActionItem(item: NewActionItem, events: readonly NewEvent[]): Promise<{ item: ActionItem; created: boolean }> {
    return this.transaction(async (tx) => {
      // The row lock first, without a write: concurrent creators queue here, and the one that waited
      // finds the item the first one committed (READ COMMITTED: each statement sees the latest commits).
      const [locked] = await tx.q('SELECT 1 FROM incidents WHERE id = $1 FOR UPDATE', [item.incidentId]);
      if (!locked) throw incidentNotFound(item.incidentId);
      const [same] = await tx.q(
        `${ACTION_SELECT} WHERE incident_id = $1 AND status IN ('open', 'in_progress') AND lower(title) = lower($2) AND lower(owner) = lower($3) ORDER BY number LIMIT 1`,
        [item.incidentId, item.title, item.owner],
      );
      if (same) return { item: toActionItem(same), created: false };
      const { firstSeq } = await this.bump(tx, item.incidentId, events.length);
      const [row] = await tx.q(
        `INSERT INTO action_items (incident_id, title, description, owner, due_at, kind, priority, status, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $9) RETURNING id`,
        [
          item.incidentId,
          item.title,
          item.description,
          item.owner,
          item.dueAt,
          item.kind,
          item.priority,
          item.createdBy,
          item.at,
        ],
      );
      const id = String(row![0]);
      await this.insertEvents(
        tx,
        item.incidentId,
        events.map((e) => ({ ...e, data: { ...e.data, actionItemId: id } })),
        firstSeq,
      );
      await this.touch(tx, item.incidentId, item.at);
      return { item: await this.requireActionItem(tx.q, id), created: true };
    });
  }

  async getActionItem(id: string): Promise<ActionItem | null> {
    const [row] = await this.read(`${ACTION_SELECT} WHERE id = $1`, [id]);
    return row ? toActionItem(row) : null;
  }

  async listActionItems(filter: ActionItemFilter = {}): Promise<ActionItem[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: (n: number) => string, value: unknown): void => {
      params.push(value);
      where.push(clause(params.length));
    };
    if (filter.incidentId) add((n) => `incident_id = $${n}`, filter.incidentId);
    if (filter.owner) add((n) => `lower(owner) = lower($${n})`, filter.owner);
    if (filter.status?.length) add((n) => `status = ANY($${n}::text[])`, [...filter.status]);
    if (filter.dueBefore) add((n) => `due_at < $${n}`, filter.dueBefore);
    params.push(filter.limit ?? null);
    const rows = await this.read(
      `${ACTION_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY due_at, number LIMIT $${params.length}`,
      params,
    );
    return rows.map(toActionItem);
  }

  /** The incident an action item or hypothesis belongs to (it never moves), or null. */
  private async ownerOf(q: Query, table: 'action_items' | 'hypotheses', id: string): Promise<string | null> {
    const [row] = await q(`SELECT incident_id FROM ${table} WHERE id = $1`, [id]);
    return row ? String(row[0]) : null;
  }

  updateActionItem(id: string, patch: ActionItemPatch, events: readonly NewEvent[]): Promise<ActionItem> {
    return this.transaction(async (tx) => {
      const incidentId = await this.ownerOf(tx.q, 'action_items', id);
      if (!incidentId) throw new NotFoundError('action item', id, 'Call list_action_items to find a valid id.');
      const { firstSeq } = await this.bump(tx, incidentId, events.length);
      // Read under the incident's lock: no other write to it can come between this read and the update.
      const before = await this.requireActionItem(tx.q, id);
      const next = {
        ...before,
        ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
      } as ActionItem & { at: string };
      const closed = next.status === 'done' || next.status === 'wont_do';
      const completedAt = closed ? (before.completedAt ?? patch.at) : null;
      await tx.q(
        'UPDATE action_items SET title = $2, description = $3, owner = $4, due_at = $5, priority = $6, status = $7, updated_at = $8, completed_at = $9 WHERE id = $1',
        [id, next.title, next.description, next.owner, next.dueAt, next.priority, next.status, patch.at, completedAt],
      );
      await this.insertEvents(
        tx,
        incidentId,
        events.map((e) => ({ ...e, data: { ...e.data, actionItemId: id } })),
        firstSeq,
      );
      await this.touch(tx, incidentId, patch.at);
      return this.requireActionItem(tx.q, id);
    });
  }

  startHypothesis(h: NewHypothesis, events: readonly NewEvent[]): Promise<Hypothesis> {
    return this.transaction(async (tx) => {
      const { firstSeq } = await this.bump(tx, h.incidentId, events.length);
      const [row] = await tx.q(
        `INSERT INTO hypotheses (incident_id, statement, owner, started_at, timebox_minutes, status, evidence)
         VALUES ($1, $2, $3, $4, $5, 'open', $6) RETURNING id`,
        [h.incidentId, h.statement, h.owner, h.startedAt, h.timeboxMinutes, h.evidence],
      );
      const id = String(row![0]);
      await this.insertEvents(
        tx,
        h.incidentId,
        events.map((e) => ({ ...e, data: { ...e.data, hypothesisId: id } })),
        firstSeq,
      );
      return this.requireHypothesis(tx.q, id);
    });
  }

  private async requireHypothesis(q: Query, id: string): Promise<Hypothesis> {
    const [row] = await q(`${HYPOTHESIS_SELECT} WHERE id = $1`, [id]);
    if (!row)
      throw new NotFoundError('hypothesis', id, "Call get_incident to see the incident's hypotheses and their ids.");
    return toHypothesis(row);
  }

  resolveHypothesis(id: string, resolution: HypothesisResolution, events: readonly NewEvent[]): Promise<Hypothesis> {
    return this.transaction(async (tx) => {
      const incidentId = await this.ownerOf(tx.q, 'hypotheses', id);
      if (!incidentId)
        throw new NotFoundError('hypothesis', id, "Call get_incident to see the incident's hypotheses and their ids.");
      const { firstSeq } = await this.bump(tx, incidentId, events.length);
      const before = await this.requireHypothesis(tx.q, id);
      if (before.status !== 'open')
        throw new ConflictError(
          `hypothesis ${id} is already ${before.status.replace('_', ' ')}`,
          'Start a new hypothesis with start_hypothesis if there is a new lead.',
        );
      await tx.q('UPDATE hypotheses SET status = $2, resolved_at = $3, resolved_by = $4, evidence = $5 WHERE id = $1', [
        id,
        resolution.status,
        resolution.resolvedAt,
        resolution.resolvedBy,
        resolution.evidence,
      ]);
      await this.insertEvents(
        tx,
        incidentId,
        events.map((e) => ({ ...e, data: { ...e.data, hypothesisId: id } })),
        firstSeq,
      );
      return this.requireHypothesis(tx.q, id);
    });
  }

  async getHypothesis(id: string): Promise<Hypothesis | null> {
    const [row] = await this.read(`${HYPOTHESIS_SELECT} WHERE id = $1`, [id]);
    return row ? toHypothesis(row) : null;
  }

  async listHypotheses(incidentId: string): Promise<Hypothesis[]> {
    return (await this.read(`${HYPOTHESIS_SELECT} WHERE incident_id = $1 ORDER BY number`, [incidentId])).map(
      toHypothesis,
    );
  }

  /**
   * One statement: the primary key decides between concurrent callers (the loser waits for the
   * winner's commit, then finds its row), and the incident must exist for a new one.
   */
  async putRef(ref: NewExternalRef): Promise<{ ref: ExternalRef; created: boolean }> {
    const [inserted] = await this.read(
      `INSERT INTO external_refs (system, kind, key, incident_id, data, created_at, updated_at)
       SELECT $1, $2, $3, $4, $5, $6, $6 WHERE EXISTS (SELECT 1 FROM incidents WHERE id = $4)
       ON CONFLICT (system, kind, key) DO NOTHING
       RETURNING incident_id, system, kind, key, data, created_at, updated_at`,
      [ref.system, ref.kind, ref.key, ref.incidentId, JSON.stringify(ref.data), ref.at],
    );
    if (inserted) return { ref: toRef(inserted), created: true };
    const same = await this.findRef(ref.system, ref.kind, ref.key);
    if (same) return { ref: same, created: false };
    throw incidentNotFound(ref.incidentId);
  }

  async updateRef(
    system: string,
    kind: string,
    key: string,
    data: Record<string, unknown>,
    at: IsoTime,
  ): Promise<ExternalRef> {
    const [row] = await this.read(
      `UPDATE external_refs SET data = $4, updated_at = $5 WHERE system = $1 AND kind = $2 AND key = $3
       RETURNING incident_id, system, kind, key, data, created_at, updated_at`,
      [system, kind, key, JSON.stringify(data), at],
    );
    if (!row)
      throw new NotFoundError('reference', `${system}/${kind}/${key}`, 'Keep it first (putRef), then update it.');
    return toRef(row);
  }

  async findRef(system: string, kind: string, key: string): Promise<ExternalRef | null> {
    const [row] = await this.read(`${REF_SELECT} WHERE system = $1 AND kind = $2 AND key = $3`, [system, kind, key]);
    return row ? toRef(row) : null;
  }

  async listRefs(incidentId: string, filter: ExternalRefFilter = {}): Promise<ExternalRef[]> {
    const rows = await this.read(
      `${REF_SELECT} WHERE incident_id = $1 AND ($2::text IS NULL OR system = $2) AND ($3::text IS NULL OR kind = $3)
       ORDER BY created_at, system, kind, key`,
      [incidentId, filter.system ?? null, filter.kind ?? null],
    );
    return rows.map(toRef);
  }

  async claim(scope: string, key: string, at: IsoTime): Promise<boolean> {
    const rows = await this.read(
      'INSERT INTO claims (scope, key, claimed_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1',
      [scope, key, at],
    );
    return rows.length === 1;
  }

  async releaseClaim(scope: string, key: string): Promise<void> {
    await this.read('DELETE FROM claims WHERE scope = $1 AND key = $2', [scope, key]);
  }

  async forgetClaims(before: IsoTime): Promise<number> {
    const [row] = await this.read(
      'WITH gone AS (DELETE FROM claims WHERE claimed_at < $1 RETURNING 1) SELECT count(*)::integer FROM gone',
      [before],
    );
    return Number(row?.[0] ?? 0);
  }

  private async requireDraft(q: Query, id: string): Promise<StatusDraft> {
    const [row] = await q(`${DRAFT_SELECT} WHERE id = $1`, [id]);
    if (!row) throw new NotFoundError('draft', id, 'List the drafts (incident-commander updates list) to find its id.');
    return toDraft(row);
  }

  /**
   * A draft in one of the states a transition needs, at the revision the caller saw, read under its
   * incident's row lock (taken by `bump` first): of two people deciding at once, the second reads
   * the first one's decision and is refused.
   */
  private async draftFor(
    tx: Tx,
    id: string,
    states: readonly StatusDraft['state'][],
    revision: number | null,
    events: number,
  ): Promise<{ draft: StatusDraft; firstSeq: number }> {
    const [owner] = await tx.q('SELECT incident_id FROM status_drafts WHERE id = $1', [id]);
    if (!owner)
      throw new NotFoundError('draft', id, 'List the drafts (incident-commander updates list) to find its id.');
    const { firstSeq } = await this.bump(tx, String(owner[0]), events);
    const draft = await this.requireDraft(tx.q, id);
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
    return { draft, firstSeq };
  }

  private withDraft(events: readonly NewEvent[], id: string): NewEvent[] {
    return events.map((e) => ({ ...e, data: { ...e.data, draftId: id } }));
  }

  createDraft(draft: NewStatusDraft, events: readonly NewEvent[]): Promise<StatusDraft> {
    return this.transaction(async (tx) => {
      const { firstSeq } = await this.bump(tx, draft.incidentId, events.length);
      await tx.q(
        "UPDATE status_drafts SET state = 'superseded', updated_at = $2 WHERE incident_id = $1 AND state = 'pending'",
        [draft.incidentId, draft.at],
      );
      const [row] = await tx.q(
        `INSERT INTO status_drafts (incident_id, state, revision, status, impact, components, title, body, update_id, created_by, created_at, updated_at)
         VALUES ($1, 'pending', 1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
        [
          draft.incidentId,
          draft.status,
          draft.impact,
          JSON.stringify(draft.components),
          draft.title,
          draft.body,
          draft.updateId,
          draft.createdBy,
          draft.at,
        ],
      );
      const id = String(row![0]);
      await this.insertEvents(tx, draft.incidentId, this.withDraft(events, id), firstSeq);
      return this.requireDraft(tx.q, id);
    });
  }

  async getDraft(id: string): Promise<StatusDraft | null> {
    const [row] = await this.read(`${DRAFT_SELECT} WHERE id = $1`, [id]);
    return row ? toDraft(row) : null;
  }

  async listDrafts(filter: DraftFilter = {}): Promise<StatusDraft[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.incidentId) {
      params.push(filter.incidentId);
      where.push(`incident_id = $${params.length}`);
    }
    if (filter.states?.length) {
      params.push([...filter.states]);
      where.push(`state = ANY($${params.length}::text[])`);
    }
    params.push(filter.limit ?? null);
    const rows = await this.read(
      `${DRAFT_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY number LIMIT $${params.length}`,
      params,
    );
    return rows.map(toDraft);
  }

  editDraft(id: string, edit: StatusDraftEdit, events: readonly NewEvent[]): Promise<StatusDraft> {
    return this.transaction(async (tx) => {
      const { draft: before, firstSeq } = await this.draftFor(tx, id, ['pending'], edit.revision, events.length);
      await tx.q(
        `UPDATE status_drafts SET status = $2, impact = $3, components = $4, title = $5, body = $6, revision = revision + 1, updated_at = $7
         WHERE id = $1`,
        [
          id,
          edit.status ?? before.status,
          edit.impact ?? before.impact,
          JSON.stringify(edit.components ?? before.components),
          edit.title ?? before.title,
          edit.body ?? before.body,
          edit.at,
        ],
      );
      await this.insertEvents(tx, before.incidentId, this.withDraft(events, id), firstSeq);
      return this.requireDraft(tx.q, id);
    });
  }

  reviewDraft(id: string, review: DraftReview, events: readonly NewEvent[]): Promise<StatusDraft> {
    return this.transaction(async (tx) => {
      const { draft: before, firstSeq } = await this.draftFor(tx, id, ['pending'], review.revision, events.length);
      await tx.q('UPDATE status_drafts SET state = $2, review = $3, updated_at = $4 WHERE id = $1', [
        id,
        review.decision,
        JSON.stringify(review),
        review.at,
      ]);
      await this.insertEvents(tx, before.incidentId, this.withDraft(events, id), firstSeq);
      return this.requireDraft(tx.q, id);
    });
  }

  markDraftPublished(
    id: string,
    published: { at: IsoTime; ref: string; url: string | null },
    events: readonly NewEvent[],
  ): Promise<StatusDraft> {
    return this.transaction(async (tx) => {
      const { draft: before, firstSeq } = await this.draftFor(tx, id, ['approved'], null, events.length);
      await tx.q(
        `UPDATE status_drafts SET state = 'published', published_at = $2, published_ref = $3, published_url = $4, updated_at = $2
         WHERE id = $1`,
        [id, published.at, published.ref, published.url],
      );
      await this.insertEvents(tx, before.incidentId, this.withDraft(events, id), firstSeq);
      return this.requireDraft(tx.q, id);
    });
  }

  /** Every instance's commits, through the LISTEN connection (this instance's own writes too, at commit). */
  watch(listener: ChangeListener): Promise<Unwatch> {
    return this.feed.watch(listener).catch((error: unknown) => {
      throw describeConnectError(error, this.target);
    });
  }

  async close(): Promise<void> {
    await this.feed.close();
    if (!this.pool.ended) await this.pool.end();
  }
}

/** The incident store and its sessions as one backend's stores. */
export function postgresStores(store: PostgresStore): Stores {
  return { incidents: store, sessions: store.sessions, messages: store.messages, close: () => store.close() };
}
