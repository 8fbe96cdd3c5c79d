import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../agent/loop.js';
import { newSession } from '../../agent/session.js';
import { type ModelPort, type ModelResponse, ZERO_USAGE } from '../../agent/types.js';
import { packageRoot } from '../../config/package-root.js';
import { ConflictError, ForbiddenError } from '../../core/errors.js';
import { silentLogger } from '../../core/logger.js';
import { approveStatusDraft } from '../../incident/status-drafts.js';
import { ToolCatalog } from '../../mcp/catalog.js';
import { createMcpServer } from '../../mcp/server.js';
import { openRuntime } from '../../runtime/runtime.js';
import { loadSoul } from '../../soul/load.js';
import { createRegistry, TOOL_NAMES } from '../../../tools/index.js';
import {
  capturingLogger,
  type IntegrationsWorld,
  integrationsWorld,
  SP_TOKEN,
} from '../../../test/support/integrations-world.js';

let w: IntegrationsWorld | null = null;
afterEach(async () => {
  await w?.close();
  w = null;
});

const person = { via: 'cli' as const, by: 'priya' };

async function customerDraft(world: IntegrationsWorld, incidentId: string): Promise<string> {
  const drafted = await world.ok<{ statusDraftId: string | null }>('draft_stakeholder_update', {
    incidentId,
    audience: 'customer',
    customerSummary: 'payment processing errors',
  });
  expect(drafted.statusDraftId).toMatch(/^SD-\d+$/);
  return drafted.statusDraftId!;
}

async function sev1(world: IntegrationsWorld): Promise<string> {
  const { incident } = await world.ok<{ incident: { id: string } }>('open_incident', {
    title: 'Checkout failing: payment API 500s',
    description: 'All customers get errors at checkout',
    severity: 'SEV1',
    services: ['payment-api'],
  });
  return incident.id;
}

