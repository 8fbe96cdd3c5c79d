import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { packageRoot } from '../src/config/package-root.js';
import { connectHttp, connectStdio, rssMiB, type Connected, type ServerUnderTest } from './processes.js';
import { median, ms, ratio, summarize, table, type Summary } from './stats.js';

export interface McpBenchOptions {
  calls: number;
  concurrency: number;
  coldRuns: number;
  /** Rounds per latency row; ours and the reference alternate each round, samples are pooled. */
  rounds: number;
}

interface Workload {
  label: string;
  setup(client: Client): Promise<void>;
  /** One request; throws if the server answered with an error. */
  call(client: Client, i: number): Promise<void>;
}

type Kind = 'floor' | 'read' | 'write';

/** A tools/call that must succeed. */
function toolCall(
  label: string,
  args: (i: number) => { name: string; arguments: Record<string, unknown> },
): Workload['call'] {
  return async (client, i) => {
    const result = (await client.callTool(args(i))) as { isError?: boolean; content: { text?: string }[] };
    if (result.isError) throw new Error(`${label} failed: ${result.content[0]?.text}`);
  };
}

/** `ping` costs the same protocol path (read, parse, dispatch, serialize, write) with no tool behind it. */
const ping: Workload = {
  label: 'ping',
  setup: async () => undefined,
  call: async (client) => void (await client.ping()),
};

interface Side {
  server: ServerUnderTest;
  floor: Workload;
  read: Workload;
  write: Workload;
  starts: number[];
  samples: Record<string, number[]>;
  connection?: Connected;
  rssRestMiB?: number;
  rssLoadedMiB?: number;
}

