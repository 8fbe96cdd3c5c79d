import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMPTY_ROSTER } from '../config/roster.js';
import { parseServices } from '../config/services.js';
import type { Logger } from '../core/logger.js';
import { ManualClock } from '../core/time.js';
import { execGit } from '../deploys/git.js';
import { SnapshotCache } from '../incident/snapshot.js';
import type { ToolRegistry } from '../registry/registry.js';
import type { ToolContext } from '../registry/types.js';
import type { SeverityFramework } from '../severity/framework.js';
import type { Soul } from '../soul/load.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { TemplateLibrary } from '../templates/library.js';
import { knownServices, type KnownService } from '../playbook/step.js';
import { packageRoot } from '../config/package-root.js';
import { EMPTY_RUNBOOKS, loadRunbooks, type RunbookCatalog } from '../runbooks/catalog.js';
import type { EvalCase } from './case.js';
import type { TurnState } from './transcript.js';
import { readTurnState } from './turn-state.js';

/** Every case starts at the same simulated moment, so runs are comparable. */
export const CASE_START = '2026-03-10T14:00:00.000Z';

export interface Shared {
  soul: Soul;
  severity: SeverityFramework;
  templates: TemplateLibrary;
  registry: ToolRegistry;
  logger: Logger;
  /** The fixture runbooks (evals/fixtures/runbooks), loaded on first use by a case that asks for them. */
  runbooks?: RunbookCatalog;
}

/** One isolated world per case run: its own in-memory store, simulated clock and fixture services. */
export interface CaseEnvironment {
  clock: ManualClock;
  store: SqliteStore;
  context(actor: string): ToolContext;
  services: KnownService[];
  /** The case sees the fixture runbooks. */
  runbooks: boolean;
  state(incidentId: string | null): Promise<TurnState>;
  close(): Promise<void>;
}

const FIXTURES: Record<string, { yaml: string; deploys: object[] }> = {
  'payment-api': {
    yaml: '  payment-api:\n    display_name: Checkout\n    aliases: [payments, payment service]\n    customer_facing: true\n    revenue_path: true\n    dependencies: [payment gateway, postgres-main]\n    deploy_log: ./deploys.jsonl\n',
    deploys: [
      {
        service: 'payment-api',
        at: '2026-03-10T13:48:00Z',
        version: 'v2.14.0',
        author: 'deploy-bot',
        description: 'payment-api v2.14.0: new gateway client',
        status: 'succeeded',
      },
      {
        service: 'payment-api',
        at: '2026-03-09T16:00:00Z',
        version: 'v2.13.2',
        author: 'deploy-bot',
        description: 'payment-api v2.13.2',
        status: 'succeeded',
      },
    ],
  },
  search: {
    yaml: '  search:\n    display_name: Search\n    customer_facing: true\n    revenue_path: false\n    deploy_log: ./deploys.jsonl\n',
    deploys: [
      {
        service: 'search',
        at: '2026-03-10T12:10:00Z',
        version: 'search-88',
        author: 'deploy-bot',
        description: 'search ranking tweak',
        status: 'succeeded',
      },
    ],
  },
};

export function createCaseEnvironment(evalCase: EvalCase, shared: Shared): CaseEnvironment {
  const clock = new ManualClock(CASE_START);
  const store = new SqliteStore(':memory:', { now: () => clock.now() });
  let dir: string | null = null;
  let catalog = parseServices('services: {}\n', join(tmpdir(), 'eval-services.yaml'));
  if (evalCase.services.length) {
    dir = mkdtempSync(join(tmpdir(), 'ic-eval-'));
    const fixtures = evalCase.services.map((s) => FIXTURES[s]!);
    writeFileSync(
      join(dir, 'deploys.jsonl'),
      fixtures.flatMap((f) => f.deploys.map((d) => JSON.stringify(d))).join('\n'),
    );
    catalog = parseServices(`services:\n${fixtures.map((f) => f.yaml).join('')}`, join(dir, 'services.yaml'));
  }
  const cache = new SnapshotCache();
  const git = execGit();
  return {
    clock,
    store,
    context: (actor) => ({
      store,
      clock,
      settings: shared.soul.config.settings,
      severity: shared.severity,
      services: catalog,
      roster: EMPTY_ROSTER,
      runbooks: evalCase.runbooks
        ? (shared.runbooks ??= loadRunbooks(join(packageRoot(), 'evals', 'fixtures', 'runbooks')))
        : EMPTY_RUNBOOKS,
      templates: shared.templates,
      git,
      cache,
      logger: shared.logger,
      actor,
    }),
    services: knownServices(catalog),
    runbooks: evalCase.runbooks,
    state: (incidentId) => readTurnState(store, shared.severity, incidentId, clock.now()),
    async close() {
      await store.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
