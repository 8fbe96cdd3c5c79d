import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readDeployLog } from './deploy-log.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ic-deploylog-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const line = (i: number): string =>
  JSON.stringify({
    service: 'checkout',
    at: new Date(Date.UTC(2026, 10, 26, 0, 0, i)).toISOString(),
    version: `v${i}`,
  });

describe('readDeployLog', () => {
  it('reads the newest part of a long log from a whole line, and says it was truncated', async () => {
    const path = join(dir, 'deploys.jsonl');
    writeFileSync(path, `${Array.from({ length: 100 }, (_, i) => line(i)).join('\n')}\n`);
    const whole = await readDeployLog(path);
    expect(whole).toMatchObject({ truncated: false, skipped: [] });
    expect(whole.deploys).toHaveLength(100);

    const part = await readDeployLog(path, 1000);
    expect(part.truncated).toBe(true);
    // The line cut in half at the start is dropped, not counted as unparseable.
    expect(part.skipped).toEqual([]);
    expect(part.deploys.at(-1)?.version).toBe('v99');
    expect(part.deploys.length).toBeGreaterThan(5);
    expect(part.deploys.length).toBeLessThan(100);
  });

  it('parses a log once while it is unchanged, and again after it changes', async () => {
    const path = join(dir, 'deploys.jsonl');
    writeFileSync(path, `${line(1)}\n`);
    const [a, b] = await Promise.all([readDeployLog(path), readDeployLog(path)]);
    expect(a.deploys).toBe(b.deploys);
    expect((await readDeployLog(path)).deploys).toBe(a.deploys);
    appendFileSync(path, `${line(2)}\n`);
    const after = await readDeployLog(path);
    expect(after.deploys.map((d) => d.version)).toEqual(['v1', 'v2']);
  });

  it('yields to the event loop while it parses a large log', async () => {
    const path = join(dir, 'deploys.jsonl');
    writeFileSync(path, Array.from({ length: 20_000 }, (_, i) => line(i)).join('\n'));
    let ticks = 0;
    let reading = true;
    const tick = (): void => {
      ticks++;
      if (reading) setImmediate(tick);
    };
    setImmediate(tick);
    const read = await readDeployLog(path);
    reading = false;
    expect(read.deploys).toHaveLength(20_000);
    expect(ticks).toBeGreaterThan(5);
  });

  it('refuses a folder with an error that names the path', async () => {
    await expect(readDeployLog(dir)).rejects.toThrow(`cannot read deploy log ${dir}: not a regular file`);
  });
});
