import type { Logger } from '../core/logger.js';
import {
  ModelUnavailableError,
  type ModelEvents,
  type ModelPort,
  type ModelRequest,
  type ModelResponse,
} from './types.js';

export interface BreakerOptions {
  /** First background probe this long after the model failed; each failed probe doubles the wait. */
  probeMs: number;
  /** The longest wait between probes. */
  maxProbeMs: number;
  logger: Logger;
}

export const BREAKER_DEFAULTS = { probeMs: 30_000, maxProbeMs: 5 * 60_000 } as const;

type State =
  | { kind: 'closed' }
  | { kind: 'open'; error: ModelUnavailableError; since: number; timer: NodeJS.Timeout | undefined };

/**
 * A circuit breaker around a model port, shared by every turn of a process. Once the model has
 * failed (unreachable, timed out, overloaded or failing after the SDK's retries, a key it
 * refuses), later turns do not pay the whole retry budget again: they fail at once with the same
 * error marked `alreadyReported`, so the caller answers another way without saying why twice.
 * Meanwhile a background probe (the port's free `probe`) checks whether the model is back, with
 * growing pauses; when it is, the next turn goes to the model again and says so once.
 */
export class CircuitBreaker implements ModelPort {
  readonly name: string;
  private state: State = { kind: 'closed' };
  private recovered = false;

  constructor(
    private readonly inner: ModelPort,
    private readonly options: BreakerOptions,
  ) {
    this.name = inner.name;
  }

  /** Why the model is not being asked now; null while it is. */
  get openReason(): ModelUnavailableError | null {
    return this.state.kind === 'open' ? this.state.error : null;
  }

  async respond(request: ModelRequest, events: ModelEvents, signal?: AbortSignal): Promise<ModelResponse> {
    if (this.state.kind === 'open') {
      const { error } = this.state;
      throw new ModelUnavailableError(error.message, 0, error.status, error.kind, true);
    }
    if (this.recovered) {
      this.recovered = false;
      events.onNotice?.('Claude is reachable again: answering with Claude from this message on.');
    }
    try {
      return await this.inner.respond(request, events, signal);
    } catch (error) {
      if (error instanceof ModelUnavailableError && !signal?.aborted) this.trip(error, request.model);
      throw error;
    }
  }

  probe(model: string, signal?: AbortSignal): Promise<void> {
    return this.inner.probe ? this.inner.probe(model, signal) : Promise.resolve();
  }

  /** Stops the background probe (the process is ending). */
  dispose(): void {
    if (this.state.kind === 'open') clearTimeout(this.state.timer);
  }

  private trip(error: ModelUnavailableError, model: string): void {
    if (this.state.kind === 'open') clearTimeout(this.state.timer);
    this.state = { kind: 'open', error, since: Date.now(), timer: undefined };
    this.options.logger.warn({ err: error.message, kind: error.kind }, 'model circuit open; probing in the background');
    this.scheduleProbe(model, this.options.probeMs);
  }

  private scheduleProbe(model: string, wait: number): void {
    if (this.state.kind !== 'open' || !this.inner.probe) return;
    const state = this.state;
    state.timer = setTimeout(() => {
      void this.inner.probe!(model).then(
        () => {
          if (this.state !== state) return;
          this.state = { kind: 'closed' };
          this.recovered = true;
          this.options.logger.info({ downMs: Date.now() - state.since }, 'model reachable again; circuit closed');
        },
        (failure: unknown) => {
          if (this.state !== state) return;
          this.options.logger.debug({ err: String(failure) }, 'model probe failed');
          this.scheduleProbe(model, Math.min(wait * 2, this.options.maxProbeMs));
        },
      );
    }, wait);
    // A probe never keeps the process alive: a one-shot `ask` exits when its turn is done.
    state.timer.unref();
  }
}
