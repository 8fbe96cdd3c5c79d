import { ConflictError, isCommanderError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { scrubSecrets } from '../core/logger.js';
import type { Clock } from '../core/time.js';
import type { MessageStore, QueuedMessage } from '../store/messages.js';
import { backoffMs } from './http.js';

/** The queues the integrations keep, each in the store beside the record. */
export const QUEUES = {
  pagerdutyWebhooks: 'pagerduty.webhooks',
  opsgenieWebhooks: 'opsgenie.webhooks',
  pagerdutyEvents: 'pagerduty.events',
  pagerdutyRest: 'pagerduty.rest',
  statuspage: 'statuspage.publish',
} as const;

export type HandlerResult =
  | { kind: 'done'; note?: string }
  /** Try again later: after `retryAfterMs` if the other side said, else with backoff. */
  | { kind: 'retry'; problem: string; retryAfterMs: number | null }
  | { kind: 'failed'; problem: string };

/** What handles one queue's messages. Handling must be idempotent: a message whose settle was lost is handled again. */
export interface QueueHandler {
  queue: string;
  /** How long a claim holds a message: longer than one handling takes, short enough that a crash does not stall it long. */
  leaseMs: number;
  /** Attempts before a message is given up on (failed). */
  maxAttempts: number;
  handle(message: QueuedMessage): Promise<HandlerResult>;
  /** Told when a message is given up on, so the incident's timeline can say so. */
  onFailed?(message: QueuedMessage, problem: string): Promise<void>;
}

export interface DrainReport {
  handled: number;
  done: number;
  retried: number;
  failed: number;
}

export const EMPTY_REPORT: DrainReport = { handled: 0, done: 0, retried: 0, failed: 0 };

export function addReports(a: DrainReport, b: DrainReport): DrainReport {
  return {
    handled: a.handled + b.handled,
    done: a.done + b.done,
    retried: a.retried + b.retried,
    failed: a.failed + b.failed,
  };
}

/**
 * Claims the due messages of one queue (the head of each partition, so one partition's messages
 * go in order) and handles them, partitions side by side. An error thrown by a handler is a
 * retry; after `maxAttempts` the message fails and the handler is told. A settle refused because
 * the lease was lost (another worker took the message over) is left to that worker.
 */
export async function drainOnce(
  messages: MessageStore,
  handler: QueueHandler,
  options: { clock: Clock; logger: Logger; limit?: number },
): Promise<DrainReport> {
  const at = options.clock.now().toISOString();
  const claimed = await messages.claim(handler.queue, { at, leaseMs: handler.leaseMs, limit: options.limit ?? 20 });
  const report = { ...EMPTY_REPORT };
  await Promise.all(
    claimed.map(async (message, i) => {
      // SQLite answers synchronously: without a turn of the event loop between messages, a long
      // drain would hold up the webhook answers PagerDuty waits for.
      await yieldTurns(i + 1);
      let result: HandlerResult;
      try {
        result = await handler.handle(message);
      } catch (error) {
        const problem = scrubSecrets(
          isCommanderError(error) ? error.message : String((error as Error)?.stack ?? error),
        );
        if (!isCommanderError(error))
          options.logger.error({ queue: handler.queue, key: message.key, err: problem }, 'handler failed');
        result = { kind: 'retry', problem: problem.split('\n')[0]!.slice(0, 500), retryAfterMs: null };
      }
      const now = options.clock.now();
      if (result.kind === 'retry' && message.attempts >= handler.maxAttempts)
        result = { kind: 'failed', problem: `gave up after ${message.attempts} attempts: ${result.problem}` };
      try {
        if (result.kind === 'done')
          await messages.settle(message.seq, message.attempts, {
            state: 'done',
            at: now.toISOString(),
            note: result.note ?? null,
          });
        else if (result.kind === 'retry') {
          const wait = backoffMs(message.attempts, result.retryAfterMs);
          await messages.settle(message.seq, message.attempts, {
            state: 'pending',
            at: now.toISOString(),
            availableAt: new Date(now.getTime() + wait).toISOString(),
            note: result.problem,
          });
          options.logger.warn(
            { queue: handler.queue, key: message.key, attempt: message.attempts, retryInMs: wait },
            `will retry: ${result.problem}`,
          );
        } else {
          await messages.settle(message.seq, message.attempts, {
            state: 'failed',
            at: now.toISOString(),
            note: result.problem,
          });
          options.logger.error({ queue: handler.queue, key: message.key }, `gave up: ${result.problem}`);
          await handler
            .onFailed?.(message, result.problem)
            .catch((error: unknown) => options.logger.error({ err: error }, 'could not record a failure'));
        }
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        options.logger.warn({ queue: handler.queue, key: message.key }, 'lease lost: another worker has the message');
        return;
      }
      report.handled++;
      report[result.kind === 'done' ? 'done' : result.kind === 'retry' ? 'retried' : 'failed']++;
    }),
  );
  return report;
}

/** Lets the event loop run I/O callbacks (incoming requests) `turns` times. */
async function yieldTurns(turns: number): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Drains a queue until nothing is due, or `rounds` claims were made. */
export async function drain(
  messages: MessageStore,
  handler: QueueHandler,
  options: { clock: Clock; logger: Logger; rounds?: number },
): Promise<DrainReport> {
  let total = { ...EMPTY_REPORT };
  for (let round = 0; round < (options.rounds ?? 50); round++) {
    const report = await drainOnce(messages, handler, options);
    total = addReports(total, report);
    if (report.handled === 0 || report.handled === report.retried) break;
  }
  return total;
}
