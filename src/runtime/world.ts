import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMPTY_ROSTER, type Roster } from '../config/roster.js';
import { EMPTY_CATALOG, parseServices, type ServiceCatalog } from '../config/services.js';
import type { Logger } from '../core/logger.js';
import type { Clock } from '../core/time.js';
import { execGit, type GitRunner } from '../deploys/git.js';
import { SnapshotCache } from '../incident/snapshot.js';
import type { ToolContext } from '../registry/types.js';
import { EMPTY_RUNBOOKS, type RunbookCatalog } from '../runbooks/catalog.js';
import type { SeverityFramework } from '../severity/framework.js';
import type { SoulSettings } from '../soul/schema.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { MessageStore } from '../store/messages.js';
import type { SessionStore } from '../store/sessions.js';
import type { IncidentStore } from '../store/types.js';
import type { TemplateLibrary } from '../templates/library.js';
import { contextFor } from './context.js';

/** Services written as a services.yaml would hold them, all reading one deploy log the world writes. */
export interface FixtureServices {
  services: Record<string, Record<string, unknown>>;
  /** Deploy log entries (JSON lines), for every service. */
  deploys: readonly Record<string, unknown>[];
}

export interface WorldOptions {
  /** The world's own clock: a test's fake clock, an eval case's or a game day's simulated one. */
  clock: Clock;
  settings: SoulSettings;
  severity: SeverityFramework;
  templates: TemplateLibrary;
  logger: Logger;
  services?: ServiceCatalog | FixtureServices;
  roster?: Roster;
  runbooks?: RunbookCatalog;
  git?: GitRunner;
  /** A SQLite file for the record; in memory by default. */
  db?: string;
}

/** An isolated incident world: its own store, clock and configuration. Close it when done. */
export interface World {
  clock: Clock;
  store: IncidentStore;
  sessions: SessionStore;
  messages: MessageStore;
  services: ServiceCatalog;
  context(actor: string): ToolContext;
  close(): Promise<void>;
}

/**
 * The one in-memory world factory: tests, eval cases and game days each get a fresh record on
 * their own clock, wired exactly as the runtime wires the real one.
 */
export function createWorld(options: WorldOptions): World {
  const { clock } = options;
  const store = new SqliteStore(options.db ?? ':memory:', { now: () => clock.now() });
  let dir: string | null = null;
  let services = EMPTY_CATALOG;
  if (options.services && 'deploys' in options.services) {
    const fixture = options.services;
    dir = mkdtempSync(join(tmpdir(), 'ic-world-'));
    writeFileSync(join(dir, 'deploys.jsonl'), fixture.deploys.map((d) => JSON.stringify(d)).join('\n'));
    const entries = Object.fromEntries(
      Object.entries(fixture.services).map(([name, svc]) => [name, { ...svc, deploy_log: './deploys.jsonl' }]),
    );
    services = parseServices(JSON.stringify({ services: entries }), join(dir, 'services.yaml'));
  } else if (options.services) services = options.services;
  const parts = {
    store,
    clock,
    settings: () => options.settings,
    severity: options.severity,
    services,
    roster: options.roster ?? EMPTY_ROSTER,
    runbooks: options.runbooks ?? EMPTY_RUNBOOKS,
    templates: options.templates,
    git: options.git ?? execGit(),
    cache: new SnapshotCache(),
    logger: options.logger,
  };
  return {
    clock,
    store,
    sessions: store.sessions,
    messages: store.messages,
    services,
    context: (actor) => contextFor(parts, actor),
    async close() {
      await store.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
