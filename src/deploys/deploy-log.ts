import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
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

/** How much of a deploy log is read: its newest 16 MB. */
export const DEPLOY_LOG_MAX_BYTES = 16 * 1024 * 1024;
/** Lines parsed between yields to the event loop, so a large log never stalls other callers. */
const SLICE = 2_000;

export interface DeployLogRead {
  deploys: LoggedDeploy[];
  /** Line numbers (within what was read) that did not parse. */
  skipped: number[];
  /** The file is longer than what was read: its oldest deploys were not seen. */
  truncated: boolean;
}

const cannotRead = (path: string, problem: string): ExternalError =>
  new ExternalError(`cannot read deploy log ${path}: ${problem}`, 'Check deploy_log in services.yaml.');

type Handle = Awaited<ReturnType<typeof open>>;

/**
 * Opens the log without blocking and refuses anything but a regular file: a FIFO would hang the
 * open or the read, a device or a folder is not a log. The stamp names the file's identity and
 * size, so an unchanged log is not read again.
 */
async function openLog(path: string, maxBytes: number): Promise<{ handle: Handle; size: number; stamp: string }> {
  let handle: Handle | undefined;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const stat = await handle.stat();
    if (!stat.isFile())
      throw cannotRead(path, 'not a regular file (a FIFO, device or folder); point deploy_log at a file');
    return { handle, size: stat.size, stamp: `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}:${maxBytes}` };
  } catch (error) {
    await handle?.close();
    throw error instanceof ExternalError ? error : cannotRead(path, (error as Error).message);
  }
}

/** The newest `maxBytes` of the file, from its first whole line. */
async function readTail(handle: Handle, size: number, maxBytes: number): Promise<{ text: string; truncated: boolean }> {
  const truncated = size > maxBytes;
  // One byte more than is kept, to tell whether the kept part starts at a line boundary.
  const start = truncated ? size - maxBytes - 1 : 0;
  const buffer = Buffer.alloc(size - start);
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, start + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  let bytes = buffer.subarray(0, filled);
  if (truncated) {
    const newline = bytes.indexOf(10);
    bytes = bytes.subarray(newline === -1 ? bytes.length : newline + 1);
  }
  return { text: bytes.toString('utf8'), truncated };
}

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

function parseLine(raw: string, line: number): LoggedDeploy | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  const pd = PagerDutyChangeLine.safeParse(value);
  if (pd.success) {
    const d = pd.data.payload.custom_details ?? {};
    return {
      service: str(d['service']) ?? pd.data.payload.source ?? null,
      at: parseIsoTime(pd.data.payload.timestamp)!.toISOString(),
      version: str(d['version']),
      commit: str(d['commit']) ?? str(d['sha']),
      author: str(d['author']) ?? str(d['user']),
      summary: pd.data.payload.summary,
      environment: str(d['environment']),
      status: str(d['status']),
      line,
    };
  }
  const native = NativeLine.safeParse(value);
  const time = native.success ? (native.data.at ?? native.data.timestamp) : undefined;
  if (!native.success || !time) return null;
  const n = native.data;
  return {
    service: n.service ?? null,
    at: parseIsoTime(time)!.toISOString(),
    version: n.version ?? null,
    commit: n.commit ?? null,
    author: n.author ?? null,
    summary: n.description ?? n.summary ?? (n.version ? `deploy ${n.version}` : 'deploy'),
    environment: n.environment ?? null,
    status: n.status ?? null,
    line,
  };
}

async function parse(text: string): Promise<{ deploys: LoggedDeploy[]; skipped: number[] }> {
  const deploys: LoggedDeploy[] = [];
  const skipped: number[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (i > 0 && i % SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
    const raw = lines[i]!;
    if (!raw.trim()) continue;
    const deploy = parseLine(raw, i + 1);
    if (deploy) deploys.push(deploy);
    else skipped.push(i + 1);
  }
  return { deploys, skipped };
}

/** The last parse of each log, while the file is unchanged: concurrent and repeated calls share it. */
const parsed = new Map<string, { stamp: string; result: Promise<DeployLogRead> }>();

/**
 * Parses a JSON-lines deploy log (our own lines or PagerDuty change events), newest
 * `maxBytes` only, with `truncated` saying when older lines were left unread. Lines that do not
 * parse are counted, not fatal. The parse is cached per file until the file changes, and yields
 * to the event loop as it goes.
 */
export async function readDeployLog(path: string, maxBytes = DEPLOY_LOG_MAX_BYTES): Promise<DeployLogRead> {
  const { handle, size, stamp } = await openLog(path, maxBytes);
  const cached = parsed.get(path);
  if (cached?.stamp === stamp) {
    await handle.close();
    return cached.result;
  }
  const result = readTail(handle, size, maxBytes)
    .catch((error: Error) => Promise.reject(cannotRead(path, error.message)))
    .finally(() => handle.close())
    .then(async (tail) => ({ ...(await parse(tail.text)), truncated: tail.truncated }));
  parsed.set(path, { stamp, result });
  result.catch(() => parsed.delete(path));
  return result;
}
