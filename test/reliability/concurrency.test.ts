import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { CLI, runCli } from '../support/cli.js';
import { recordFigures, soak } from '../support/figures.js';

/**
 * Concurrency: two real `incident-commander mcp` stdio servers and a chat (`ask --offline` turns,
 * one after another) share one state.db and write to the same incident at the same time. Then:
 * nothing lost, nothing duplicated, the timeline in a consistent order, both servers reading the
 * same final state, the file intact.
 *
 * The order the store promises (src/store/types.ts): `seq` is store-wide insertion order, taken in
 * the write transaction; `recordedAt` is read under the same write lock, so it never goes backwards
 * in seq order, across processes; `at` is the caller's event time (taken before the write, and
 * backdatable), so it is not monotonic in seq — the timeline is returned ordered by (at, seq).
 */

/** Each server writes at least this many events; both keep writing until the chat turns are done. */
const MIN_WRITES_PER_SERVER = Math.round(100 * soak());
/** A bound on the same, so a slow chat cannot make the timeline grow without end. */
const MAX_WRITES_PER_SERVER = 40 * MIN_WRITES_PER_SERVER;
/** Sequential callers per server (requests in flight at once on each connection). */
const LANES = 4;
const ASK_TURNS = Math.round(3 * soak());

type CallResult = {
  isError?: boolean;
  content: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
};
interface AskJson {
  toolCalls: { name: string; input: Record<string, unknown>; output: unknown; isError: boolean }[];
  stopReason: string;
  fellBack: boolean;
}
interface Written {
  text: string;
  seq: number;
  at: string;
}

let home: string;
let serverEnv: Record<string, string>;
let cliEnv: NodeJS.ProcessEnv;
const servers: { name: string; client: Client; transport: StdioClientTransport }[] = [];

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'ic-concurrency-'));
  serverEnv = {
    PATH: process.env['PATH'] ?? '',
    HOME: home,
    INCIDENT_COMMANDER_HOME: home,
    INCIDENT_COMMANDER_LOG_LEVEL: 'warn',
  };
  cliEnv = {
    ...serverEnv,
    INCIDENT_COMMANDER_DB: '',
    INCIDENT_COMMANDER_SOUL: '',
    INCIDENT_COMMANDER_SERVICES: '',
    INCIDENT_COMMANDER_ROSTER: '',
    INCIDENT_COMMANDER_SEVERITY: '',
  };
  for (const name of ['A', 'B']) {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI, 'mcp'],
      env: serverEnv,
      stderr: 'pipe',
    });
    const client = new Client({ name: `concurrency-${name}`, version: '1.0.0' });
    servers.push({ name, client, transport });
  }
  await Promise.all(servers.map(({ client, transport }) => client.connect(transport)));
});

