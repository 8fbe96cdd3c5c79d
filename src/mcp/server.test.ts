import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { CallToolResultSchema, ErrorCode, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger.js';
import { openRuntime, type Runtime } from '../runtime/runtime.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { createRegistry } from '../../tools/index.js';
import { exerciseServer, makeHome } from '../../test/support/mcp-fixture.js';
import { ToolCatalog } from './catalog.js';
import { createMcpServer } from './server.js';

let home: ReturnType<typeof makeHome>;
let runtime: Runtime;
let client: Client;

async function connect(catalog = new ToolCatalog(runtime.registry), pollMs?: number): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await createMcpServer(runtime, catalog, pollMs ? { pollMs } : {}).server.connect(serverSide);
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
    const watcher = await connect(undefined, 50);
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

  it('accepts subscriptions to resources it does not know, as the spec requires', async () => {
    await expect(client.subscribeResource({ uri: 'test://watched-resource' })).resolves.toEqual({});
  });
});
