import { loadRoster, type Roster } from '../config/roster.js';
import { changeEventsDir, loadServices, type ServiceCatalog } from '../config/services.js';
import { resolvePaths, type PathOverrides, type Paths } from '../config/paths.js';
import { createLogger, logLevelFromEnv, type Logger } from '../core/logger.js';
import { systemClock, type Clock } from '../core/time.js';
import { execGit, type GitRunner } from '../deploys/git.js';
import { SnapshotCache } from '../incident/snapshot.js';
import type { ToolRegistry } from '../registry/registry.js';
import type { ToolContext } from '../registry/types.js';
import { createRegistry } from '../../tools/index.js';
import { contextFor } from './context.js';
import { describeLocation, openStore } from './store.js';
import { loadFramework, type SeverityFramework } from '../severity/framework.js';
import { loadSoul, type Soul } from '../soul/load.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../core/errors.js';
import type { Stores } from '../store/lazy-store.js';
import { MemoryMessageStore } from '../store/memory-messages.js';
import { MemorySessionStore } from '../store/memory-sessions.js';
import type { MessageStore } from '../store/messages.js';
import type { SessionStore } from '../store/sessions.js';
import type { IncidentStore } from '../store/types.js';
import { TemplateLibrary } from '../templates/library.js';
import { loadRunbooks, type RunbookCatalog } from '../runbooks/catalog.js';

/** Everything a front door (CLI, MCP server, chat) needs, loaded and validated once at start. */
export interface Runtime {
  paths: Paths;
  soul: Soul;
  severity: SeverityFramework;
  services: ServiceCatalog;
  roster: Roster;
  runbooks: RunbookCatalog;
  templates: TemplateLibrary;
  store: IncidentStore;
  /** Conversations with the commander, apart from the incident record. */
  sessions: SessionStore;
  /** The integrations' durable queues (webhook inbox, API outbox), beside the record. */
  messages: MessageStore;
  registry: ToolRegistry;
  clock: Clock;
  git: GitRunner;
  logger: Logger;
  /** A tool context for one caller, with the current SOUL.md settings. */
  context(actor: string): ToolContext;
  /**
   * Re-reads SOUL.md if it changed on disk since it was last read. A broken edit keeps the previous
   * persona and reports the error; the next valid edit is picked up.
   */
  refreshSoul(): { changed: boolean; error: ConfigError | null };
  close(): Promise<void>;
}

export interface RuntimeOptions {
  overrides?: PathOverrides;
  env?: NodeJS.ProcessEnv;
  /** Every tool by default. */
  registry?: ToolRegistry;
  clock?: Clock;
  git?: GitRunner;
  logger?: Logger;
  /** An incident store to use instead of opening the configured one (its sessions then live in memory). */
  store?: IncidentStore;
  sessions?: SessionStore;
  messages?: MessageStore;
  /** The command only reads: the database must already exist (a mistyped --db creates nothing). */
  readOnly?: boolean;
}

/**
 * The composition root: loads config (throwing ConfigError naming the file and field), opens the
 * store its location names, and builds every caller's context the same way.
 */
export function openRuntime(options: RuntimeOptions): Runtime {
  const env = options.env ?? process.env;
  const paths = resolvePaths(options.overrides, env);
  const logger = options.logger ?? createLogger({ level: logLevelFromEnv(env, 'warn') });
  const registry = options.registry ?? createRegistry();
  const soul = loadSoul(paths.soul, registry.names());
  const severity = loadFramework(paths.severity);
  const services = loadServices(paths.services, { changeEventsDir: changeEventsDir(paths.home) });
  const roster = loadRoster(paths.roster);
  const runbooks = loadRunbooks(paths.runbooks);
  const templates = TemplateLibrary.load(paths.prompts);
  const stores: Stores = options.store
    ? {
        incidents: options.store,
        sessions: options.sessions ?? new MemorySessionStore(),
        messages: options.messages ?? new MemoryMessageStore(),
        close: () => options.store!.close(),
      }
    : openStore(paths.store, {
        ...(options.readOnly ? { mustExist: true } : {}),
        onTrouble: (what, error) => logger.warn({ err: error, store: describeLocation(paths.store) }, what),
      });
  const store = stores.incidents;
  const clock = options.clock ?? systemClock;
  const git = options.git ?? execGit();
  const cache = new SnapshotCache();
  /** The content hash of SOUL.md as it is on disk now: edits are seen even when mtime and size do not move. */
  const stamp = (): string => {
    try {
      return createHash('sha256').update(readFileSync(paths.soul)).digest('hex').slice(0, 12);
    } catch {
      return 'missing';
    }
  };
  let soulStamp = soul.hash;
  const parts = {
    store,
    clock,
    settings: () => runtime.soul.config.settings,
    severity,
    services,
    roster,
    runbooks,
    templates,
    git,
    cache,
    logger,
  };
  const runtime: Runtime = {
    paths,
    soul,
    severity,
    services,
    roster,
    runbooks,
    templates,
    store,
    sessions: stores.sessions,
    messages: stores.messages,
    registry,
    clock,
    git,
    logger,
    context: (actor) => contextFor(parts, actor),
    refreshSoul() {
      const now = stamp();
      if (now === soulStamp) return { changed: false, error: null };
      soulStamp = now;
      try {
        runtime.soul = loadSoul(paths.soul, registry.names());
        logger.info({ soul: paths.soul, hash: runtime.soul.hash }, 'SOUL.md reloaded');
        return { changed: true, error: null };
      } catch (error) {
        if (error instanceof ConfigError) return { changed: false, error };
        throw error;
      }
    },
    close: () => stores.close(),
  };
  return runtime;
}
