import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as specs from '../../src/cli/commands/specs.js';
import { CLI, runCli } from '../support/cli.js';
import { FakePagerDuty } from '../support/fake-pagerduty.js';
import { FakeStatuspage } from '../support/fake-statuspage.js';
import {
  PAGE_ID,
  PD_TOKEN,
  pdEvent,
  post,
  ROUTING_KEY,
  SECRET,
  SERVICES_YAML,
  sign,
  SP_TOKEN,
} from '../support/integrations-world.js';

let home: string;
let pd: FakePagerDuty;
let sp: FakeStatuspage;
let env: Record<string, string>;
const children: ChildProcess[] = [];

beforeEach(async () => {
  home = mkdtempSync(join(tmpdir(), 'ic-int-cli-'));
  writeFileSync(join(home, 'services.yaml'), SERVICES_YAML);
  pd = await new FakePagerDuty().start();
  pd.routingKeys.add(ROUTING_KEY);
  pd.token = PD_TOKEN;
  sp = await new FakeStatuspage(PAGE_ID).start();
  sp.token = SP_TOKEN;
  sp.components.push(
    { id: 'cmpcheckout1', name: 'Checkout', status: 'operational' },
    { id: 'cmpsearch001', name: 'Search', status: 'operational' },
  );
  env = {
    PATH: process.env['PATH'] ?? '',
    HOME: home,
    USER: 'priya',
    INCIDENT_COMMANDER_HOME: home,
    INCIDENT_COMMANDER_LOG_LEVEL: 'debug',
    PAGERDUTY_WEBHOOK_SECRET: SECRET,
    PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
    PAGERDUTY_API_TOKEN: PD_TOKEN,
    PAGERDUTY_FROM: 'oncall-bot@example.com',
    PAGERDUTY_EVENTS_URL: pd.url,
    PAGERDUTY_API_URL: pd.url,
    STATUSPAGE_API_TOKEN: SP_TOKEN,
    STATUSPAGE_PAGE_ID: PAGE_ID,
    STATUSPAGE_API_URL: sp.url,
  };
});

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  await pd.stop();
  await sp.stop();
  rmSync(home, { recursive: true, force: true });
});

const SECRETS = [SECRET, ROUTING_KEY, PD_TOKEN, SP_TOKEN];

