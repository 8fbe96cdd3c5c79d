import type { IsoTime } from './types.js';

/**
 * pending: waiting to be handled (or retried at `availableAt`); done: handled; failed: given up on.
 * Only a pending message holds up the ones behind it in its partition.
 */
export const MESSAGE_STATES = ['pending', 'done', 'failed'] as const;
export type MessageState = (typeof MESSAGE_STATES)[number];

/**
 * A message in a durable queue: a webhook delivery in an inbox, an API call in an outbox. Stored
 * before anyone acts on it, so a crash loses nothing, and handled once per key.
 */
export interface QueuedMessage {
  /** Store-wide arrival order. */
  seq: number;
  /** Which queue: 'pagerduty.webhooks', 'pagerduty.events', 'statuspage.publish'… */
  queue: string;
  /** Unique within its queue (an event id, an action key): enqueuing a key again returns the first message. */
  key: string;
  /** Messages of one partition (one PagerDuty incident, one of our incidents) are handed out one at a time, in arrival order. */
  partition: string;
  /** JSON. */
  payload: unknown;
  state: MessageState;
  /** How many times it was claimed; the latest claim's number is its lease token. */
  attempts: number;
  enqueuedAt: IsoTime;
  /** Not handed out before this time (a retry's backoff). */
  availableAt: IsoTime;
  /** Held by the worker that claimed it until this time; null when nobody holds it. */
  leasedUntil: IsoTime | null;
  finishedAt: IsoTime | null;
  /** What the last attempt came to: why it failed, or what handling it produced. */
  note: string | null;
}

export interface NewQueuedMessage {
  queue: string;
  key: string;
  partition: string;
  payload: unknown;
  at: IsoTime;
  /** Defaults to `at`. */
  availableAt?: IsoTime;
}

export type Settlement =
  | { state: 'done'; at: IsoTime; note?: string | null }
  | { state: 'failed'; at: IsoTime; note: string }
  /** Back to pending, handed out again from `availableAt`. */
  | { state: 'pending'; at: IsoTime; availableAt: IsoTime; note: string };

export interface MessageFilter {
  partition?: string;
  states?: readonly MessageState[];
  /** Newest `limit` when `newest` is true; oldest first otherwise (the default order either way is by seq). */
  limit?: number;
  newest?: boolean;
}

/**
 * Durable queues with per-partition order, apart from the incident record (a delivery may come
 * before its incident exists). Contract (checked by the shared contract suite):
 * - `enqueue` is one write, de-duplicated by (queue, key) even between concurrent writers;
 * - `claim` hands out, per partition, only the oldest pending message, and only when it is due
 *   and no live lease holds it; each claimed message's `attempts` rises by one and it is leased
 *   until `at + leaseMs`; concurrent claimers never get the same message;
 * - `settle` takes the attempt number its claim returned: if the message was claimed again since
 *   (its lease ran out) or is no longer pending, it is a ConflictError and nothing is written;
 * - reads reflect every write acknowledged before them, including writes from other processes.
 */
export interface MessageStore {
  enqueue(message: NewQueuedMessage): Promise<{ message: QueuedMessage; created: boolean }>;
  claim(queue: string, options: { at: IsoTime; leaseMs: number; limit: number }): Promise<QueuedMessage[]>;
  settle(seq: number, attempt: number, settlement: Settlement): Promise<QueuedMessage>;
  listMessages(queue: string, filter?: MessageFilter): Promise<QueuedMessage[]>;
  /** Deletes done and failed messages of a queue finished before `before`; returns how many. */
  prune(queue: string, before: IsoTime): Promise<number>;
}