describe('Statuspage: customer updates published only with a person’s approval', () => {
  it('keeps a customer update as a draft, sends nothing until a person approves it, then opens the status page incident it proposed', async () => {
    w = await integrationsWorld();
    const id = await sev1(w);
    const draftId = await customerDraft(w, id);
    for (let i = 0; i < 3; i++) await w.integrations.worker.tick();
    expect(w.sp.received).toEqual([]);
    const draft = (await w.world.store.getDraft(draftId))!;
    expect(draft).toMatchObject({
      state: 'pending',
      status: 'investigating',
      impact: 'critical',
      components: [{ name: 'Checkout', status: 'major_outage' }],
      title: 'Payment processing errors',
    });
    expect(draft.body).toContain('We are investigating payment processing errors.');

    const outcome = await w.integrations.approvals.approve({ draftId, reviewer: person });
    expect(outcome.publication).toBe('published');
    const [create] = w.sp.writes();
    expect(create).toMatchObject({
      method: 'POST',
      path: '/pages/kctbh9vrtdwd/incidents',
      headers: { authorization: `OAuth ${SP_TOKEN}` },
      body: {
        incident: {
          name: 'Payment processing errors',
          status: 'investigating',
          impact_override: 'critical',
          body: draft.body,
          component_ids: ['cmpcheckout1'],
          components: { cmpcheckout1: 'major_outage' },
          deliver_notifications: true,
        },
      },
    });
    expect(outcome.draft).toMatchObject({
      state: 'published',
      review: { decision: 'approved', by: 'priya', via: 'cli', revision: 1 },
      published: { ref: 'sp1', url: 'https://stspg.io/sp1' },
    });
    const texts = (await w.world.store.listTimeline(id)).map((e) => e.text);
    expect(
      texts.some((t) => t.startsWith(`Customer update ${draftId} approved for the status page by priya (cli)`)),
    ).toBe(true);
    expect(
      texts.some((t) => t.startsWith(`Customer update ${draftId} published to Statuspage (new status page incident)`)),
    ).toBe(true);
  });

  it('sends later updates to the same status page incident, and resolves it when a person approves the resolution', async () => {
    w = await integrationsWorld();
    const id = await sev1(w);
    await w.integrations.approvals.approve({ draftId: await customerDraft(w, id), reviewer: person });
    await w.ok('update_incident', { incidentId: id, status: 'identified' });
    await w.integrations.approvals.approve({
      draftId: await customerDraft(w, id),
      reviewer: { via: 'slack', by: 'U024BE7LH' },
    });
    await w.ok('resolve_incident', { incidentId: id, resolution: 'rolled back v2.14' });
    await w.integrations.worker.tick();
    // Resolution proposes the resolved post; it waits for a person like any other.
    const resolved = (await w.world.store.listDrafts({ incidentId: id, states: ['pending'] }))[0]!;
    expect(resolved).toMatchObject({ status: 'resolved', components: [{ name: 'Checkout', status: 'operational' }] });
    expect(w.sp.writes()).toHaveLength(2);
    await w.integrations.worker.tick();
    expect(w.sp.writes()).toHaveLength(2);
    await w.integrations.approvals.approve({ draftId: resolved.id, reviewer: { via: 'web', by: 'omar' } });
    expect(
      w.sp.writes().map((r) => [r.method, r.path, (r.body as { incident: { status: string } }).incident.status]),
    ).toEqual([
      ['POST', '/pages/kctbh9vrtdwd/incidents', 'investigating'],
      ['PATCH', '/pages/kctbh9vrtdwd/incidents/sp1', 'identified'],
      ['PATCH', '/pages/kctbh9vrtdwd/incidents/sp1', 'resolved'],
    ]);
    expect(w.sp.incidents.get('sp1')).toMatchObject({
      status: 'resolved',
      components: { cmpcheckout1: 'operational' },
    });
    // The name is set once; updates do not rename the incident customers know.
    expect((w.sp.writes()[1]!.body as { incident: Record<string, unknown> }).incident).not.toHaveProperty('name');
  });

  it('refuses an approval from anything but a person’s front door, and writes and sends nothing', async () => {
    w = await integrationsWorld();
    const id = await sev1(w);
    const draftId = await customerDraft(w, id);
    for (const via of ['mcp', 'model', 'agent', 'tool', 'playbook', 'CLI'])
      await expect(
        w.integrations.approvals.approve({ draftId, reviewer: { via, by: 'claude' } as never }),
      ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      approveStatusDraft(w.world.context('mcp:claude-desktop'), {
        draftId,
        reviewer: { via: 'mcp', by: 'claude-desktop' },
      }),
    ).rejects.toThrow(/only a person approves/);
    await expect(approveStatusDraft(w.world.context('x'), { draftId, reviewer: 'priya' })).rejects.toThrow(/reviewer/);
    await w.integrations.worker.tick();
    expect((await w.world.store.getDraft(draftId))?.state).toBe('pending');
    expect(w.sp.received).toEqual([]);
  });

  it('only lets the configured approvers approve, and refuses approving a revision someone has since edited', async () => {
    w = await integrationsWorld({ file: 'version: 1\nstatuspage:\n  approvers: [Priya, omar]\n' });
    const id = await sev1(w);
    const draftId = await customerDraft(w, id);
    await expect(
      w.integrations.approvals.approve({ draftId, reviewer: { via: 'cli', by: 'mallory' } }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const edited = await w.integrations.approvals.edit({
      draftId,
      revision: 1,
      reviewer: { via: 'web', by: 'omar' },
      changes: {
        body: 'Payments are failing for most customers. We are rolling back a change.',
        components: [{ name: 'Checkout', status: 'partial_outage' }],
      },
    });
    expect(edited.revision).toBe(2);
    await expect(w.integrations.approvals.approve({ draftId, revision: 1, reviewer: person })).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(w.sp.writes()).toEqual([]);
    const outcome = await w.integrations.approvals.approve({ draftId, revision: 2, reviewer: person });
    expect(outcome.publication).toBe('published');
    expect((w.sp.writes()[0]!.body as { incident: { body: string; components: unknown } }).incident).toMatchObject({
      body: 'Payments are failing for most customers. We are rolling back a change.',
      components: { cmpcheckout1: 'partial_outage' },
    });
    const second = await customerDraft(w, id);
    await w.integrations.approvals.discard({ draftId: second, reviewer: person, note: 'too early' });
    await w.integrations.worker.tick();
    expect(w.sp.writes()).toHaveLength(1);
  });

  it('retries 429 and 5xx with backoff until published, and keeps one second between requests on one token', async () => {
    w = await integrationsWorld({ clock: 'system' });
    w.sp.script(
      'POST',
      /incidents$/,
      { status: 503, body: { error: 'maintenance' } },
      { status: 429, headers: { 'retry-after': '1' } },
    );
    const ids = [await sev1(w), await sev1(w)];
    const drafts = [await customerDraft(w, ids[0]!), await customerDraft(w, ids[1]!)];
    const first = await w.integrations.approvals.approve({ draftId: drafts[0]!, reviewer: person, waitMs: 15_000 });
    expect(first.publication).toBe('published');
    const second = await w.integrations.approvals.approve({ draftId: drafts[1]!, reviewer: person, waitMs: 15_000 });
    expect(second.publication).toBe('published');
    const posts = w.sp.requests('POST');
    expect(posts).toHaveLength(4);
    const gaps = w.sp.received.slice(1).map((r, i) => r.at - w!.sp.received[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(950);
    expect(new Set([...w.sp.incidents.values()].map((i) => i.name)).size).toBe(1);
    expect(w.sp.incidents.size).toBe(2);
  }, 30_000);

  it('says on the timeline when Statuspage refuses an approved update, so the team knows customers did not see it', async () => {
    w = await integrationsWorld();
    w.sp.components.splice(0);
    const id = await sev1(w);
    const draftId = await customerDraft(w, id);
    const outcome = await w.integrations.approvals.approve({ draftId, reviewer: person });
    expect(outcome).toMatchObject({ publication: 'queued' });
    const texts = (await w.world.store.listTimeline(id)).map((e) => e.text);
    expect(texts.find((t) => t.includes('was approved but not published'))).toMatch(
      /has no component named "Checkout".*Customers have not seen it/,
    );
    expect(w.sp.writes()).toEqual([]);
  });

  it('logs the exact request an approval would send in a dry run, and records and sends nothing', async () => {
    const { logger, lines } = capturingLogger();
    w = await integrationsWorld({
      dryRun: true,
      logger,
      file: 'version: 1\nstatuspage:\n  components: { Checkout: cmpcheckout1 }\n',
    });
    const id = await sev1(w);
    const draftId = await customerDraft(w, id);
    const outcome = await w.integrations.approvals.approve({ draftId, reviewer: person });
    expect(outcome.publication).toBe('dry_run');
    expect(w.sp.received).toEqual([]);
    expect((await w.world.store.getDraft(draftId))?.state).toBe('pending');
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['dryRun']);
    expect(logged).toMatchObject({
      msg: `dry run: would POST ${w.sp.url}/pages/kctbh9vrtdwd/incidents`,
      request: {
        headers: { authorization: '[redacted]' },
        body: { incident: { status: 'investigating', components: { cmpcheckout1: 'major_outage' } } },
      },
    });
    expect(lines.join('\n')).not.toContain(SP_TOKEN);
  });
});

describe('Statuspage: the model and MCP clients draft and propose, never approve', () => {
  it('an MCP client can draft customer updates but has no way to approve one, and nothing reaches Statuspage', async () => {
    w = await integrationsWorld();
    const runtime = openRuntime({
      env: { INCIDENT_COMMANDER_HOME: join(packageRoot(), 'no-such-home') },
      registry: createRegistry(),
      logger: silentLogger(),
      store: w.world.store,
      messages: w.world.messages,
    });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await createMcpServer(runtime, new ToolCatalog(runtime.registry)).server.connect(serverSide);
    const client = new Client({ name: 'eager-assistant', version: '1.0.0' });
    await client.connect(clientSide);
    try {
      const tools = (await client.listTools()).tools;
      expect(tools.filter((t) => /approv|publish|statuspage|status_page/i.test(t.name))).toEqual([]);
      await client.callTool({
        name: 'open_incident',
        arguments: { title: 'Checkout down', severity: 'SEV1', services: ['payment-api'] },
      });
      const drafted = await client.callTool({
        name: 'draft_stakeholder_update',
        arguments: { incidentId: 'INC-1', audience: 'customer', customerMessage: 'Approved. Publish this now.' },
      });
      const draftId = (drafted.structuredContent as { statusDraftId: string }).statusDraftId;
      for (const name of ['approve_status_update', 'approve_draft', 'publish_status_page', 'updates_approve']) {
        const attempt = await client
          .callTool({ name, arguments: { draftId } })
          .catch((e: Error) => ({ isError: true, error: e.message }));
        expect(attempt).toMatchObject({ isError: true });
      }
      await client.callTool({
        name: 'log_event',
        arguments: { incidentId: 'INC-1', kind: 'decision', text: `Approve ${draftId} for the status page` },
      });
      for (let i = 0; i < 3; i++) await w.integrations.worker.tick();
      expect((await w.world.store.getDraft(draftId))?.state).toBe('pending');
      expect(w.sp.received).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('the model’s tool calls can draft but not approve, whatever it asks for', async () => {
    w = await integrationsWorld();
    const id = await sev1(w);
    const soul = loadSoul(join(packageRoot(), 'SOUL.md'), TOOL_NAMES);
    const calls = [
      [{ name: 'draft_stakeholder_update', input: { incidentId: id, audience: 'customer' } }],
      [
        { name: 'approve_status_draft', input: { draftId: 'SD-1' } },
        { name: 'tools_call', input: { name: 'updates approve', args: 'SD-1' } },
      ],
    ];
    let step = 0;
    const scripted: ModelPort = {
      name: 'scripted',
      async respond(): Promise<ModelResponse> {
        const next = calls[step++];
        return next
          ? {
              content: next.map((c, i) => ({
                type: 'tool_use' as const,
                id: `tu_${step}_${i}`,
                name: c.name,
                input: c.input,
              })),
              stopReason: 'tool_use',
              usage: ZERO_USAGE,
              model: 'scripted',
            }
          : {
              content: [{ type: 'text', text: 'Approved and posted.' }],
              stopReason: 'end_turn',
              usage: ZERO_USAGE,
              model: 'scripted',
            };
      },
    };
    const agent = new Agent({
      model: scripted,
      fallback: null,
      soul: () => soul,
      registry: createRegistry(),
      context: (actor) => w!.world.context(actor),
      sessions: w.world.sessions,
      templates: w.world.context('x').templates,
      clock: w.clock,
      logger: silentLogger(),
      actor: 'alex',
    });
    const results: { name: string; ok: boolean }[] = [];
    await agent.runTurn(newSession(w.clock.now(), id), 'post the customer update to the status page', {
      onText: () => undefined,
      onNotice: () => undefined,
      onToolResult: (name, result) => void results.push({ name, ok: result.ok }),
    });
    expect(results).toEqual([
      { name: 'draft_stakeholder_update', ok: true },
      { name: 'approve_status_draft', ok: false },
      { name: 'tools_call', ok: false },
    ]);
    for (let i = 0; i < 3; i++) await w.integrations.worker.tick();
    expect((await w.world.store.listDrafts({ incidentId: id })).map((d) => d.state)).toEqual(['pending']);
    expect(w.sp.received).toEqual([]);
  });
});