/** Starts a long-running command and resolves with the URL it says it listens on. */
async function start(args: string[]): Promise<{ url: string; child: ChildProcess; stderr: () => string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`did not start: ${err}`)), 15_000);
    child.stderr!.on('data', () => {
      const m = /listening on (http:\/\/[\d.:]+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  return { url, child, stderr: () => err };
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function json<T>(args: string[]): Promise<T> {
  const result = await runCli(args, { env });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T;
}

function deliverTo(url: string, payload: Record<string, unknown>, webhookId = 'wh-1') {
  const body = JSON.stringify(payload);
  return post(url, '/webhooks/pagerduty', body, {
    'x-pagerduty-signature': sign(body, SECRET),
    'x-webhook-id': webhookId,
  });
}

describe('incident-commander integrations serve and updates (real processes, fakes on loopback)', () => {
  it('opens an incident from a PagerDuty webhook, pages a SEV1 declared in another process, and publishes only what a person approves', async () => {
    const serve = await start(['integrations', 'serve', '--port', '0', '--interval', '0.2']);
    expect(serve.stderr()).toContain('PagerDuty webhooks in: on (1 signing secret, env PAGERDUTY_WEBHOOK_SECRET)');
    expect((await deliverTo(serve.url, pdEvent('incident.triggered'))).status).toBe(202);
    const [fromPd] = await until('the incident from PagerDuty', async () => {
      const list = await json<{ id: string; services: string[]; severity: string }[]>(['incidents', 'list', '--json']);
      return list.length ? list : null;
    });
    expect(fromPd).toMatchObject({ services: ['payment-api'], severity: 'SEV1' });

    const opened = await json<{ ok: boolean; output: { incident: { id: string } } }>([
      'tools',
      'call',
      'open_incident',
      JSON.stringify({ title: 'Search is down', severity: 'SEV1', services: ['search'] }),
      '--actor',
      'alice',
    ]);
    const id = opened.output.incident.id;
    const trigger = await until('the page', async () =>
      pd.events().find((e) => e['dedup_key'] === `incident-commander:${id}`),
    );
    expect(trigger).toMatchObject({ event_action: 'trigger', routing_key: ROUTING_KEY });

    const drafted = await json<{ output: { statusDraftId: string } }>([
      'tools',
      'call',
      'draft_stakeholder_update',
      JSON.stringify({ incidentId: id, audience: 'customer' }),
    ]);
    const draftId = drafted.output.statusDraftId;
    const listed = await runCli(['updates', 'list'], { env });
    expect(listed.stdout).toMatch(
      new RegExp(`^${draftId}\\s+${id}\\s+pending\\s+r1 investigating, impact critical, Search major outage`, 'm'),
    );
    await new Promise((r) => setTimeout(r, 800));
    expect(sp.writes()).toEqual([]);

    const dry = await runCli(['updates', 'approve', draftId, '--dry-run'], { env });
    expect(dry.code).toBe(0);
    expect(dry.stderr).toContain(`dry run: would POST ${sp.url}/pages/${PAGE_ID}/incidents`);
    expect(sp.received).toEqual([]);

    const approved = await runCli(['updates', 'approve', draftId, '--revision', '1'], { env });
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toBe(
      `Published ${draftId} to Statuspage: https://stspg.io/sp1 — investigating, impact critical.\n`,
    );
    expect(sp.writes()).toHaveLength(1);
    const shown = await runCli(['updates', 'show', draftId], { env });
    expect(shown.stdout).toMatch(/approved by priya \(cli\) at .*, revision 1/);

    const status = await runCli(['integrations', 'status'], { env });
    expect(status.stdout).toContain('Statuspage: on');
    for (const s of SECRETS) {
      expect(serve.stderr()).not.toContain(s);
      expect(status.stdout + status.stderr + dry.stderr + approved.stderr).not.toContain(s);
    }
    serve.child.kill('SIGTERM');
    await new Promise((r) => serve.child.once('exit', r));
  }, 60_000);

  it('processes a delivery exactly once when the server is killed right after storing it', async () => {
    const first = await start(['integrations', 'serve', '--port', '0', '--interval', '30']);
    const payload = pdEvent('incident.triggered', { id: 'PKILL1' });
    expect((await deliverTo(first.url, payload, 'wh-kill')).status).toBe(202);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const second = await start(['integrations', 'serve', '--port', '0', '--interval', '0.2']);
    // PagerDuty did get its 202, but retries anyway: stored once, processed once.
    expect((await deliverTo(second.url, payload, 'wh-kill')).status).toBe(200);
    await until('the incident', async () => (await json<unknown[]>(['incidents', 'list', '--json'])).length === 1);
    await new Promise((r) => setTimeout(r, 600));
    const incidents = await json<{ id: string }[]>(['incidents', 'list', '--json']);
    expect(incidents).toHaveLength(1);
    const status = await json<{ queues: { queue: string; done: number; pending: number }[] }>([
      'integrations',
      'status',
      '--json',
    ]);
    expect(status.queues.find((q) => q.queue === 'pagerduty.webhooks')).toMatchObject({ done: 1, pending: 0 });
  }, 60_000);

  it('serves the webhook beside mcp --http, checked by its signature and not the bearer token', async () => {
    const tokenFile = join(home, 'mcp.token');
    writeFileSync(tokenFile, 'a-long-random-mcp-token-0123456789', { mode: 0o600 });
    const mcp = await start(['mcp', '--http', '--port', '0', '--webhooks', '--token-file', tokenFile]);
    await until('the integrations banner', async () =>
      /integrations: http:\/\/127\.0\.0\.1:\d+\/webhooks\/pagerduty/.test(mcp.stderr()),
    );
    const payload = pdEvent('incident.triggered', { id: 'PMCP1' });
    const body = JSON.stringify(payload);
    expect((await post(mcp.url, '/webhooks/pagerduty', body, { 'x-webhook-id': 'wh-m' })).status).toBe(401);
    expect((await deliverTo(mcp.url, payload, 'wh-m')).status).toBe(202);
    expect((await post(mcp.url, '/mcp', '{}', {})).status).toBe(401);
    await until('the incident', async () => (await json<unknown[]>(['incidents', 'list', '--json'])).length === 1);
  }, 60_000);

  it('takes no secret on the command line: no integrations or updates flag carries one', () => {
    const commands = Object.values(specs).filter((s) => ['integrations', 'updates'].includes(s.path[0]!));
    expect(commands.length).toBe(7);
    for (const c of commands)
      expect(Object.keys(c.flags).filter((f) => /secret|token|key|password/i.test(f))).toEqual([]);
  });

  it('refuses to serve with nothing configured, and refuses a secret file others can read', async () => {
    const bare = { PATH: env['PATH']!, HOME: home, INCIDENT_COMMANDER_HOME: home };
    const none = await runCli(['integrations', 'serve', '--port', '0'], { env: bare });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no integration is configured');
    const secretFile = join(home, 'pd.secret');
    writeFileSync(secretFile, SECRET, { mode: 0o644 });
    writeFileSync(
      join(home, 'integrations.yaml'),
      `version: 1\npagerduty:\n  webhooks:\n    secret: { file: ${secretFile} }\n`,
    );
    const open = await runCli(['integrations', 'status'], { env: bare });
    expect(open.code).not.toBe(0);
    expect(open.stderr).toContain(`secret file ${secretFile} can be read by other users`);
    expect(open.stderr).toContain(`chmod 600 ${secretFile}`);
    expect(open.stderr).not.toContain(SECRET);
  });
});
