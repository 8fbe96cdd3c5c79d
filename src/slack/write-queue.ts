import type { Logger } from '../core/logger.js';

export interface QueueOptions {
  /** Least time between the starts of two writes to one channel, in ms. */
  spacingMs: number;
  /** Tries per write when Slack rate-limits it, the first included. */
  maxAttempts: number;
  /** Longest single wait a Retry-After may impose, in ms. */
  maxWaitMs: number;
  sleep(ms: number): Promise<void>;
  now(): number;
  logger: Logger;
}

/** How long Slack asked us to wait, in ms, when an error says we are rate-limited; null otherwise. */
export function retryAfterMs(error: unknown, attempt: number): number | null {
  const e = error as { code?: unknown; retryAfter?: unknown; data?: { error?: unknown } } | null;
  if (e?.code === 'slack_webapi_rate_limited_error' && typeof e.retryAfter === 'number')
    return Math.max(0, e.retryAfter * 1000);
  // `ratelimited` in a 200 answer carries no header: back off a second more on each try.
  if (e?.code === 'slack_webapi_platform_error' && e.data?.error === 'ratelimited') return 1000 * attempt;
  return null;
}

interface Lane {
  tail: Promise<unknown>;
  lastStart: number;
  pending: number;
}

/** Raised when a write was still rate-limited after every allowed try. */
export class RateLimitedError extends Error {
  readonly code = 'ratelimited';
  constructor(
    readonly channel: string,
    readonly attempts: number,
  ) {
    super(`Slack kept rate-limiting writes to ${channel} (${attempts} tries)`);
  }
}

/**
 * Writes to one channel run one at a time, in order, spaced out (Slack allows about one message per
 * second per channel); a write Slack rate-limits waits the Retry-After it was given and is tried
 * again, holding the writes behind it in that channel. Other channels are not held up.
 */
export class ChannelQueue {
  private readonly lanes = new Map<string, Lane>();

  constructor(private readonly options: QueueOptions) {}

  run<T>(channel: string, write: () => Promise<T>): Promise<T> {
    let lane = this.lanes.get(channel);
    if (!lane) {
      lane = { tail: Promise.resolve(), lastStart: Number.NEGATIVE_INFINITY, pending: 0 };
      this.lanes.set(channel, lane);
    }
    const held = lane;
    held.pending++;
    const result = held.tail.then(() => this.attempt(channel, held, write));
    held.tail = result.catch(() => undefined);
    return result.finally(() => {
      held.pending--;
      if (held.pending === 0 && this.lanes.get(channel) === held) this.lanes.delete(channel);
    });
  }

  /** Channels with writes queued or running. */
  get busyChannels(): number {
    return this.lanes.size;
  }

  private async attempt<T>(channel: string, lane: Lane, write: () => Promise<T>): Promise<T> {
    const { spacingMs, maxAttempts, maxWaitMs, sleep, now, logger } = this.options;
    for (let attempt = 1; ; attempt++) {
      const wait = lane.lastStart + spacingMs - now();
      if (wait > 0) await sleep(wait);
      lane.lastStart = now();
      try {
        return await write();
      } catch (error) {
        const after = retryAfterMs(error, attempt);
        if (after === null) throw error;
        if (attempt >= maxAttempts) throw new RateLimitedError(channel, attempt);
        const ms = Math.min(after, maxWaitMs);
        logger.warn({ channel, retryAfterMs: ms, attempt }, 'Slack rate-limited a write; waiting as asked');
        await sleep(ms);
      }
    }
  }
}
