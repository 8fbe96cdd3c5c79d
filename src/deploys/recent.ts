import { ExternalError, InputError } from '../core/errors.js';
import { formatMinutes, parseDuration, parseIsoTime } from '../core/time.js';
import type { IncidentContext } from '../incident/context.js';
import { requireIncident } from '../incident/lookup.js';
import { collectDeploys, type Deploy, type SourceReport } from './suspects.js';
import type { GitRunner } from './git.js';

/** What a deploy lookup reads: the configured services, the incident (for its start) and git. */
export type DeployContext = Pick<IncidentContext, 'store' | 'clock' | 'settings' | 'services'> & { git: GitRunner };

export interface DeployRequest {
  /** As configured in services.yaml. */
  service: string;
  /** A duration before now ("2h") or an ISO time. */
  since?: string | undefined;
  until?: string | undefined;
  /** Flag deploys that landed shortly before this incident started. */
  incidentId?: string | undefined;
  windowMinutes?: number | undefined;
  limit: number;
}

export interface RecentDeploys {
  service: string;
  since: string;
  until: string;
  reference: { at: string; kind: 'incident_start' | 'now' };
  windowMinutes: number;
  deploys: Deploy[];
  /** Refs of suspect deploys, most likely first. */
  suspects: string[];
  total: number;
  truncated: boolean;
  sources: SourceReport[];
  advice: string;
}

/** The first instant with a four-digit year. */
const FIRST_TIME = Date.parse('0000-01-01T00:00:00Z');

function resolveTime(field: string, value: string, now: Date): Date {
  const ms = parseDuration(value);
  if (ms !== null) {
    const t = new Date(now.getTime() - ms);
    // "99999999999w" is past what a Date holds (or before year 0, which git and ISO text cannot take).
    if (!(t.getTime() >= FIRST_TIME))
      throw InputError.field(
        field,
        `"${value}" reaches too far back`,
        'Give a duration of days or weeks ("7d", "2w") or an ISO time.',
      );
    return t;
  }
  const t = parseIsoTime(value);
  if (!t) throw InputError.field(field, `"${value}" is neither a duration ("2h", "90m") nor an ISO time`);
  return t;
}

/**
 * Recent deploys of one configured service from its git history and deploy log, with the ones that
 * landed in the suspect window before the incident started flagged and ranked.
 */
export async function recentDeploys(ctx: DeployContext, request: DeployRequest): Promise<RecentDeploys> {
  const catalog = ctx.services;
  const service = catalog.services.get(request.service.toLowerCase());
  if (!service) {
    const known = [...catalog.services.keys()];
    throw InputError.field(
      'service',
      known.length
        ? `unknown service "${request.service}"; services in ${catalog.file}: ${known.join(', ')}`
        : `unknown service "${request.service}": no services config is loaded`,
      known.length
        ? 'Use one of the configured service names.'
        : 'Create services.yaml (see README) in INCIDENT_COMMANDER_HOME or pass --services FILE, mapping each service to its git repo and deploy log.',
    );
  }
  if (!service.repoPath && !service.deployLogPath && !service.changeEventLogPath) {
    throw InputError.field(
      'service',
      `"${service.name}" has neither repo nor deploy_log in ${catalog.file}`,
      'Add repo: and/or deploy_log: to the service in services.yaml.',
    );
  }
  const now = ctx.clock.now();
  const incident = request.incidentId ? await requireIncident(ctx.store, request.incidentId) : null;
  const windowMinutes = request.windowMinutes ?? ctx.settings.suspect_window_minutes;
  const reference = incident ? new Date(incident.startedAt) : now;
  const until = request.until ? resolveTime('until', request.until, now) : now;
  const defaultSince = new Date(Math.min(now.getTime() - 2 * 3_600_000, reference.getTime() - windowMinutes * 60_000));
  const since = request.since ? resolveTime('since', request.since, now) : defaultSince;
  if (since >= until)
    throw InputError.field('since', `${since.toISOString()} is not before until (${until.toISOString()})`);

  const result = await collectDeploys(
    service,
    { since, until, reference, windowMinutes, limit: request.limit },
    ctx.git,
  );
  if (result.sources.length && result.sources.every((s) => !s.ok)) {
    throw new ExternalError(
      `no deploy source for ${service.name} could be read: ${result.sources.map((s) => s.error).join('; ')}`,
      'Fix the repo or deploy_log path in services.yaml; meanwhile ask the team what changed recently.',
    );
  }
  const suspects = result.deploys.filter((d) => d.suspect).sort((a, b) => a.suspectRank! - b.suspectRank!);
  const top = suspects[0];
  const advice = top
    ? `${suspects.length} deploy(s) landed in the ${formatMinutes(windowMinutes)} before ${incident ? 'the incident started' : 'now'}. Top suspect: ${top.ref} "${top.summary}"${top.author ? ` by ${top.author}` : ''}, ${top.note}. If it matches the symptoms, roll it back now — don't debug in production. A deploy is a lead, not proof: confirm with the error logs.`
    : `No deploys of ${service.name} in the ${formatMinutes(windowMinutes)} before ${incident ? 'the incident started' : 'now'}. Look at dependencies, config and feature-flag changes, traffic, and infrastructure next.`;
  return {
    service: service.name,
    since: since.toISOString(),
    until: until.toISOString(),
    reference: { at: reference.toISOString(), kind: incident ? ('incident_start' as const) : ('now' as const) },
    windowMinutes,
    deploys: result.deploys,
    suspects: suspects.map((d) => d.ref),
    total: result.total,
    truncated: result.truncated,
    sources: result.sources,
    advice,
  };
}
