import type { Database, Statement } from 'better-sqlite3';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { MessageFilter, MessageStore, NewQueuedMessage, QueuedMessage, Settlement } from '../messages.js';
import type { SqliteAccess } from './sqlite-sessions.js';

type Row = unknown[];

const SELECT =
  'SELECT seq, queue, key, partition_key, payload, state, attempts, enqueued_at, available_at, leased_until, finished_at, note FROM messages';

const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function toMessage(r: Row): QueuedMessage {
  return {
    seq: Number(r[0]),
    queue: String(r[1]),
    key: String(r[2]),
    partition: String(r[3]),
    payload: JSON.parse(String(r[4])),
    state: r[5] as QueuedMessage['state'],
    attempts: Number(r[6]),
    enqueuedAt: String(r[7]),
    availableAt: String(r[8]),
    leasedUntil: strOrNull(r[9]),
    finishedAt: strOrNull(r[10]),
    note: strOrNull(r[11]),
  };
}

/** The durable queues, in their own table of the incident store's SQLite file, through its connection. */
export class SqliteMessageStore implements MessageStore {
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

  private bySeq(seq: number): QueuedMessage | null {
    const row = this.stmt(`${SELECT} WHERE seq = ?`, true).get(seq) as Row | undefined;
    return row ? toMessage(row) : null;
  }

  enqueue(m: NewQueuedMessage): Promise<{ message: QueuedMessage; created: boolean }> {
    return this.access.write(() => {
      const info = this.stmt(
        `INSERT INTO messages (queue, key, partition_key, payload, state, attempts, enqueued_at, available_at)
         VALUES (?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (queue, key) DO NOTHING`,
      ).run(m.queue, m.key, m.partition, JSON.stringify(m.payload ?? null), m.at, m.availableAt ?? m.at);
      if (info.changes === 1) return { message: this.bySeq(Number(info.lastInsertRowid))!, created: true };
      const row = this.stmt(`${SELECT} WHERE queue = ? AND key = ?`, true).get(m.queue, m.key) as Row;
      return { message: toMessage(row), created: false };
    });
  }

  claim(queue: string, options: { at: string; leaseMs: number; limit: number }): Promise<QueuedMessage[]> {
    return this.access.write(() => {
      const heads = this.stmt(
        `${SELECT} m WHERE queue = ? AND state = 'pending'
           AND seq = (SELECT MIN(seq) FROM messages WHERE queue = m.queue AND partition_key = m.partition_key AND state = 'pending')
           AND available_at <= ? AND (leased_until IS NULL OR leased_until <= ?)
         ORDER BY seq LIMIT ?`,
        true,
      ).all(queue, options.at, options.at, Math.max(0, options.limit)) as Row[];
      const until = new Date(Date.parse(options.at) + options.leaseMs).toISOString();
      const lease = this.stmt('UPDATE messages SET attempts = attempts + 1, leased_until = ? WHERE seq = ?');
      return heads.map((row) => {
        const m = toMessage(row);
        lease.run(until, m.seq);
        return { ...m, attempts: m.attempts + 1, leasedUntil: until };
      });
    });
  }

  settle(seq: number, attempt: number, s: Settlement): Promise<QueuedMessage> {
    return this.access.write(() => {
      const m = this.bySeq(seq);
      if (!m) throw new NotFoundError('message', String(seq), 'List the queue to find it.');
      if (m.state !== 'pending' || m.attempts !== attempt)
        throw new ConflictError(
          `message ${seq} (${m.queue} ${m.key}) is ${m.state === 'pending' ? `at attempt ${m.attempts}, not ${attempt}` : m.state}`,
          'Another worker claimed it after this lease ran out; leave it to that worker.',
        );
      if (s.state === 'pending')
        this.stmt('UPDATE messages SET available_at = ?, leased_until = NULL, note = ? WHERE seq = ?').run(
          s.availableAt,
          s.note,
          seq,
        );
      else
        this.stmt('UPDATE messages SET state = ?, finished_at = ?, leased_until = NULL, note = ? WHERE seq = ?').run(
          s.state,
          s.at,
          s.note ?? null,
          seq,
        );
      return this.bySeq(seq)!;
    });
  }

  listMessages(queue: string, filter: MessageFilter = {}): Promise<QueuedMessage[]> {
    return this.access.read(() => {
      const where = ['queue = ?'];
      const params: unknown[] = [queue];
      if (filter.partition !== undefined) {
        where.push('partition_key = ?');
        params.push(filter.partition);
      }
      if (filter.states?.length) {
        where.push(`state IN (${filter.states.map(() => '?').join(', ')})`);
        params.push(...filter.states);
      }
      params.push(filter.limit ?? -1);
      const order = filter.newest ? 'DESC' : 'ASC';
      const rows = this.stmt(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY seq ${order} LIMIT ?`, true).all(
        ...params,
      ) as Row[];
      const messages = rows.map(toMessage);
      return filter.newest ? messages.reverse() : messages;
    });
  }

  prune(queue: string, before: string): Promise<number> {
    return this.access.write(
      () =>
        this.stmt("DELETE FROM messages WHERE queue = ? AND state IN ('done', 'failed') AND finished_at < ?").run(
          queue,
          before,
        ).changes,
    );
  }
}
