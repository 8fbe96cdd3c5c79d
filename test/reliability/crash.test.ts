import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/config/package-root.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { recordFigures, soak } from '../support/figures.js';
import { createHarness } from '../support/harness.js';

/**
 * Crash safety: a writer process (test/fixtures/writer.mjs, over the built SqliteStore) is killed
 * with SIGKILL at random moments, many times, on the same database file. After every kill the store
 * is reopened and checked: the file is intact, every write acknowledged before the kill is there
 * exactly once, sequence numbers and ids have no gaps or duplicates, the counters kept on the
 * incident agree with the rows, and the next writer carries on writing to the same file.
 *
 * What a kill can and cannot lose: a write is acknowledged only after its transaction committed, so
 * at most one write per run (committed, killed before its ack line) may be stored without an ack.
 * SIGKILL ends the process, not the machine: committed WAL frames sit in the OS page cache, so
 * synchronous=NORMAL loses nothing here (a power cut is another matter, not tested).
 */

const WRITER = join(packageRoot(), 'test', 'fixtures', 'writer.mjs');
const KILLS = Math.round(25 * soak());
/** Writers loading in the background while the current one runs: start-up, not writing, is the slow part. */
const PIPELINE = 2;
const FINAL_WRITES = 40;
const SEED = Number(process.env['IC_SEED'] ?? Date.now() % 2 ** 31);

/** mulberry32: a seeded PRNG, so a failing schedule can be replayed with IC_SEED. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

type Ack =
  | { i: number; op: 'event'; text: string; seq: number }
  | { i: number; op: 'item'; title: string; id: string; seq: number };

const live = new Set<ChildProcessWithoutNullStreams>();

/** One writer process: its stdout parsed line by line, its exit awaited. */
class Writer {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: Record<string, unknown>[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private partial = '';
  private waiters: { cond: () => boolean; resolve: () => void }[] = [];

  constructor(
    db: string,
    readonly run: number,
    limit = 0,
    checkpoint = '',
  ) {
    this.child = spawn(process.execPath, [WRITER, db, String(run), String(limit), checkpoint], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    live.add(this.child);
    this.child.stdout.on('data', (d: Buffer) => {
      const text = this.partial + d.toString();
      const parts = text.split('\n');
      this.partial = parts.pop()!;
      for (const p of parts) {
        this.lines.push(JSON.parse(p) as Record<string, unknown>);
        this.waiters = this.waiters.filter((w) => {
          if (!w.cond()) return true;
          w.resolve();
          return false;
        });
      }
    });
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.child.stdin.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      this.child.once('close', (code, signal) => {
        live.delete(this.child);
        resolve({ code, signal });
      });
    });
  }

  /** Resolves once `cond` holds (checked now and after every stdout line). */
  waitFor(cond: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`writer r${this.run}: no ${what} within ${timeoutMs} ms\n${this.stderr}`)),
        timeoutMs,
      );
      this.waiters.push({
        cond,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
      void this.exited.then(({ code, signal }) =>
        reject(new Error(`writer r${this.run} exited (${code ?? signal}) before ${what}\n${this.stderr}`)),
      );
    });
  }

  has(key: string): boolean {
    return this.lines.some((l) => l[key] === true);
  }

  ackCount(): number {
    return this.lines.filter((l) => 'op' in l).length;
  }

  go(): void {
    this.child.stdin.write('go\n');
  }

  kill(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.child.kill('SIGKILL');
    return this.exited;
  }

  acks(): Ack[] {
    const error = this.lines.find((l) => 'error' in l);
    if (error) throw new Error(`writer r${this.run} failed a write: ${String(error['error'])}`);
    return this.lines.filter((l) => 'op' in l) as Ack[];
  }
}

let dir: string;
let db: string;
/** The incident's version after setup: each writer write is one transaction and raises it by exactly 1. */
let baseVersion: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ic-crash-'));
  db = join(dir, 'state.db');
  const h = createHarness({ dbPath: db, start: new Date().toISOString() });
  await h.ok('open_incident', { title: 'Crash drill', description: 'writers killed at random moments' });
  baseVersion = (await h.store.incidentVersion('INC-1'))!;
  await h.close();
});

