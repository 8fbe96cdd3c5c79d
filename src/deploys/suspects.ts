import { existsSync } from 'node:fs';
import { CONTROL_ALL } from '../core/control.js';
import { formatMinutes, minutesBetween } from '../core/time.js';
import type { ServiceConfig } from '../config/services.js';
import { readDeployLog } from './deploy-log.js';
import type { GitRunner } from './git.js';

export interface Deploy {
  source: 'git' | 'deploy_log';
  service: string;
  at: string;
  /** Commit sha (git) or version (deploy log). */
  ref: string;
  commit: string | null;
  author: string | null;
  summary: string;
  environment: string | null;
  status: string | null;
  /** Minutes before the reference time (negative: after it). */
  minutesBeforeReference: number;
  suspect: boolean;
  /** 1 = most likely; null when not a suspect. */
  suspectRank: number | null;
  note: string | null;
}

export interface SourceReport {
  kind: 'git' | 'deploy_log';
  path: string;
  ok: boolean;
  error: string | null;
  entries: number;
  skippedLines: number;
  /** The source holds more than was read (the log's oldest lines, or commits past the read limit). */
  truncated: boolean;
}

export interface DeployQuery {
  since: Date;
  until: Date;
  /** Usually the incident start; deploys in the window before it are suspects. */
  reference: Date;
  windowMinutes: number;
  limit: number;
}

const MAX_SUMMARY = 200;

/** Commit messages are untrusted text: strip control characters and bound the length. */
function clean(text: string): string {
  const one = text.replace(CONTROL_ALL, ' ').replace(/\r/g, ' ').trim();
  return one.length > MAX_SUMMARY ? `${one.slice(0, MAX_SUMMARY - 1)}…` : one;
}

/**
 * Reads deploys of one service from its configured git repo and deploy log, merges the two
 * (a logged deploy of a commit replaces the commit), and ranks suspects: deploys that landed
 * inside the window before the reference time, closest first, failed deploys ahead of others.
 */
export async function collectDeploys(
  service: ServiceConfig,
  query: DeployQuery,
  git: GitRunner,
): Promise<{ deploys: Deploy[]; sources: SourceReport[]; truncated: boolean; total: number }> {
  const sources: SourceReport[] = [];
  const raw: Omit<Deploy, 'minutesBeforeReference' | 'suspect' | 'suspectRank' | 'note'>[] = [];

  // The service's own deploy log, then the PagerDuty change events the integrations keep for it
  // (same line format; that file exists only once the integrations have pulled some).
  const logs = [
    ...(service.deployLogPath ? [{ path: service.deployLogPath, optional: false }] : []),
    ...(service.changeEventLogPath ? [{ path: service.changeEventLogPath, optional: true }] : []),
  ];
  for (const log of logs) {
    if (log.optional && !existsSync(log.path)) continue;
    try {
      const { deploys, skipped, truncated } = await readDeployLog(log.path);
      const since = query.since.toISOString();
      const until = query.until.toISOString();
      const mine = deploys.filter(
        (d) => (d.service === null || d.service === service.name) && d.at >= since && d.at <= until,
      );
      for (const d of mine) {
        raw.push({
          source: 'deploy_log',
          service: service.name,
          at: d.at,
          ref: clean(d.version ?? d.commit?.slice(0, 12) ?? `line ${d.line}`),
          commit: d.commit ? clean(d.commit) : null,
          author: d.author ? clean(d.author) : null,
          summary: clean(d.summary),
          environment: d.environment ? clean(d.environment) : null,
          status: d.status ? clean(d.status) : null,
        });
      }
      sources.push({
        kind: 'deploy_log',
        path: log.path,
        ok: true,
        error: null,
        entries: mine.length,
        skippedLines: skipped.length,
        truncated,
      });
    } catch (error) {
      sources.push({
        kind: 'deploy_log',
        path: log.path,
        ok: false,
        error: (error as Error).message,
        entries: 0,
        skippedLines: 0,
        truncated: false,
      });
    }
  }
  if (service.repoPath) {
    const gitLimit = Math.min(500, query.limit * 5);
    try {
      const commits = await git.log({
        repo: service.repoPath,
        since: query.since,
        until: query.until,
        branch: service.branch,
        subdir: service.repo_subdir,
        limit: gitLimit,
      });
      const logged = new Set(raw.map((d) => d.commit).filter((c): c is string => c !== null));
      const fresh = commits.filter((c) => ![...logged].some((l) => c.sha.startsWith(l) || l.startsWith(c.sha)));
      for (const c of fresh) {
        raw.push({
          source: 'git',
          service: service.name,
          at: c.at,
          ref: c.sha.slice(0, 12),
          commit: c.sha,
          author: clean(c.author),
          summary: clean(c.subject),
          environment: null,
          status: null,
        });
      }
      sources.push({
        kind: 'git',
        path: service.repoPath,
        ok: true,
        error: null,
        entries: commits.length,
        skippedLines: 0,
        truncated: commits.length >= gitLimit,
      });
    } catch (error) {
      sources.push({
        kind: 'git',
        path: service.repoPath,
        ok: false,
        error: (error as Error).message,
        entries: 0,
        skippedLines: 0,
        truncated: false,
      });
    }
  }

  const deploys: Deploy[] = raw.map((d) => {
    const before = minutesBetween(d.at, query.reference);
    const suspect = before >= 0 && before <= query.windowMinutes;
    const failed = d.status !== null && /fail|error|rolled.?back|partial/i.test(d.status);
    let note: string | null = null;
    if (suspect)
      note = `landed ${formatMinutes(before)} before the incident started${failed ? `, status ${d.status}` : ''}`;
    else if (before < 0)
      note = `after the incident started (${formatMinutes(-before)} later): not a cause; maybe a mitigation attempt`;
    return { ...d, minutesBeforeReference: Math.round(before * 10) / 10, suspect, suspectRank: null, note };
  });

  const suspects = deploys
    .filter((d) => d.suspect)
    .sort((a, b) => {
      const failed = (d: Deploy): number => (d.status && /fail|error|rolled.?back|partial/i.test(d.status) ? 0 : 1);
      return (
        failed(a) - failed(b) ||
        a.minutesBeforeReference - b.minutesBeforeReference ||
        (a.source === 'deploy_log' ? -1 : 1)
      );
    });
  for (const [i, d] of suspects.entries()) d.suspectRank = i + 1;

  deploys.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  const shown = [...suspects, ...deploys.filter((d) => !d.suspect)]
    .slice(0, query.limit)
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  return {
    deploys: shown,
    sources,
    truncated: deploys.length > shown.length || sources.some((s) => s.truncated),
    total: deploys.length,
  };
}
