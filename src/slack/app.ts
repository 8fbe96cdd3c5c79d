import { App, LogLevel } from '@slack/bolt';
import type { AgentSetup } from '../runtime/agent.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Logger } from '../core/logger.js';
import type { CustomerApprovals } from './approvals.js';
import type { SlackCredentials, SlackMode, SlackSettings } from './config.js';
import { type SlackDeps, Tasks } from './deps.js';
import { HeadlineSync } from './headline.js';
import { SignedHttpReceiver } from './http-receiver.js';
import { registerActions } from './listeners/actions.js';
import { registerCommands } from './listeners/commands.js';
import { registerEvents } from './listeners/events.js';
import { registerViews } from './listeners/views.js';
import { boltLogger } from './logger.js';
import { People } from './people.js';
import { SlackRefs } from './refs.js';
import { Reminders } from './remind.js';
import { Watcher } from './watch.js';
import { SlackWeb } from './web.js';
import { ChannelQueue } from './write-queue.js';

export interface SlackAppOptions {
  runtime: Runtime;
  setup: AgentSetup;
  credentials: SlackCredentials;
  mode: SlackMode;
  settings: SlackSettings;
  logger: Logger;
  /** --http: where the Events API is served (loopback unless told otherwise). */
  http?: { host: string; port: number };
  /** Where a person's decision on customer text goes: the integrations' approval desk. */
  approvals: CustomerApprovals;
  /** False when a test drives `sync` and `tick` itself on a simulated clock. */
  timers?: boolean;
  /** Follow the store's change feed (default true); `sync` alone when false. */
  feed?: boolean;
  /** How the write queue waits (a test may shorten Retry-After waits it has checked). */
  sleep?: (ms: number) => Promise<void>;
}

/** A running Slack front door. */
export interface SlackAppHandle {
  app: App;
  /** The Events API URL with --http; null in Socket Mode. */
  url: string | null;
  bot: { userId: string; botId: string | null; team: string | null };
  /** Headlines follow store changes now (normally every `pollMs`). */
  sync(): Promise<void>;
  /** Reminders and time-dependent headline parts now (normally every `tickMs`). */
  tick(): Promise<void>;
  /** Resolves when work started after acknowledgements has finished. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the Slack app on Bolt: Socket Mode by default, or the Events API with signed requests.
 * The listeners acknowledge and hand over to the conversation service and the domain services;
 * this layer adds only what Slack needs (channels, the headline, reminders, the timeline capture).
 */
export async function startSlackApp(options: SlackAppOptions): Promise<SlackAppHandle> {
  const { runtime, credentials, settings, logger } = options;
  const log = boltLogger(logger.child({ component: 'slack' }));
  const clientOptions = {
    slackApiUrl: credentials.apiUrl,
    // Rate limits are ours to honour, per channel (write-queue.ts); network errors and 5xx are retried by the client.
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 2000 },
    timeout: 15_000,
    logger: log,
  };
  const receiver =
    options.mode === 'http'
      ? new SignedHttpReceiver({
          signingSecret: credentials.signingSecret!,
          host: options.http?.host ?? '127.0.0.1',
          port: options.http?.port ?? 3000,
          store: runtime.store,
          logger,
        })
      : null;
  const app = new App({
    token: credentials.botToken,
    ...(receiver ? { receiver } : { socketMode: true, appToken: credentials.appToken! }),
    clientOptions,
    logger: log,
    logLevel: LogLevel.INFO,
    convoStore: false,
    ignoreSelf: true,
  });

  const queue = new ChannelQueue({
    spacingMs: settings.channelSpacingMs,
    maxAttempts: 5,
    maxWaitMs: 60_000,
    sleep: options.sleep ?? sleep,
    now: () => Date.now(),
    logger,
  });
  const web = new SlackWeb(app.client, queue, logger);
  const auth = await web.authTest();
  const tasks = new Tasks(logger);
  const deps: SlackDeps = {
    runtime,
    conversations: options.setup.conversations,
    web,
    people: new People(
      web,
      () => runtime.roster,
      () => Date.now(),
      logger,
    ),
    refs: new SlackRefs(runtime.store, runtime.clock),
    approvals: options.approvals,
    settings,
    bot: { userId: auth.userId, botId: auth.botId },
    logger,
    tasks,
  };
  const headline = new HeadlineSync(deps);
  const reminders = new Reminders(deps);
  const watcher = new Watcher(deps, headline, reminders, options.timers !== false);

  // Retries and several instances: an event is handled once, whoever receives it (the claim is in the store).
  app.use(async ({ body, next }) => {
    const b = body as { type?: unknown; event_id?: unknown };
    if (b.type === 'event_callback' && typeof b.event_id === 'string') {
      const first = await runtime.store.claim(
        'slack-event',
        b.event_id.slice(0, 100),
        runtime.clock.now().toISOString(),
      );
      if (!first) {
        logger.debug({ event: b.event_id }, 'Slack event already handled');
        return;
      }
    }
    await next();
  });
  registerCommands(app, deps);
  registerActions(app, deps, reminders);
  registerViews(app, deps);
  registerEvents(app, deps);
  app.error(async (error) => {
    logger.error({ err: error }, 'Slack listener failed');
  });

  const started = (await app.start()) as { url?: string } | undefined;
  const url = receiver ? (started?.url ?? null) : null;

  const guarded = (name: string, work: () => Promise<void>): (() => Promise<void>) => {
    let running: Promise<void> | null = null;
    return () => {
      running ??= work()
        .catch((error: unknown) => logger.warn({ err: error, task: name }, 'Slack background pass failed'))
        .finally(() => {
          running = null;
        });
      return running;
    };
  };
  const sync = guarded('sync', () => watcher.sync());
  const unwatch = options.feed === false ? null : await runtime.store.watch((change) => watcher.onChange(change));
  const tick = guarded('tick', () => watcher.tick());
  const timers: NodeJS.Timeout[] = [];
  if (options.timers !== false) {
    timers.push(setInterval(() => void sync(), settings.pollMs).unref());
    timers.push(setInterval(() => void tick(), settings.tickMs).unref());
    timers.push(setInterval(() => void watcher.housekeeping().catch(() => undefined), 3_600_000).unref());
    void sync();
  }
  logger.info({ mode: options.mode, bot: auth.userId, team: auth.team, url }, 'Slack app started');

  return {
    app,
    url,
    bot: { userId: auth.userId, botId: auth.botId, team: auth.team },
    sync,
    tick,
    idle: () => tasks.idle(),
    async stop() {
      unwatch?.();
      watcher.stop();
      for (const t of timers) clearInterval(t);
      await tasks.idle();
      await app.stop();
    },
  };
}
