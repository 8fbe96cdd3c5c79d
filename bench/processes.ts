import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/** Resident set size of a process, from /proc (Linux), in MiB. */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface ServerUnderTest {
  name: string;
  /** argv for a stdio server. */
  stdio: { command: string; args: string[]; env: Record<string, string> };
  /** argv for an HTTP server listening on `port`, and the URL to reach it. */
  http(port: number): { command: string; args: string[]; env: Record<string, string>; url: string };
}

export interface Connected {
  client: Client;
  pid: number;
  /** Milliseconds from spawn to a completed initialize. */
  startMs: number;
  close(): Promise<void>;
}

export async function connectStdio(server: ServerUnderTest): Promise<Connected> {
  const t0 = performance.now();
  const transport = new StdioClientTransport({
    command: server.stdio.command,
    args: server.stdio.args,
    env: server.stdio.env,
    stderr: 'ignore',
  });
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(transport);
  const startMs = performance.now() - t0;
  return { client, pid: transport.pid!, startMs, close: () => client.close() };
}

async function waitForPort(url: string, child: ChildProcess, deadlineMs: number): Promise<void> {
  const deadline = performance.now() + deadlineMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      await fetch(url, { method: 'GET' });
      return;
    } catch {
      if (performance.now() > deadline) throw new Error(`server at ${url} did not come up`);
      await new Promise((r) => setTimeout(r, 2));
    }
  }
}

export async function connectHttp(server: ServerUnderTest): Promise<Connected> {
  const port = await freePort();
  const spec = server.http(port);
  const t0 = performance.now();
  const child = spawn(spec.command, spec.args, { env: spec.env, stdio: ['ignore', 'ignore', 'ignore'] });
  await waitForPort(spec.url, child, 15_000);
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(spec.url)));
  const startMs = performance.now() - t0;
  return {
    client,
    pid: child.pid!,
    startMs,
    async close() {
      await client.close().catch(() => undefined);
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    },
  };
}
