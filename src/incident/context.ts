import type { Roster } from '../config/roster.js';
import type { ServiceCatalog } from '../config/services.js';
import type { Logger } from '../core/logger.js';
import type { Clock } from '../core/time.js';
import type { SeverityFramework } from '../severity/framework.js';
import type { SoulSettings } from '../soul/schema.js';
import type { IncidentStore } from '../store/types.js';
import type { TemplateLibrary } from '../templates/library.js';
import type { SnapshotCache } from './snapshot.js';

/**
 * What the incident services work with: the record, the clock, the persona's settings and the
 * organisation's configuration. Built once by the composition root (src/runtime) per caller.
 */
export interface IncidentContext {
  store: IncidentStore;
  clock: Clock;
  settings: SoulSettings;
  severity: SeverityFramework;
  services: ServiceCatalog;
  roster: Roster;
  templates: TemplateLibrary;
  /** Incident snapshots keyed by version, shared by every caller of one runtime. */
  cache: SnapshotCache;
  logger: Logger;
  /** Who is acting, written as the author of timeline entries when a request names nobody. */
  actor: string;
}
