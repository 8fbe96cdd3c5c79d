import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { silentLogger } from '../core/logger.js';
import { ToolRegistry } from '../registry/registry.js';
import { defineTool } from '../registry/types.js';
import { openRuntime, type Runtime } from '../runtime/runtime.js';
import { createRegistry } from '../../tools/index.js';
import { makeHome } from '../../test/support/mcp-fixture.js';
import { ToolCatalog } from './catalog.js';
import { HTTP_DEFAULTS, startHttpServer } from './http.js';

let home: ReturnType<typeof makeHome>;
let release: () => void = () => undefined;
let started: () => void = () => undefined;
const slow = defineTool({
  name: 'slow_tool',
  title: 'Slow',
  description: 'Waits until the test releases it.',
  input: z.object({}).strict(),
  output: z.object({ done: z.boolean() }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: () =>
    new Promise<{ done: boolean }>((resolve) => {
      started();
      release = () => resolve({ done: true });
    }),
});

let runtime: Runtime;
beforeEach(() => {
  home = makeHome();
  runtime = openRuntime({ env: home.env, registry: createRegistry(), logger: silentLogger() });
});
afterEach(() => home.dispose());

describe('startHttpServer', () => {
  it('finishes in-flight calls before closing the store on shutdown', async () => {
    const server = await startHttpServer(runtime, new ToolCatalog(new ToolRegistry([slow])), {
      ...HTTP_DEFAULTS,
      port: 0,
      token: null,
      allowedHosts: [],
      allowedOrigins: [],
    });
    const client = new Client({ name: 'drain', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
    const running = new Promise<void>((r) => (started = r));
    const call = client.callTool({ name: 'slow_tool', arguments: {} });
    await running;
    let closed = false;
    const closing = server.close().then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(false);
    const late = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    }).catch(() => null);
    expect(late === null || late.status === 503).toBe(true);
    release();
    expect(await call).toMatchObject({ structuredContent: { done: true } });
    await closing;
    expect(closed).toBe(true);
    await expect(runtime.store.listIncidents()).rejects.toThrow(/closed/);
  });

  it('limits requests per client per minute with 429 and retry-after', async () => {
    const server = await startHttpServer(runtime, new ToolCatalog(runtime.registry), {
      ...HTTP_DEFAULTS,
      port: 0,
      token: null,
      allowedHosts: [],
      allowedOrigins: [],
      rateLimitPerMinute: 3,
    });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const res = await fetch(server.url.replace('/mcp', '/healthz'));
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    await server.close();
  });
});
