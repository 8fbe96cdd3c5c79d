import type { ServiceCatalog } from '../config/services.js';
import type { Runbook, RunbookCatalog } from './catalog.js';

/** A quarter: runbooks not exercised within it are stale. */
export const QUARTER_DAYS = 92;

export interface RunbookLint {
  stale: { file: string; title: string; owner: string; lastTested: string | null; daysSinceTest: number | null }[];
  /** Paging alerts (from services.yaml) that no runbook answers: if there is no runbook, the alert should not page. */
  uncovered: { service: string; alert: string }[];
  /** Runbooks for services the services config does not know. */
  unknownServices: { file: string; service: string }[];
  invalid: { file: string; message: string }[];
}

export function daysSince(at: string | null, now: Date): number | null {
  return at ? Math.floor((now.getTime() - Date.parse(at)) / 86_400_000) : null;
}

export function isStale(r: Runbook, now: Date): boolean {
  const days = daysSince(r.lastTested, now);
  return days === null || days > QUARTER_DAYS;
}

export function lintRunbooks(catalog: RunbookCatalog, services: ServiceCatalog, now: Date): RunbookLint {
  const answered = new Set(catalog.runbooks.flatMap((r) => r.alerts.map((a) => a.toLowerCase())));
  return {
    stale: catalog.runbooks
      .filter((r) => isStale(r, now))
      .map((r) => ({
        file: r.file,
        title: r.title,
        owner: r.owner,
        lastTested: r.lastTested,
        daysSinceTest: daysSince(r.lastTested, now),
      })),
    uncovered: [...services.services.values()].flatMap((s) =>
      s.alerts
        .filter((a) => a.paging && !answered.has(a.name.toLowerCase()))
        .map((a) => ({ service: s.name, alert: a.name })),
    ),
    unknownServices: services.services.size
      ? catalog.runbooks.flatMap((r) =>
          r.services.filter((s) => !services.services.has(s)).map((service) => ({ file: r.file, service })),
        )
      : [],
    invalid: [
      ...catalog.errors.map((e) => ({ file: e.file, message: e.message })),
      // A test date in the future is a typo, and would hide a stale runbook for months.
      ...catalog.runbooks
        .filter((r) => r.lastTested && Date.parse(r.lastTested) > now.getTime() + 86_400_000)
        .map((r) => ({
          file: r.file,
          message: `${r.file}: field "last_tested": ${r.lastTested!.slice(0, 10)} is in the future`,
        })),
    ],
  };
}
