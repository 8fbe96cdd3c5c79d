import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { z } from 'zod';
import { ExternalError } from '../core/errors.js';
import { parseIsoTime } from '../core/time.js';

/** One deploy as written by a pipeline: our own JSON lines, or a PagerDuty Events v2 change event. */
export interface LoggedDeploy {
  service: string | null;
  at: string;
  version: string | null;
  commit: string | null;
  author: string | null;
  summary: string;
  environment: string | null;
  status: string | null;
  line: number;
}

const IsoString = z.string().refine((s) => parseIsoTime(s) !== null, 'must be an ISO 8601 time');

const NativeLine = z.object({
  service: z.string().optional(),
  at: IsoString.optional(),
  timestamp: IsoString.optional(),
  version: z.string().optional(),
  commit: z.string().optional(),
  author: z.string().optional(),
  description: z.string().optional(),
  summary: z.string().optional(),
  environment: z.string().optional(),
  status: z.string().optional(),
});

const PagerDutyChangeLine = z.object({
  payload: z.object({
    summary: z.string(),
    timestamp: IsoString,
    source: z.string().optional(),
    custom_details: z.record(z.string(), z.unknown()).optional(),
  }),
});

const MAX_BYTES = 16 * 1024 * 1024;

function readTail(path: string): string {
  let fd: number | undefined;
  try {
    const size = statSync(path).size;
    fd = openSync(path, 'r');
    const length = Math.min(size, MAX_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const text = buffer.toString('utf8');
    return size > MAX_BYTES ? text.slice(text.indexOf('\n') + 1) : text;
  } catch (error) {
    throw new ExternalError(
      `cannot read deploy log ${path}: ${(error as Error).message}`,
      'Check deploy_log in services.yaml.',
    );
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/** Parses a JSON-lines deploy log (the last 16 MB). Lines that do not parse are counted, not fatal. */
export function readDeployLog(path: string): { deploys: LoggedDeploy[]; skipped: number[] } {
  const deploys: LoggedDeploy[] = [];
  const skipped: number[] = [];
  readTail(path)
    .split('\n')
    .forEach((raw, index) => {
      const line = index + 1;
      if (!raw.trim()) return;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        skipped.push(line);
        return;
      }
      const pd = PagerDutyChangeLine.safeParse(value);
      if (pd.success) {
        const d = pd.data.payload.custom_details ?? {};
        deploys.push({
          service: str(d['service']) ?? pd.data.payload.source ?? null,
          at: parseIsoTime(pd.data.payload.timestamp)!.toISOString(),
          version: str(d['version']),
          commit: str(d['commit']) ?? str(d['sha']),
          author: str(d['author']) ?? str(d['user']),
          summary: pd.data.payload.summary,
          environment: str(d['environment']),
          status: str(d['status']),
          line,
        });
        return;
      }
      const native = NativeLine.safeParse(value);
      const time = native.success ? (native.data.at ?? native.data.timestamp) : undefined;
      if (!native.success || !time) {
        skipped.push(line);
        return;
      }
      const n = native.data;
      deploys.push({
        service: n.service ?? null,
        at: parseIsoTime(time)!.toISOString(),
        version: n.version ?? null,
        commit: n.commit ?? null,
        author: n.author ?? null,
        summary: n.description ?? n.summary ?? (n.version ? `deploy ${n.version}` : 'deploy'),
        environment: n.environment ?? null,
        status: n.status ?? null,
        line,
      });
    });
  return { deploys, skipped };
}
