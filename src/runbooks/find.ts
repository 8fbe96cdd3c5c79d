import { resolveServiceName, type ServiceCatalog } from '../config/services.js';
import { InputError } from '../core/errors.js';
import type { Clock } from '../core/time.js';
import type { RunbookCatalog } from './catalog.js';
import { daysSince, isStale } from './lint.js';
import { type RunbookMatch, rankRunbooks } from './search.js';

/** Runbook steps returned in full for the best match, up to this many characters. */
export const MAX_STEPS = 8000;

export interface RunbookContext {
  runbooks: RunbookCatalog;
  services: ServiceCatalog;
  clock: Clock;
}

export interface RunbookRequest {
  alert?: string | undefined;
  service?: string | undefined;
  query?: string | undefined;
  limit: number;
}

export interface FoundRunbook {
  file: string;
  title: string;
  services: string[];
  alerts: string[];
  owner: string;
  lastTested: string | null;
  daysSinceTest: number | null;
  stale: boolean;
  match: RunbookMatch;
  score: number;
  /** The body of the best match only: text people wrote, a procedure to follow. */
  steps: string | null;
  truncated: boolean;
}

export interface RunbookAnswer {
  /** False when no runbooks folder is configured. */
  configured: boolean;
  runbooks: FoundRunbook[];
  /** A paging alert with no runbook: the gap itself. */
  missing: string | null;
  invalidFiles: string[];
  summary: string;
}

/** The team's runbook for an alert, a service or symptoms in words, best first; a paging alert without one is named. */
export function findRunbook(ctx: RunbookContext, request: RunbookRequest): RunbookAnswer {
  if (!request.alert && !request.service && !request.query)
    throw InputError.field(
      '(input)',
      'give alert, service or query',
      'Pass the alert name that fired, the service, or the symptoms in words.',
    );
  const now = ctx.clock.now();
  const catalog = ctx.runbooks;
  const invalidFiles = catalog.errors.map((e) => e.file);
  if (!catalog.dir) {
    return {
      configured: false,
      runbooks: [],
      missing: null,
      invalidFiles,
      summary:
        'No runbooks folder is configured (--runbooks DIR or INCIDENT_COMMANDER_RUNBOOKS). Work from first principles and note the missing runbook as an action item.',
    };
  }
  const service = request.service
    ? (resolveServiceName(ctx.services, request.service) ?? request.service.toLowerCase())
    : undefined;
  const ranked = rankRunbooks(catalog.runbooks, {
    alert: request.alert,
    services: service ? [service] : [],
    words: request.query,
  }).slice(0, request.limit);
  const pagingAlert = request.alert
    ? [...ctx.services.services.values()]
        .flatMap((s) => s.alerts)
        .find((a) => a.paging && a.name.toLowerCase() === request.alert!.toLowerCase())
    : undefined;
  const missing =
    request.alert && !ranked.some((r) => r.match === 'alert')
      ? `No runbook answers ${pagingAlert ? 'the paging alert' : 'the alert'} "${request.alert}": write one (owner and deadline) or stop it paging.`
      : null;
  const runbooks = ranked.map((r, i) => {
    const body = i === 0 ? r.runbook.body : null;
    return {
      file: r.runbook.file,
      title: r.runbook.title,
      services: r.runbook.services,
      alerts: r.runbook.alerts,
      owner: r.runbook.owner,
      lastTested: r.runbook.lastTested,
      daysSinceTest: daysSince(r.runbook.lastTested, now),
      stale: isStale(r.runbook, now),
      match: r.match,
      score: r.score,
      steps: body === null ? null : body.slice(0, MAX_STEPS),
      truncated: body !== null && body.length > MAX_STEPS,
    };
  });
  const best = runbooks[0];
  const summary = best
    ? `Runbook: "${best.title}" (${best.file}, owner ${best.owner}, ${best.lastTested ? `last tested ${best.daysSinceTest} days ago` : 'never tested'}${best.stale ? ' — STALE, verify each step' : ''}).${missing ? ` ${missing}` : ''}`
    : (missing ?? `No runbook matches in ${catalog.runbooks.length} runbook(s).`);
  return { configured: true, runbooks, missing, invalidFiles, summary };
}
