import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { CallToolResultSchema, ErrorCode, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CONTROL } from '../core/control.js';
import { silentLogger } from '../core/logger.js';
import { ToolRegistry } from '../registry/registry.js';
import { defineTool } from '../registry/types.js';
import { openRuntime, type Runtime } from '../runtime/runtime.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { createRegistry } from '../../tools/index.js';
import { exerciseServer, makeHome } from '../../test/support/mcp-fixture.js';
import { ToolCatalog } from './catalog.js';
import { createMcpServer } from './server.js';

let home: ReturnType<typeof makeHome>;
let runtime: Runtime;
let client: Client;

async function connect(catalog = new ToolCatalog(runtime.registry)): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await createMcpServer(runtime, catalog).server.connect(serverSide);
  const c = new Client({ name: 'test-client', version: '1.0.0' });
  await c.connect(clientSide);
  return c;
}

beforeEach(async () => {
  home = makeHome();
  runtime = openRuntime({ env: home.env, registry: createRegistry(), logger: silentLogger() });
  client = await connect();
});
afterEach(async () => {
  await client.close();
  await runtime.close();
  home.dispose();
});

describe('MCP server (in-process, linked transports)', () => {
  it('serves every tool, resource and prompt through the SDK client', async () => {
    await exerciseServer(client);
  });

  it('records the client as the author of timeline entries', async () => {
    await client.callTool({ name: 'open_incident', arguments: { title: 'Search slow' } });
    const [event] = await runtime.store.listTimeline('INC-1');
    expect(event?.author).toBe('mcp:test-client');
  });

  it('offers only read-only tools with --read-only, and an allow-list with --tools', async () => {
    const readOnly = await connect(new ToolCatalog(runtime.registry, { readOnly: true }));
    expect((await readOnly.listTools()).tools.map((t) => t.name)).toEqual([
      'get_incident',
      'find_similar_incidents',
      'find_runbook',
      'fetch_deploys',
      'list_action_items',
      'check_blameless',
      'check_error_budget',
      'plan_oncall_rotation',
    ]);
    await expect(readOnly.callTool({ name: 'open_incident', arguments: { title: 'x' } })).rejects.toThrow(
      /unknown tool "open_incident"/,
    );
    const allow = await connect(new ToolCatalog(runtime.registry, { allow: ['classify_severity', 'get_incident'] }));
    expect((await allow.listTools()).tools.map((t) => t.name)).toEqual(['classify_severity', 'get_incident']);
  });

  it('notifies subscribers when an incident changes, including writes by another process', async () => {
    await client.callTool({ name: 'open_incident', arguments: { title: 'Checkout down' } });
    const watcher = await connect();
    const updates: string[] = [];
    watcher.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void updates.push(n.params.uri));
    await watcher.subscribeResource({ uri: 'incident://INC-1' });

    await watcher.callTool({ name: 'log_event', arguments: { incidentId: 'INC-1', text: 'error rate 100%' } });
    expect(updates).toEqual(['incident://INC-1']);

    const otherProcess = new SqliteStore(runtime.paths.store);
    await otherProcess.appendEvents('INC-1', [
      { at: new Date().toISOString(), author: 'chat', kind: 'note', text: 'from the chat' },
    ]);
    await otherProcess.close();
    await expect.poll(() => updates.length, { timeout: 2000 }).toBe(2);

    await watcher.unsubscribeResource({ uri: 'incident://INC-1' });
    await watcher.callTool({ name: 'log_event', arguments: { incidentId: 'INC-1', text: 'after unsubscribe' } });
    expect(updates).toHaveLength(2);
  });

  it('answers malformed tools/call params with Invalid params (-32602), and the next call normally', async () => {
    for (const params of [{ arguments: {} }, { name: 42 }, { name: 'get_incident', arguments: 'INC-1' }]) {
      await expect(
        client.request({ method: 'tools/call', params: params as never }, CallToolResultSchema),
      ).rejects.toMatchObject({
        code: ErrorCode.InvalidParams,
        message: expect.stringMatching(/Invalid tools\/call request/),
      });
    }
    const result = await client.callTool({
      name: 'classify_severity',
      arguments: { description: 'checkout is down for all customers' },
    });
    expect(result.isError).toBeFalsy();
  });

  it('refuses subscriptions to resources that do not exist (-32002), and caps how many one session holds', async () => {
    for (const uri of ['test://watched-resource', 'incident://INC-999', `file:///${'x'.repeat(100_000)}`])
      await expect(client.subscribeResource({ uri })).rejects.toMatchObject({ code: -32002 });
    await client.callTool({ name: 'open_incident', arguments: { title: 'Checkout down' } });
    await client.callTool({ name: 'open_incident', arguments: { title: 'Search slow' } });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await createMcpServer(runtime, new ToolCatalog(runtime.registry), { maxSubscriptions: 2 }).server.connect(
      serverSide,
    );
    const capped = new Client({ name: 'capped', version: '1.0.0' });
    await capped.connect(clientSide);
    await capped.subscribeResource({ uri: 'incident://INC-1' });
    await capped.subscribeResource({ uri: 'incident://inc-2' });
    // The same resource again, in another spelling, takes no new slot.
    await expect(capped.subscribeResource({ uri: 'incident://INC-2' })).resolves.toEqual({});
    await expect(capped.subscribeResource({ uri: 'soul://active' })).rejects.toMatchObject({
      code: ErrorCode.InvalidParams,
      message: expect.stringMatching(/already watches 2 resources; unsubscribe/),
    });
    await capped.unsubscribeResource({ uri: 'incident://INC-1' });
    await expect(capped.subscribeResource({ uri: 'soul://active' })).resolves.toEqual({});
    await capped.close();
  });

  it('renders prompt arguments as plain text, and quotes unknown names without echoing them raw', async () => {
    const kickoff = await client.getPrompt({
      name: 'incident-kickoff',
      arguments: { report: '\u001b]0;owned\u0007checkout \u001b[2Jis down\rFAKE', service: 'payment-api' },
    });
    const text = (kickoff.messages[0]!.content as { text: string }).text;
    expect(text).toContain('checkout is down\nFAKE');
    expect(CONTROL.test(text)).toBe(false);
    expect(text).not.toMatch(/\]0;|\[2J/);
    const hostile = `\u001b[31m${'x'.repeat(100_000)}`;
    for (const call of [
      client.getPrompt({ name: hostile, arguments: {} }),
      client.getPrompt({ name: 'incident-kickoff', arguments: { report: 'x', [hostile]: 'y' } }),
    ]) {
      const error = (await call.catch((e: unknown) => e)) as Error;
      expect(error.message.length).toBeLessThan(600);
      expect(error.message).not.toContain('\u001b[');
    }
  });

  it("writes a client's name as one short line of plain text, whatever the client calls itself", async () => {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await createMcpServer(runtime, new ToolCatalog(runtime.registry)).server.connect(serverSide);
    const hostile = new Client({
      name: `\u001b]0;owned\u0007evil\r\n\u001b[2Jbot\u009b31m ${'x'.repeat(1_000_000)}`,
      version: '1',
    });
    await hostile.connect(clientSide);
    await hostile.callTool({ name: 'open_incident', arguments: { title: 'Search slow' } });
    const [event] = await runtime.store.listTimeline('INC-1');
    expect(event?.author).toMatch(/^mcp:evil bot x+…$/);
    expect(event!.author.length).toBeLessThanOrEqual(4 + 64);
    await hostile.close();
  });

  it('runs a few tool calls of one session at a time, so a batch of slow calls cannot take every slot', async () => {
    let running = 0;
    let peak = 0;
    const releases: (() => void)[] = [];
    const slowRegistry = new ToolRegistry([
      defineTool({
        name: 'slow_tool',
        title: 'Slow',
        description: 'Waits until the test releases it.',
        input: z.object({}).strict(),
        output: z.object({ done: z.boolean() }),
        annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
        handler: async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise<void>((r) => releases.push(r));
          running--;
          return { done: true };
        },
      }),
    ]);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await createMcpServer(runtime, new ToolCatalog(slowRegistry), { maxConcurrentCalls: 3 }).server.connect(serverSide);
    const busy = new Client({ name: 'busy', version: '1' });
    await busy.connect(clientSide);
    const pending = Array.from({ length: 10 }, () => busy.callTool({ name: 'slow_tool', arguments: {} }));
    await expect.poll(() => running).toBe(3);
    while (releases.length || running) {
      releases.shift()?.();
      await new Promise((r) => setTimeout(r, 1));
    }
    expect((await Promise.all(pending)).every((r) => !r.isError)).toBe(true);
    expect(peak).toBe(3);
    await busy.close();
  });
});
