import { join } from 'node:path';
import type { Roster } from '../../src/config/roster.js';
import { EMPTY_CATALOG, parseServices, type ServiceCatalog } from '../../src/config/services.js';
import { packageRoot } from '../../src/config/package-root.js';
import { silentLogger } from '../../src/core/logger.js';
import type { GitRunner } from '../../src/deploys/git.js';
import type { ToolRegistry } from '../../src/registry/registry.js';
import type { ToolContext, ToolResult } from '../../src/registry/types.js';
import { loadFramework } from '../../src/severity/framework.js';
import { DEFAULT_SETTINGS, type SoulSettings } from '../../src/soul/schema.js';
import type { RunbookCatalog } from '../../src/runbooks/catalog.js';
import { createWorld } from '../../src/runtime/world.js';
import type { SessionStore } from '../../src/store/sessions.js';
import type { IncidentStore } from '../../src/store/types.js';
import { TemplateLibrary } from '../../src/templates/library.js';
import { createRegistry } from '../../tools/index.js';
import { FakeClock } from './fake-clock.js';

export interface Harness {
  ctx: ToolContext;
  clock: FakeClock;
  store: IncidentStore;
  sessions: SessionStore;
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
  const registry = createRegistry();
  const world = createWorld({
    clock,
    settings: { ...DEFAULT_SETTINGS, ...options.settings },
    severity: loadFramework(join(root, 'config', 'severity.yaml')),
    templates: TemplateLibrary.load(join(root, 'prompts')),
    logger: silentLogger(),
    services:
      typeof options.services === 'string'
        ? parseServices(options.services, join(root, 'test-services.yaml'))
        : (options.services ?? EMPTY_CATALOG),
    ...(options.roster ? { roster: options.roster } : {}),
    ...(options.runbooks ? { runbooks: options.runbooks } : {}),
    ...(options.git ? { git: options.git } : {}),
    ...(options.dbPath ? { db: options.dbPath } : {}),
  });
  const store = world.store;
  const ctx: ToolContext = world.context('test');
  const call = (tool: string, args: unknown): Promise<ToolResult> => registry.call(tool, args, ctx);
  return {
    ctx,
    clock,
    store,
    sessions: world.sessions,
    registry,
    call,
    async ok<T>(tool: string, args: unknown): Promise<T> {
      const result = await call(tool, args);
      if (!result.ok) throw new Error(`${tool} failed: ${result.text}`);
      return result.output as T;
    },
    close: () => world.close(),
  };
}
