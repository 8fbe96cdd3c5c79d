import { join } from 'node:path';
import { packageRoot } from '../config/package-root.js';
import type { Logger } from '../core/logger.js';
import { ManualClock } from '../core/time.js';
import { knownServices, type KnownService } from '../playbook/step.js';
import type { ToolRegistry } from '../registry/registry.js';
import type { ToolContext } from '../registry/types.js';
import { EMPTY_RUNBOOKS, loadRunbooks, type RunbookCatalog } from '../runbooks/catalog.js';
import { createWorld } from '../runtime/world.js';
import type { SeverityFramework } from '../severity/framework.js';
import type { Soul } from '../soul/load.js';
import type { SessionStore } from '../store/sessions.js';
import type { IncidentStore } from '../store/types.js';
import type { TemplateLibrary } from '../templates/library.js';
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
  store: IncidentStore;
  sessions: SessionStore;
  context(actor: string): ToolContext;
  services: KnownService[];
  /** The case sees the fixture runbooks. */
  runbooks: boolean;
  state(incidentId: string | null): Promise<TurnState>;
  close(): Promise<void>;
}

const DEPLOYS: Record<string, Record<string, unknown>[]> = {
  'payment-api': [
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
  search: [
    {
      service: 'search',
      at: '2026-03-10T12:10:00Z',
      version: 'search-88',
      author: 'deploy-bot',
      description: 'search ranking tweak',
      status: 'succeeded',
    },
  ],
};

/** The services a case can name, as services.yaml would configure them. */
const SERVICES: Record<string, Record<string, unknown>> = {
  'payment-api': {
    display_name: 'Checkout',
    aliases: ['payments', 'payment service'],
    customer_facing: true,
    revenue_path: true,
    dependencies: ['payment gateway', 'postgres-main'],
  },
  search: { display_name: 'Search', customer_facing: true, revenue_path: false },
};

export function createCaseEnvironment(evalCase: EvalCase, shared: Shared): CaseEnvironment {
  const clock = new ManualClock(CASE_START);
  const world = createWorld({
    clock,
    settings: shared.soul.config.settings,
    severity: shared.severity,
    templates: shared.templates,
    logger: shared.logger,
    ...(evalCase.services.length
      ? {
          services: {
            services: Object.fromEntries(evalCase.services.map((s) => [s, SERVICES[s]!])),
            deploys: evalCase.services.flatMap((s) => DEPLOYS[s]!),
          },
        }
      : {}),
    runbooks: evalCase.runbooks
      ? (shared.runbooks ??= loadRunbooks(join(packageRoot(), 'evals', 'fixtures', 'runbooks')))
      : EMPTY_RUNBOOKS,
  });
  return {
    clock,
    store: world.store,
    sessions: world.sessions,
    context: (actor) => world.context(actor),
    services: knownServices(world.services),
    runbooks: evalCase.runbooks,
    state: (incidentId) => readTurnState(world.store, shared.severity, incidentId, clock.now()),
    close: () => world.close(),
  };
}