async function timeCalls(
  client: Client,
  workload: Workload,
  calls: number,
  concurrency: number,
  into: number[],
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < calls) {
      const i = next++;
      const t0 = performance.now();
      await workload.call(client, i);
      into.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

function servers(home: string): { ours: ServerUnderTest; reference: ServerUnderTest } {
  const node = process.execPath;
  const cli = join(packageRoot(), 'dist', 'bin', 'incident-commander.js');
  const require = createRequire(import.meta.url);
  const everything = join(
    dirname(require.resolve('@modelcontextprotocol/server-everything/package.json')),
    'dist',
    'index.js',
  );
  const baseEnv = { PATH: process.env['PATH'] ?? '', HOME: home };
  const oursEnv = { ...baseEnv, INCIDENT_COMMANDER_HOME: home, INCIDENT_COMMANDER_LOG_LEVEL: 'warn' };
  return {
    ours: {
      name: 'incident-commander',
      stdio: { command: node, args: [cli, 'mcp'], env: oursEnv },
      http: (port) => ({
        command: node,
        args: [cli, 'mcp', '--http', '--port', String(port)],
        env: oursEnv,
        url: `http://127.0.0.1:${port}/mcp`,
      }),
    },
    reference: {
      name: 'server-everything',
      stdio: { command: node, args: [everything, 'stdio'], env: baseEnv },
      http: (port) => ({
        command: node,
        args: [everything, 'streamableHttp'],
        env: { ...baseEnv, PORT: String(port) },
        url: `http://127.0.0.1:${port}/mcp`,
      }),
    },
  };
}

const ROW_LABEL: Record<Kind, string> = {
  floor: '`ping` on both (protocol floor)',
  read: 'get_incident (read)',
  write: 'log_event (write)',
};

const echo: Workload = {
  label: 'echo',
  setup: async () => undefined,
  call: toolCall('echo', () => ({ name: 'echo', arguments: { message: 'status?' } })),
};

function oursWorkloads(): { read: Workload; write: Workload } {
  let incidentId = 'INC-1';
  return {
    read: {
      label: 'get_incident',
      async setup(client) {
        const r = (await client.callTool({
          name: 'open_incident',
          arguments: { title: 'Bench incident', description: 'checkout slow for some customers' },
        })) as { structuredContent?: { incident: { id: string } } };
        incidentId = r.structuredContent!.incident.id;
      },
      call: toolCall('get_incident', () => ({ name: 'get_incident', arguments: { incidentId } })),
    },
    write: {
      label: 'log_event',
      setup: async () => undefined,
      call: toolCall('log_event', (i) => ({
        name: 'log_event',
        arguments: { incidentId, kind: 'observation', text: `p99 latency sample ${i}` },
      })),
    },
  };
}

/**
 * Cold start, tools/call latency and memory over stdio and HTTP, ours against server-everything
 * through the same client harness in the same run. The two alternate at every step so that
 * drift in machine load hits both alike.
 */
export async function benchMcp(options: McpBenchOptions): Promise<{ markdown: string; data: Record<string, unknown> }> {
  const data: Record<string, unknown> = {};
  const coldRows: string[][] = [];
  const latencyRows: string[][] = [];
  for (const transport of ['stdio', 'http'] as const) {
    const home = mkdtempSync(join(tmpdir(), 'ic-bench-'));
    const { ours, reference } = servers(home);
    const sides: [Side, Side] = [
      { server: reference, floor: ping, read: echo, write: echo, starts: [], samples: {} },
      { server: ours, floor: ping, ...oursWorkloads(), starts: [], samples: {} },
    ];
    const connect = (s: ServerUnderTest): Promise<Connected> =>
      transport === 'stdio' ? connectStdio(s) : connectHttp(s);
    try {
      process.stderr.write(`bench mcp ${transport}: cold starts…\n`);
      for (let i = 0; i < options.coldRuns; i++) {
        for (const side of sides) {
          const c = await connect(side.server);
          side.starts.push(c.startMs);
          await c.close();
        }
      }
      for (const side of sides) {
        side.connection = await connect(side.server);
        await new Promise((r) => setTimeout(r, 500));
        side.rssRestMiB = rssMiB(side.connection.pid);
      }
      for (const kind of ['floor', 'read', 'write'] as const satisfies readonly Kind[]) {
        for (const side of sides) {
          await side[kind].setup(side.connection!.client);
          await timeCalls(side.connection!.client, side[kind], 500, 1, []);
        }
        for (const [mode, concurrency] of [
          ['sequential', 1],
          [`×${options.concurrency}`, options.concurrency],
        ] as const) {
          process.stderr.write(`bench mcp ${transport}: ${kind} ${mode}…\n`);
          const key = `${kind} ${mode}`;
          for (let round = 0; round < options.rounds; round++) {
            for (const side of sides) {
              side.samples[key] ??= [];
              await timeCalls(
                side.connection!.client,
                side[kind],
                Math.ceil(options.calls / options.rounds),
                concurrency,
                side.samples[key],
              );
            }
          }
        }
      }
      for (const side of sides) side.rssLoadedMiB = rssMiB(side.connection!.pid);
    } finally {
      for (const side of sides) await side.connection?.close();
      rmSync(home, { recursive: true, force: true });
    }

    const [ref, our] = sides;
    const cold = { ours: median(our.starts), reference: median(ref.starts) };
    const latency: Record<string, { ours: Summary; reference: Summary }> = {};
    for (const key of Object.keys(our.samples))
      latency[key] = { ours: summarize(our.samples[key]!), reference: summarize(ref.samples[key]!) };
    data[transport] = {
      coldStartMs: cold,
      rssRestMiB: { ours: our.rssRestMiB, reference: ref.rssRestMiB },
      rssLoadedMiB: { ours: our.rssLoadedMiB, reference: ref.rssLoadedMiB },
      latency,
    };
    coldRows.push([
      transport,
      `${ms(cold.ours)} ms`,
      `${ms(cold.reference)} ms`,
      ratio(cold.ours, cold.reference),
      `${our.rssRestMiB!.toFixed(1)} MiB`,
      `${ref.rssRestMiB!.toFixed(1)} MiB`,
      ratio(our.rssRestMiB!, ref.rssRestMiB!),
      `${our.rssLoadedMiB!.toFixed(1)} MiB`,
      `${ref.rssLoadedMiB!.toFixed(1)} MiB`,
      ratio(our.rssLoadedMiB!, ref.rssLoadedMiB!),
    ]);
    for (const [key, { ours: o, reference: r }] of Object.entries(latency)) {
      const [kind, mode] = key.split(' ') as [Kind, string];
      latencyRows.push([
        transport,
        `${ROW_LABEL[kind]}, ${mode}`,
        `${ms(o.p50)} / ${ms(o.p95)} / ${ms(o.p99)}`,
        `${ms(r.p50)} / ${ms(r.p95)} / ${ms(r.p99)}`,
        ratio(o.p50, r.p50),
        ratio(o.p99, r.p99),
      ]);
    }
  }
  const markdown = [
    `MCP server against @modelcontextprotocol/server-everything (the reference) through the same client harness in the same run, alternating at every step. ${options.calls} calls per row in ${options.rounds} rounds after 500 warm-up calls; cold start is the median of ${options.coldRuns} spawns to a completed initialize; RSS from /proc after 0.5 s idle and after the load.`,
    '',
    table(
      ['transport', 'cold start', 'ref', 'ratio', 'RSS at rest', 'ref', 'ratio', 'RSS after load', 'ref', 'ratio'],
      coldRows,
    ),
    '',
    'Latency in ms (p50 / p95 / p99). The first rows are `ping` on both servers: the protocol path (read, parse, dispatch, serialize, write) with no tool behind it. The reference has no tool that reads or writes state, so the tool rows compare against its `echo`, a no-op.',
    '',
    table(['transport', 'request, mode', 'incident-commander', 'reference', 'p50 ratio', 'p99 ratio'], latencyRows),
  ].join('\n');
  return { markdown, data };
}
