import type { Roster } from '../config/roster.js';
import type { ServiceCatalog } from '../config/services.js';
import type { Logger } from '../core/logger.js';
import type { Clock } from '../core/time.js';
import type { GitRunner } from '../deploys/git.js';
import type { SnapshotCache } from '../incident/snapshot.js';
import type { ToolContext } from '../registry/types.js';
import type { RunbookCatalog } from '../runbooks/catalog.js';
import type { SeverityFramework } from '../severity/framework.js';
import type { SoulSettings } from '../soul/schema.js';
import type { IncidentStore } from '../store/types.js';
import type { TemplateLibrary } from '../templates/library.js';

/** Everything a caller's context is made of, for one runtime or one in-memory world. */
export interface ContextParts {
  store: IncidentStore;
  clock: Clock;
  /** Read per context, so a reloaded SOUL.md applies to the next caller at once. */
  settings(): SoulSettings;
  severity: SeverityFramework;
  services: ServiceCatalog;
  roster: Roster;
  runbooks: RunbookCatalog;
  templates: TemplateLibrary;
  git: GitRunner;
  cache: SnapshotCache;
  logger: Logger;
}

/** The one place a tool (and service) context is assembled. */
export function contextFor(parts: ContextParts, actor: string): ToolContext {
  return {
    store: parts.store,
    clock: parts.clock,
    settings: parts.settings(),
    severity: parts.severity,
    services: parts.services,
    roster: parts.roster,
    runbooks: parts.runbooks,
    templates: parts.templates,
    git: parts.git,
    cache: parts.cache,
    logger: parts.logger,
    actor,
  };
}