afterAll(async () => {
  await Promise.all(servers.map(({ client }) => client.close().catch(() => undefined)));
  for (const { transport } of servers) {
    const pid = transport.pid;
    if (pid !== null) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  rmSync(home, { recursive: true, force: true });
});

async function ok(client: Client, name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const r = (await client.callTool({ name, arguments: args })) as CallResult;
  if (r.isError) throw new Error(`${name} failed: ${r.content[0]?.text}`);
  return r.structuredContent!;
}

describe('concurrency (two MCP stdio servers and a chat on one state.db)', () => {
  it('loses and duplicates nothing and keeps one consistent timeline', { timeout: 60_000 * soak() }, async () => {
    const [a, b] = servers as [(typeof servers)[number], (typeof servers)[number]];
    const opened = await ok(a.client, 'open_incident', {
      title: 'Checkout failing',
      description: "customers can't check out",
    });
    expect((opened['incident'] as { id: string }).id).toBe('INC-1');

    const started = Date.now();
    let chatDone = false;
    const counts = new Map<string, number>([
      ['A', 0],
      ['B', 0],
    ]);
    /** One sequential caller: each call is sent after the previous one returned. */
    const lane = async (server: (typeof servers)[number], n: number): Promise<Written[]> => {
      const written: Written[] = [];
      for (let k = 0; ; k++) {
        const count = counts.get(server.name)!;
        if (count >= MAX_WRITES_PER_SERVER || (chatDone && count >= MIN_WRITES_PER_SERVER)) break;
        counts.set(server.name, count + 1);
        const text = `server ${server.name} lane ${n} write ${k}`;
        const out = await ok(server.client, 'log_event', { incidentId: 'INC-1', text, kind: 'observation' });
        const event = out['event'] as { seq: number; at: string; text: string };
        expect(event.text).toBe(text);
        written.push({ text, seq: event.seq, at: event.at });
      }
      return written;
    };
    /** Polls the whole incident (newest 500 events) while the others write: every read must succeed. */
    const polls: { server: string; total: number; seqs: number[] }[] = [];
    const poller = async (server: (typeof servers)[number]): Promise<void> => {
      while (!chatDone || counts.get(server.name)! < MIN_WRITES_PER_SERVER) {
        const state = await ok(server.client, 'get_incident', { incidentId: 'INC-1', timelineLimit: 500 });
        polls.push({
          server: server.name,
          total: state['timelineTotal'] as number,
          seqs: (state['timeline'] as { seq: number }[]).map((e) => e.seq),
        });
      }
    };
    const chat = async (): Promise<Written[]> => {
      const written: Written[] = [];
      try {
        for (let t = 0; t < ASK_TURNS; t++) {
          const text = `We noticed replica ${t} of the orders database restarted (chat turn ${t})`;
          const run = await runCli(['ask', '--offline', '--json', '--incident', 'INC-1', text], {
            env: cliEnv,
            timeoutMs: 30_000,
          });
          expect(run.code, run.stderr).toBe(0);
          const out = JSON.parse(run.stdout) as AskJson;
          expect(
            out.toolCalls.filter((c) => c.isError),
            'tool calls that failed in the chat turn',
          ).toEqual([]);
          const logged = out.toolCalls.find((c) => c.name === 'log_event');
          expect(logged?.input['text'], 'the chat turn logs the message').toBe(text);
          const event = (logged!.output as { event: { seq: number; at: string } }).event;
          written.push({ text, seq: event.seq, at: event.at });
        }
      } finally {
        chatDone = true;
      }
      return written;
    };

    const [results] = await Promise.all([
      Promise.all([chat(), ...[a, b].flatMap((server) => Array.from({ length: LANES }, (_, n) => lane(server, n)))]),
      Promise.all([poller(a), poller(b)]),
    ]);
    const durationMs = Date.now() - started;
    const [chatWrites, ...lanes] = results as [Written[], ...Written[][]];
    const all = results.flat();
    expect(counts.get('A')).toBeGreaterThanOrEqual(MIN_WRITES_PER_SERVER);
    expect(counts.get('B')).toBeGreaterThanOrEqual(MIN_WRITES_PER_SERVER);
    expect(chatWrites).toHaveLength(ASK_TURNS);

    // What is stored, read through a fourth connection to the same file.
    const store = new SqliteStore(join(home, 'state.db'));
    try {
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(store.db.pragma('foreign_key_check')).toEqual([]);
      const rows = store.db
        .prepare("SELECT seq, at, recorded_at, text FROM timeline WHERE incident_id = 'INC-1' ORDER BY seq")
        .raw(true)
        .all() as [number, string, string, string][];

      // Every write exactly once, stored as acknowledged (same seq, same time).
      const byText = new Map<string, [number, string, string, string][]>();
      for (const row of rows) byText.set(row[3], [...(byText.get(row[3]) ?? []), row]);
      const lost = all.filter((w) => !byText.has(w.text)).map((w) => w.text);
      const duplicated = all.filter((w) => (byText.get(w.text)?.length ?? 0) > 1).map((w) => w.text);
      expect(lost).toEqual([]);
      expect(duplicated).toEqual([]);
      expect(
        all.filter((w) => {
          const [seq, at] = byText.get(w.text)![0]!;
          return seq !== w.seq || at !== w.at;
        }),
      ).toEqual([]);
      // Nothing stored that nobody wrote (every server/chat marker text was acknowledged).
      const acked = new Set(all.map((w) => w.text));
      expect(
        rows.filter(
          ([, , , text]) => /^server [AB] lane \d+ write \d+$|\(chat turn \d+\)$/.test(text) && !acked.has(text),
        ),
      ).toEqual([]);

      // Order: seq unique and increasing; a caller's later write gets a later seq; recordedAt never
      // goes backwards in seq order; the timeline as returned is sorted by (at, seq).
      expect(rows.findIndex(([seq], k) => k > 0 && seq <= rows[k - 1]![0])).toBe(-1);
      for (const written of [chatWrites, ...lanes]) {
        expect(written.findIndex((w, k) => k > 0 && (w.seq <= written[k - 1]!.seq || w.at < written[k - 1]!.at))).toBe(
          -1,
        );
      }
      expect(rows.findIndex(([, , recordedAt], k) => k > 0 && recordedAt < rows[k - 1]![2])).toBe(-1);
      const timeline = await store.listTimeline('INC-1');
      const byTimeThenSeq = [...rows]
        .sort(([xs, xa], [ys, ya]) => (xa < ya ? -1 : xa > ya ? 1 : xs - ys))
        .map(([seq]) => seq);
      expect(timeline.map((e) => e.seq)).toEqual(byTimeThenSeq);

      // Each read taken during the writes was one consistent snapshot. Writes commit one at a time
      // and take their seq inside the transaction, so a snapshot holds exactly the events with
      // seq <= its count (only this incident exists, numbered from 1), and get_incident returned
      // the newest 500 of those; each server's counts never went backwards.
      expect(rows.every(([seq], k) => seq === k + 1)).toBe(true);
      const torn = polls.filter((p) => {
        const visible = byTimeThenSeq.filter((seq) => seq <= p.total);
        const newest = visible.slice(-500);
        return p.seqs.length !== newest.length || p.seqs.some((seq, k) => seq !== newest[k]);
      });
      expect(torn.slice(0, 3), `${torn.length} of ${polls.length} reads were not one snapshot`).toEqual([]);
      for (const name of ['A', 'B']) {
        const totals = polls.filter((p) => p.server === name).map((p) => p.total);
        expect(
          totals.findIndex((t, k) => k > 0 && t < totals[k - 1]!),
          `server ${name} read an older state after a newer one`,
        ).toBe(-1);
      }

      // Both servers and the file agree on the final state.
      const incident = (await store.getIncident('INC-1'))!;
      expect(await store.countTimeline('INC-1')).toBe(rows.length);
      // Every write raised the version once: at least one per event written here, plus open_incident.
      expect(incident.version).toBeGreaterThanOrEqual(all.length + 1);
      for (const server of [a, b]) {
        const state = await ok(server.client, 'get_incident', { incidentId: 'INC-1', timelineLimit: 5 });
        expect((state['incident'] as { version: number }).version, `server ${server.name} version`).toBe(
          incident.version,
        );
        expect(state['timelineTotal'], `server ${server.name} timeline count`).toBe(rows.length);
        expect(
          (state['timeline'] as { seq: number }[]).map((e) => e.seq),
          `server ${server.name} newest events`,
        ).toEqual(timeline.slice(-5).map((e) => e.seq));
      }

      recordFigures('concurrency', {
        processes: 3,
        writes: all.length,
        serverWrites: { A: counts.get('A'), B: counts.get('B') },
        chatTurns: ASK_TURNS,
        lanesPerServer: LANES,
        snapshotReads: polls.length,
        lost: lost.length,
        duplicated: duplicated.length,
        timelineEvents: rows.length,
        finalVersion: incident.version,
        durationMs,
      });
    } finally {
      await store.close();
    }
  });

  it('creates each action item once when both servers are asked for it at the same moment', async () => {
    const [a, b] = servers as [(typeof servers)[number], (typeof servers)[number]];
    const titles = Array.from({ length: 20 * soak() }, (_, i) => `Alert on checkout error rate, variant ${i}`);
    const results = await Promise.all(
      titles.flatMap((title) =>
        [a, b].map((server) =>
          ok(server.client, 'create_action_item', {
            incidentId: 'INC-1',
            title,
            owner: 'Priya',
            due: '14d',
            kind: 'detect',
          }),
        ),
      ),
    );
    const created = results.filter((r) => r['created'] === true).map((r) => (r['item'] as { title: string }).title);
    expect(created.sort()).toEqual([...titles].sort());
    const store = new SqliteStore(join(home, 'state.db'));
    try {
      const items = await store.listActionItems({ incidentId: 'INC-1' });
      expect(items.filter((i) => titles.includes(i.title))).toHaveLength(titles.length);
    } finally {
      await store.close();
    }
  });
});
