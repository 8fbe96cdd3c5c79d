import type { Logger } from '../core/logger.js';
import type { Clock } from '../core/time.js';
import type { IncidentContext } from '../incident/context.js';
import type { MessageStore, NewQueuedMessage } from '../store/messages.js';
import type { IncidentRecord, IncidentStore } from '../store/types.js';
import { type DrainReport, EMPTY_REPORT, QUEUES, type QueueHandler, addReports, drain } from './queue.js';

/** Plans the outbox for one incident whose record changed. */
export type Planner = (record: IncidentRecord) => Promise<NewQueuedMessage[]>;

/** Builds the requests a planned message would make, for a dry run. */
export type DryRunner = (message: NewQueuedMessage, record: IncidentRecord) => Promise<void>;

/** How long finished messages are kept: longer than any replay window, for `integrations status`. */
const KEEP_MS = 7 * 24 * 3_600_000;

export interface WorkerDeps {
  store: IncidentStore;
  messages: MessageStore;
  clock: Clock;
  logger: Logger;
  context: IncidentContext;
  handlers: readonly QueueHandler[];
  planners: readonly Planner[];
  dryRun: DryRunner | null;
  /** Runs now and then (the change-event pull), with the time since it last ran. */
  periodic?: { everyMs: number; run(): Promise<unknown> } | null;
}

export interface TickReport extends DrainReport {
  planned: number;
}

/**
 * The integrations' one loop: it looks at every incident whose record changed since it last
 * looked, plans what PagerDuty and the status page should hear about it (outbox messages keyed
 * so that several processes agree), and drains the inbox and outbox queues. Ticks never overlap;
 * a webhook that arrives asks for a tick at once (`nudge`).
 */
export class IntegrationsWorker {
  private readonly seen = new Map<string, number>();
  private readonly dryLogged = new Set<string>();
  private running: Promise<TickReport> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private lastPeriodic = 0;
  private lastPrune = 0;
  private stopped = false;

  constructor(private readonly deps: WorkerDeps) {}

  /** Plans the outbox for every changed incident; returns how many messages were new. */
  async reconcile(): Promise<number> {
    if (!this.deps.planners.length) return 0;
    const { store } = this.deps;
    const incidents = [
      ...(await store.listIncidents({ status: ['investigating', 'identified', 'monitoring'], limit: 200 })),
      ...(await store.listIncidents({ status: ['resolved'], limit: 50 })),
    ];
    let planned = 0;
    for (const incident of incidents) {
      if (this.seen.get(incident.id) === incident.version) continue;
      const record = await store.readRecord(incident.id);
      if (!record) continue;
      for (const planner of this.deps.planners)
        for (const message of await planner(record)) {
          if (this.deps.dryRun) {
            if (this.dryLogged.has(`${message.queue} ${message.key}`)) continue;
            this.dryLogged.add(`${message.queue} ${message.key}`);
            await this.deps.dryRun(message, record);
            planned++;
          } else if ((await this.deps.messages.enqueue(message)).created) planned++;
        }
      this.seen.set(incident.id, record.version);
    }
    return planned;
  }

  private async run(): Promise<TickReport> {
    let report: TickReport = { ...EMPTY_REPORT, planned: 0 };
    do {
      this.again = false;
      // The inbox first: what PagerDuty says can change what should be sent back.
      for (const handler of this.deps.handlers.filter((h) => h.queue.endsWith('.webhooks')))
        report = { ...report, ...addReports(report, await drain(this.deps.messages, handler, this.deps)) };
      report.planned += await this.reconcile();
      for (const handler of this.deps.handlers.filter((h) => !h.queue.endsWith('.webhooks')))
        report = { ...report, ...addReports(report, await drain(this.deps.messages, handler, this.deps)) };
      const now = Date.now();
      if (this.deps.periodic && now - this.lastPeriodic >= this.deps.periodic.everyMs) {
        this.lastPeriodic = now;
        await this.deps.periodic
          .run()
          .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'periodic integration task failed'));
      }
      if (now - this.lastPrune >= 3_600_000) {
        this.lastPrune = now;
        const before = new Date(this.deps.clock.now().getTime() - KEEP_MS).toISOString();
        for (const queue of Object.values(QUEUES)) await this.deps.messages.prune(queue, before);
      }
    } while (this.again && !this.stopped);
    return report;
  }

  /** One pass: inbox, plans, outbox. Concurrent calls share the pass in progress (and ask for one more). */
  tick(): Promise<TickReport> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Something arrived: tick now rather than at the next interval (once started). */
  nudge(): void {
    if (this.stopped || !this.timer) return;
    void this.tick().catch((error: unknown) => this.deps.logger.error({ err: error }, 'integrations tick failed'));
  }

  start(intervalMs = 2_000): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.nudge(), intervalMs);
    this.timer.unref();
    this.nudge();
  }

  /** Stops ticking and waits for the pass in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }
}
