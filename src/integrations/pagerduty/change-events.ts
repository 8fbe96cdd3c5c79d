import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { ServiceCatalog, ServiceConfig } from '../../config/services.js';
import { oneLine } from '../../core/control.js';
import { makePrivateDir } from '../../core/files.js';
import type { Logger } from '../../core/logger.js';
import type { Clock } from '../../core/time.js';
import { parseIsoTime } from '../../core/time.js';
import type { PagerDutySettings } from '../config.js';
import type { Transport } from '../http.js';
import { changeEventsRequest } from './rest.js';

const ChangeEvents = z.object({
  change_events: z
    .array(
      z.object({
        id: z.string().min(1).max(64),
        summary: z.string().max(4096),
        timestamp: z.string().refine((s) => parseIsoTime(s) !== null),
        source: z.string().max(500).nullish(),
        custom_details: z.record(z.string(), z.unknown()).nullish(),
        links: z
          .array(z.object({ href: z.string().max(2048), text: z.string().max(500).nullish() }))
          .max(20)
          .nullish(),
      }),
    )
    .max(1000),
});

/** How far back the first pull of a service looks. */
const FIRST_LOOKBACK_MS = 24 * 3_600_000;
/** The file is re-read for ids only up to this size (it holds what the pulls wrote). */
const MAX_SCAN_BYTES = 16 * 1024 * 1024;

/**
 * Pulls the change events (deploys, config changes) of every service mapped to a PagerDuty
 * service, and appends the new ones to that service's change-event log in the deploy-log format
 * fetch_deploys already reads (a PagerDuty change event per line), so they rank as suspects
 * beside git and the team's own deploy log. Each event is written once, by its id.
 */
export class ChangeEventPuller {
  private readonly since = new Map<string, string>();
  private readonly seen = new Map<string, Set<string>>();

  constructor(
    private readonly deps: {
      settings: NonNullable<PagerDutySettings['rest']>;
      services: ServiceCatalog;
      transport: Transport;
      clock: Clock;
      logger: Logger;
    },
  ) {}

  private idsIn(path: string): Set<string> {
    let ids = this.seen.get(path);
    if (ids) return ids;
    ids = new Set();
    if (existsSync(path) && statSync(path).size <= MAX_SCAN_BYTES)
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        const id = /"id":"([^"]+)"/.exec(line)?.[1];
        if (id) ids.add(id);
      }
    this.seen.set(path, ids);
    return ids;
  }

  async pullService(service: ServiceConfig): Promise<number> {
    const path = service.changeEventLogPath;
    if (!path || !service.pagerduty_service) return 0;
    const until = this.deps.clock.now().toISOString();
    const since = this.since.get(service.name) ?? new Date(Date.parse(until) - FIRST_LOOKBACK_MS).toISOString();
    const outcome = await this.deps.transport.send(
      changeEventsRequest(this.deps.settings, service.pagerduty_service, since, until),
    );
    if (outcome.kind !== 'ok') {
      if (outcome.kind !== 'dry_run')
        this.deps.logger.warn({ service: service.name }, `change events not pulled: ${outcome.problem}`);
      return 0;
    }
    const parsed = ChangeEvents.safeParse(outcome.body);
    if (!parsed.success) {
      this.deps.logger.warn(
        { service: service.name },
        'change events not pulled: the answer is not a change event list',
      );
      return 0;
    }
    const ids = this.idsIn(path);
    const lines: string[] = [];
    for (const e of parsed.data.change_events) {
      if (ids.has(e.id)) continue;
      ids.add(e.id);
      lines.push(
        JSON.stringify({
          id: e.id,
          payload: {
            summary: oneLine(e.summary, 1024),
            timestamp: parseIsoTime(e.timestamp)!.toISOString(),
            source: oneLine(e.source ?? 'pagerduty', 200),
            custom_details: { ...(e.custom_details ?? {}), service: service.name },
          },
          links: e.links ?? [],
        }),
      );
    }
    if (lines.length) {
      makePrivateDir(dirname(path));
      appendFileSync(path, `${lines.join('\n')}\n`, { mode: 0o600 });
    }
    this.since.set(service.name, until);
    return lines.length;
  }

  /** One pull of every mapped service; returns how many new change events were written. */
  async pullAll(): Promise<number> {
    let added = 0;
    for (const service of this.deps.services.services.values()) added += await this.pullService(service);
    return added;
  }
}