afterAll(() => {
  for (const child of live) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** What each run acknowledged, and (once checked) how many writes of it are stored. */
const ackedByRun = new Map<number, Ack[]>();
const storedByRun = new Map<number, number>();

/** Every check that must hold after a kill. Returns the number of acked writes missing (asserted to be 0 first). */
function check(store: SqliteStore, context: string): number {
  const { db: sql } = store;
  expect(sql.pragma('integrity_check', { simple: true }), context).toBe('ok');
  expect(sql.pragma('foreign_key_check'), context).toEqual([]);

  const events = sql
    .prepare('SELECT seq, incident_id, kind, text, data FROM timeline ORDER BY seq')
    .raw(true)
    .all() as [number, string, string, string, string | null][];
  const items = sql.prepare('SELECT number, id, title FROM action_items ORDER BY number').raw(true).all() as [
    number,
    string,
    string,
  ][];
  // AUTOINCREMENT counters are written in the same transaction as the rows: no gaps, no reuse.
  expect(
    events.findIndex(([seq], k) => seq !== k + 1),
    `${context}: first timeline row whose seq is off`,
  ).toBe(-1);
  expect(
    items.findIndex(([number, id], k) => number !== k + 1 || id !== `AI-${number}`),
    `${context}: first action item whose number or id is off`,
  ).toBe(-1);
  const sequences = Object.fromEntries(
    sql.prepare('SELECT name, seq FROM sqlite_sequence').raw(true).all() as [string, number][],
  );
  expect(sequences['timeline'] ?? 0, context).toBe(events.length);
  expect(sequences['action_items'] ?? 0, context).toBe(items.length);

  // Stored writer writes, by run and index; each exactly once.
  const stored = new Map<string, { seq: number; id?: string }>();
  const twice: string[] = [];
  const put = (key: string, value: { seq: number; id?: string }): void => {
    if (stored.has(key)) twice.push(key);
    stored.set(key, value);
  };
  const itemEvents = new Map<string, number[]>();
  expect(
    events.filter(([, incidentId]) => incidentId !== 'INC-1'),
    `${context}: events on another incident`,
  ).toEqual([]);
  for (const [seq, , kind, text, data] of events) {
    const note = /^crash r(\d+) #(\d+)$/.exec(text);
    if (note) put(`${note[1]}:${note[2]}`, { seq });
    if (kind === 'action_item') {
      const id = String((JSON.parse(data!) as { actionItemId: string }).actionItemId);
      itemEvents.set(id, [...(itemEvents.get(id) ?? []), seq]);
    }
  }
  const bad: string[] = [];
  for (const [, id, title] of items) {
    const m = /^Crash check r(\d+) #(\d+)$/.exec(title);
    // An item and its timeline event are one transaction: both or neither.
    const seqs = itemEvents.get(id) ?? [];
    if (!m || seqs.length !== 1) bad.push(`${id} "${title}" with ${seqs.length} timeline events`);
    else put(`${m[1]}:${m[2]}`, { seq: seqs[0]!, id });
  }
  const itemIds = new Set(items.map(([, id]) => id));
  bad.push(
    ...[...itemEvents.keys()].filter((id) => !itemIds.has(id)).map((id) => `action_item event for missing ${id}`),
  );
  expect(bad, `${context}: action items out of step with their events`).toEqual([]);
  expect(twice, `${context}: writes stored twice`).toEqual([]);

  // Every acked write is stored once, as acked; per run, what is stored is a prefix of the run's
  // writes and at most one longer than what was acked (the write in flight when the kill landed).
  const lost: string[] = [];
  const runs = new Map<number, number[]>();
  for (const key of stored.keys()) {
    const [run, i] = key.split(':').map(Number) as [number, number];
    runs.set(run, [...(runs.get(run) ?? []), i]);
  }
  for (const [run, acks] of ackedByRun) {
    for (const ack of acks) {
      const row = stored.get(`${run}:${ack.i}`);
      if (!row) lost.push(`r${run} #${ack.i}`);
      else if (row.seq !== ack.seq || row.id !== (ack.op === 'item' ? ack.id : undefined)) {
        expect(row, `${context}: r${run} #${ack.i} stored differently from its ack`).toEqual(
          ack.op === 'item' ? { seq: ack.seq, id: ack.id } : { seq: ack.seq },
        );
      }
    }
  }
  expect(lost, `${context}: acknowledged writes missing`).toEqual([]);
  for (const [run, acks] of ackedByRun) {
    const indices = (runs.get(run) ?? []).sort((a, b) => a - b);
    expect(indices, `${context}: r${run} stored writes are not a prefix`).toEqual(indices.map((_, k) => k));
    expect(
      indices.length - acks.length,
      `${context}: r${run} stored ${indices.length}, acked ${acks.length}`,
    ).toBeGreaterThanOrEqual(0);
    expect(
      indices.length - acks.length,
      `${context}: r${run} stored ${indices.length}, acked ${acks.length}`,
    ).toBeLessThanOrEqual(1);
    // Once checked, a run's stored writes never change.
    const before = storedByRun.get(run);
    if (before !== undefined) expect(indices.length, `${context}: r${run} changed after its check`).toBe(before);
    storedByRun.set(run, indices.length);
  }
  expect(
    [...runs.keys()].every((run) => ackedByRun.has(run)),
    `${context}: writes from a run that never started`,
  ).toBe(true);

  // The counters kept on the incident moved in the same transactions as the rows.
  const [timelineCount, version] = sql
    .prepare("SELECT timeline_count, version FROM incidents WHERE id = 'INC-1'")
    .raw(true)
    .get() as [number, number];
  expect(timelineCount, context).toBe(events.length);
  expect(version, context).toBe(baseVersion + stored.size);
  return lost.length;
}

describe('crash safety (SIGKILL a real writer process, many times)', () => {
  it(`keeps every acknowledged write through ${KILLS} kills at random moments`, {
    timeout: 60_000 * soak(),
  }, async () => {
    const rng = prng(SEED);
    const context = (run: number): string => `seed ${SEED} (replay with IC_SEED=${SEED}), after kill ${run + 1}`;
    const started = Date.now();
    const spawnWriter = (run: number): Writer => new Writer(db, run, 0, run % 2 === 1 ? '20' : '');
    const queue = Array.from({ length: Math.min(PIPELINE, KILLS) }, (_, run) => spawnWriter(run));
    let held: SqliteStore | undefined;
    let lost = 0;
    let duringOpen = 0;
    try {
      for (let run = 0; run < KILLS; run++) {
        const writer = queue.shift()!;
        if (run + PIPELINE < KILLS) queue.push(spawnWriter(run + PIPELINE));
        await writer.waitFor(() => writer.has('loaded'), 'loaded');
        writer.go();
        if (rng() < 0.15) {
          // Kill while the store is opening (recovering the last crash's WAL) or on its first writes.
          duringOpen++;
          await sleep(rng() * 6);
        } else {
          // Kill amid the writes: after a random number of acks, then a random sub-millisecond to
          // few-millisecond delay, so the signal lands anywhere in a transaction or between two.
          const after = Math.floor(rng() * 25);
          await writer.waitFor(() => writer.ackCount() >= after, `${after} acks`);
          const jitter = rng();
          if (jitter < 0.5) await new Promise<void>((r) => setImmediate(r));
          else await sleep(jitter * 4);
        }
        const exit = await writer.kill();
        expect(exit.signal, `${context(run)}: the writer ended on its own (${exit.code}): ${writer.stderr}`).toBe(
          'SIGKILL',
        );
        ackedByRun.set(run, writer.acks());

        const verifier = new SqliteStore(db);
        lost += check(verifier, context(run));
        // Sometimes a reader stays open while the next writer runs and is killed (a live MCP server
        // next to a chat that crashes); otherwise the file is closed and the next open recovers it.
        await held?.close();
        held = undefined;
        if (rng() < 1 / 3) held = verifier;
        else await verifier.close();
      }
      await held?.close();
      held = undefined;

      // After all that, a writer still opens the file and completes its writes.
      const final = new Writer(db, KILLS, FINAL_WRITES);
      await final.waitFor(() => final.has('loaded'), 'loaded');
      final.go();
      expect((await final.exited).code, final.stderr).toBe(0);
      ackedByRun.set(KILLS, final.acks());
      expect(ackedByRun.get(KILLS)).toHaveLength(FINAL_WRITES);
      const verifier = new SqliteStore(db);
      lost += check(verifier, `seed ${SEED}, after the final clean run`);
      await verifier.close();
    } finally {
      await held?.close();
      for (const w of queue) w.child.kill('SIGKILL');
    }

    const ackedWrites = [...ackedByRun.values()].reduce((n, acks) => n + acks.length, 0);
    const stored = [...storedByRun.values()].reduce((n, c) => n + c, 0);
    expect(lost).toBe(0);
    recordFigures('crash', {
      kills: KILLS,
      killsDuringOpen: duringOpen,
      ackedWrites,
      storedWrites: stored,
      committedUnacked: stored - ackedWrites,
      lostWrites: lost,
      durationMs: Date.now() - started,
      seed: SEED,
    });
  });
});
