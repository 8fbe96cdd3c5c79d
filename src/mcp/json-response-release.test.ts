import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
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

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A tool whose every answer is ~100 kB, so answers the server keeps show up in the heap at once. */
const bulky = defineTool({
  name: 'bulky',
  title: 'Bulky',
  description: 'Answers with 100 kB of text.',
  input: z.object({ n: z.number() }).strict(),
  output: z.object({ text: z.string() }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: async (args) => ({ text: `${args.n}`.padEnd(100_000, '.') }),
});

let home: ReturnType<typeof makeHome>;
let runtime: Runtime;
beforeEach(() => {
  home = makeHome();
  runtime = openRuntime({ env: home.env, registry: createRegistry(), logger: silentLogger() });
});
afterEach(() => home.dispose());

const heapMiB = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

describe('releaseAnsweredResponses (SDK 1.32.2 JSON-response retention)', () => {
  it('keeps no answered response in a long HTTP session', async () => {
    const server = await startHttpServer(runtime, new ToolCatalog(new ToolRegistry([bulky])), {
      ...HTTP_DEFAULTS,
      port: 0,
      token: null,
      allowedHosts: [],
      allowedOrigins: [],
    });
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    };
    const init = await fetch(server.url, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'long', version: '1' } },
      }),
    });
    await init.text();
    headers['mcp-session-id'] = init.headers.get('mcp-session-id')!;
    headers['mcp-protocol-version'] = '2025-11-25';
    const call = async (id: number): Promise<void> => {
      const res = await fetch(server.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          jsonrpc: '2.0',
          id,
          method: 'tools/call',
          params: { name: 'bulky', arguments: { n: id } },
        }),
      });
      expect(res.status).toBe(200);
      await res.text();
    };
    for (let i = 1; i <= 20; i++) await call(i);
    const before = heapMiB();
    // 300 answers of ~200 kB each (text plus structured content): ~60 MiB if the session keeps them.
    for (let i = 21; i <= 320; i++) await call(i);
    const grown = heapMiB() - before;
    await server.close();
    expect(grown).toBeLessThan(10);
  });
});
