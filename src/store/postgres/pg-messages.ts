import type pg from 'pg';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { MessageFilter, MessageStore, NewQueuedMessage, QueuedMessage, Settlement } from '../messages.js';
import { type Query, queryOn } from './pg-connection.js';
import { MESSAGE_COLUMNS, toMessage } from './pg-rows.js';

const SELECT = `SELECT ${MESSAGE_COLUMNS} FROM messages`;

/**
 * The durable queues in the shared database. Each operation is one statement: the unique key
 * de-duplicates enqueues across instances, and a claim locks the heads it hands out with SKIP
 * LOCKED, so concurrent claimers (several instances' workers) take different messages instead of
 * queueing behind each other or taking the same one.
 */
export class PostgresMessageStore implements MessageStore {
  private readonly q: Query;

  constructor(pool: pg.Pool) {
    this.q = queryOn(pool);
  }

  async enqueue(m: NewQueuedMessage): Promise<{ message: QueuedMessage; created: boolean }> {
    const [inserted] = await this.q(
      `INSERT INTO messages (queue, key, partition_key, payload, state, attempts, enqueued_at, available_at)
       VALUES ($1, $2, $3, $4, 'pending', 0, $5, $6) ON CONFLICT (queue, key) DO NOTHING RETURNING ${MESSAGE_COLUMNS}`,
      [m.queue, m.key, m.partition, JSON.stringify(m.payload ?? null), m.at, m.availableAt ?? m.at],
    );
    if (inserted) return { message: toMessage(inserted), created: true };
    const [row] = await this.q(`${SELECT} WHERE queue = $1 AND key = $2`, [m.queue, m.key]);
    return { message: toMessage(row!), created: false };
  }

  async claim(queue: string, options: { at: string; leaseMs: number; limit: number }): Promise<QueuedMessage[]> {
    const until = new Date(Date.parse(options.at) + options.leaseMs).toISOString();
    // The oldest pending message of each partition, due and not under a live lease; rows another
    // claimer has locked are skipped (it is taking them), and the rest are leased in the same statement.
    const rows = await this.q(
      `WITH heads AS (
         SELECT seq FROM messages m
         WHERE queue = $1 AND state = 'pending' AND available_at <= $2 AND (leased_until IS NULL OR leased_until <= $2)
           AND NOT EXISTS (SELECT 1 FROM messages o WHERE o.queue = m.queue AND o.partition_key = m.partition_key
                           AND o.state = 'pending' AND o.seq < m.seq)
         ORDER BY seq LIMIT $3 FOR UPDATE SKIP LOCKED)
       UPDATE messages SET attempts = attempts + 1, leased_until = $4 FROM heads WHERE messages.seq = heads.seq
       RETURNING ${MESSAGE_COLUMNS.split(', ')
         .map((c) => `messages.${c}`)
         .join(', ')}`,
      [queue, options.at, Math.max(0, options.limit), until],
    );
    return rows.map(toMessage).sort((a, b) => a.seq - b.seq);
  }

  async settle(seq: number, attempt: number, s: Settlement): Promise<QueuedMessage> {
    const [row] =
      s.state === 'pending'
        ? await this.q(
            `UPDATE messages SET available_at = $3, leased_until = NULL, note = $4
             WHERE seq = $1 AND state = 'pending' AND attempts = $2 RETURNING ${MESSAGE_COLUMNS}`,
            [seq, attempt, s.availableAt, s.note],
          )
        : await this.q(
            `UPDATE messages SET state = $3, finished_at = $4, leased_until = NULL, note = $5
             WHERE seq = $1 AND state = 'pending' AND attempts = $2 RETURNING ${MESSAGE_COLUMNS}`,
            [seq, attempt, s.state, s.at, s.note ?? null],
          );
    if (row) return toMessage(row);
    const [now] = await this.q(`${SELECT} WHERE seq = $1`, [seq]);
    if (!now) throw new NotFoundError('message', String(seq), 'List the queue to find it.');
    const m = toMessage(now);
    throw new ConflictError(
      `message ${seq} (${m.queue} ${m.key}) is ${m.state === 'pending' ? `at attempt ${m.attempts}, not ${attempt}` : m.state}`,
      'Another worker claimed it after this lease ran out; leave it to that worker.',
    );
  }

  async listMessages(queue: string, filter: MessageFilter = {}): Promise<QueuedMessage[]> {
    const where = ['queue = $1'];
    const params: unknown[] = [queue];
    if (filter.partition !== undefined) {
      params.push(filter.partition);
      where.push(`partition_key = $${params.length}`);
    }
    if (filter.states?.length) {
      params.push([...filter.states]);
      where.push(`state = ANY($${params.length}::text[])`);
    }
    params.push(filter.limit ?? null);
    const order = filter.newest ? 'DESC' : 'ASC';
    const rows = await this.q(
      `${SELECT} WHERE ${where.join(' AND ')} ORDER BY seq ${order} LIMIT $${params.length}`,
      params,
    );
    const messages = rows.map(toMessage);
    return filter.newest ? messages.reverse() : messages;
  }

  async prune(queue: string, before: string): Promise<number> {
    const [row] = await this.q(
      `WITH gone AS (DELETE FROM messages WHERE queue = $1 AND state IN ('done', 'failed') AND finished_at < $2 RETURNING 1)
       SELECT count(*)::integer FROM gone`,
      [queue, before],
    );
    return Number(row?.[0] ?? 0);
  }
}
