import { join } from 'node:path';
import { EMPTY_ROSTER, type Roster } from '../../src/config/roster.js';
import { EMPTY_CATALOG, parseServices, type ServiceCatalog } from '../../src/config/services.js';
import { packageRoot } from '../../src/config/package-root.js';
import { silentLogger } from '../../src/core/logger.js';
import { execGit, type GitRunner } from '../../src/deploys/git.js';
import { SnapshotCache } from '../../src/incident/snapshot.js';
import type { ToolRegistry } from '../../src/registry/registry.js';
import type { ToolContext, ToolResult } from '../../src/registry/types.js';
import { loadFramework } from '../../src/severity/framework.js';
import { DEFAULT_SETTINGS, type SoulSettings } from '../../src/soul/schema.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { EMPTY_RUNBOOKS, type RunbookCatalog } from '../../src/runbooks/catalog.js';
import { TemplateLibrary } from '../../src/templates/library.js';
import { createRegistry } from '../../tools/index.js';
import { FakeClock } from './fake-clock.js';

export interface Harness {
  ctx: ToolContext;
  clock: FakeClock;
  store: SqliteStore;
  registry: ToolRegistry;
  /** Calls a tool and returns its output, failing the test with the tool's message if it fails. */
  ok<T = Record<string, unknown>>(tool: string, args: unknown): Promise<T>;
  /** Calls a tool and returns the whole result (for error cases). */
  call(tool: string, args: unknown): Promise<ToolResult>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  settings?: Partial<SoulSettings>;
  services?: ServiceCatalog | string;
  roster?: Roster;
  runbooks?: RunbookCatalog;
  git?: GitRunner;
  start?: string;
  dbPath?: string;
}

/** A real registry over a real SQLite store, the shipped severity framework and templates, and a fake clock. */
export function createHarness(options: HarnessOptions = {}): Harness {
  const root = packageRoot();
  const clock = new FakeClock(options.start);
  const store = new SqliteStore(options.dbPath ?? ':memory:', { now: () => clock.now() });
  const registry = createRegistry();
  const services =
    typeof options.services === 'string'
      ? parseServices(options.services, join(root, 'test-services.yaml'))
      : (options.services ?? EMPTY_CATALOG);
  const ctx: ToolContext = {
    store,
    clock,
    settings: { ...DEFAULT_SETTINGS, ...options.settings },
    severity: loadFramework(join(root, 'config', 'severity.yaml')),
    services,
    roster: options.roster ?? EMPTY_ROSTER,
    runbooks: options.runbooks ?? EMPTY_RUNBOOKS,
    templates: TemplateLibrary.load(join(root, 'prompts')),
    git: options.git ?? execGit(),
    cache: new SnapshotCache(),
    logger: silentLogger(),
    actor: 'test',
  };
  const call = (tool: string, args: unknown): Promise<ToolResult> => registry.call(tool, args, ctx);
  return {
    ctx,
    clock,
    store,
    registry,
    call,
    async ok<T>(tool: string, args: unknown): Promise<T> {
      const result = await call(tool, args);
      if (!result.ok) throw new Error(`${tool} failed: ${result.text}`);
      return result.output as T;
    },
    close: () => store.close(),
  };
}
