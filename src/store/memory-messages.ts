import { ConflictError, NotFoundError } from '../core/errors.js';
import type { MessageFilter, MessageStore, NewQueuedMessage, QueuedMessage, Settlement } from './messages.js';

/** Queues in memory, for front doors and tests that keep no record (they vanish with the process). */
export class MemoryMessageStore implements MessageStore {
  private readonly messages: QueuedMessage[] = [];
  private next = 1;

  async enqueue(m: NewQueuedMessage): Promise<{ message: QueuedMessage; created: boolean }> {
    const held = this.messages.find((x) => x.queue === m.queue && x.key === m.key);
    if (held) return { message: structuredClone(held), created: false };
    const message: QueuedMessage = {
      seq: this.next++,
      queue: m.queue,
      key: m.key,
      partition: m.partition,
      payload: structuredClone(m.payload ?? null),
      state: 'pending',
      attempts: 0,
      enqueuedAt: m.at,
      availableAt: m.availableAt ?? m.at,
      leasedUntil: null,
      finishedAt: null,
      note: null,
    };
    this.messages.push(message);
    return { message: structuredClone(message), created: true };
  }

  async claim(queue: string, options: { at: string; leaseMs: number; limit: number }): Promise<QueuedMessage[]> {
    const heads = new Map<string, QueuedMessage>();
    for (const m of this.messages)
      if (m.queue === queue && m.state === 'pending' && !heads.has(m.partition)) heads.set(m.partition, m);
    const until = new Date(Date.parse(options.at) + options.leaseMs).toISOString();
    return [...heads.values()]
      .filter((m) => m.availableAt <= options.at && (m.leasedUntil === null || m.leasedUntil <= options.at))
      .slice(0, Math.max(0, options.limit))
      .map((m) => {
        m.attempts += 1;
        m.leasedUntil = until;
        return structuredClone(m);
      });
  }

  async settle(seq: number, attempt: number, s: Settlement): Promise<QueuedMessage> {
    const m = this.messages.find((x) => x.seq === seq);
    if (!m) throw new NotFoundError('message', String(seq), 'List the queue to find it.');
    if (m.state !== 'pending' || m.attempts !== attempt)
      throw new ConflictError(
        `message ${seq} (${m.queue} ${m.key}) is ${m.state === 'pending' ? `at attempt ${m.attempts}, not ${attempt}` : m.state}`,
        'Another worker claimed it after this lease ran out; leave it to that worker.',
      );
    m.leasedUntil = null;
    m.note = s.note ?? null;
    if (s.state === 'pending') m.availableAt = s.availableAt;
    else {
      m.state = s.state;
      m.finishedAt = s.at;
    }
    return structuredClone(m);
  }

  async listMessages(queue: string, filter: MessageFilter = {}): Promise<QueuedMessage[]> {
    const all = this.messages.filter(
      (m) =>
        m.queue === queue &&
        (filter.partition === undefined || m.partition === filter.partition) &&
        (!filter.states?.length || filter.states.includes(m.state)),
    );
    const limit = filter.limit ?? all.length;
    return structuredClone(filter.newest ? all.slice(Math.max(0, all.length - limit)) : all.slice(0, limit));
  }

  async prune(queue: string, before: string): Promise<number> {
    let removed = 0;
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const m = this.messages[i]!;
      if (m.queue === queue && m.state !== 'pending' && m.finishedAt !== null && m.finishedAt < before) {
        this.messages.splice(i, 1);
        removed++;
      }
    }
    return removed;
  }
}
