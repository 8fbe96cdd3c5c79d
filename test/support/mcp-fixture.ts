import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { expect } from 'vitest';
import { CLI } from './cli.js';
import { makeGitRepo } from './git-repo.js';

/** A home folder with a services config pointing at a real git repo, for servers under test. */
export function makeHome(): { home: string; env: Record<string, string>; dispose(): void } {
  const home = mkdtempSync(join(tmpdir(), 'ic-mcp-'));
  const now = Date.now();
  makeGitRepo(join(home, 'repos', 'payment-api'), [
    { at: new Date(now - 50 * 60_000).toISOString(), subject: 'Tune connection pool' },
    { at: new Date(now - 10 * 60_000).toISOString(), subject: 'Bump payment gateway timeout' },
  ]);
  mkdirSync(join(home, 'cfg'), { recursive: true });
  writeFileSync(
    join(home, 'services.yaml'),
    'services:\n  payment-api:\n    display_name: Checkout\n    customer_facing: true\n    revenue_path: true\n    repo: ./repos/payment-api\n',
  );
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: home,
    INCIDENT_COMMANDER_HOME: home,
    INCIDENT_COMMANDER_LOG_LEVEL: 'warn',
  };
  return { home, env, dispose: () => rmSync(home, { recursive: true, force: true }) };
}

/** Starts `incident-commander mcp --http` on a free port and returns its URL once it listens. */
export async function startHttpProcess(
  env: Record<string, string>,
  extraArgs: string[] = [],
  /** A command that execs the server, e.g. ['prlimit', '--nofile=1024:1024']. */
  wrapper: string[] = [],
): Promise<{ url: string; child: ChildProcess; stderr: () => string }> {
  const argv = [process.execPath, CLI, 'mcp', '--http', '--port', '0', ...extraArgs];
  const [command, ...args] = [...wrapper, ...argv] as [string, ...string[]];
  const child = spawn(command, args, {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 15_000);
    const check = (): void => {
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stderr!.on('data', check);
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
  expect(out).toBe('');
  return { url, child, stderr: () => err };
}

export function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

type CallResult = {
  isError?: boolean;
  content: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
};

/**
 * The same checks for every transport: tools listed with schemas and annotations, each of the
 * five named tools called successfully, a bad call answered with isError and the next call
 * still served, resources and prompts listed and read.
 */
export async function exerciseServer(client: Client): Promise<void> {
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name)).toEqual(
    expect.arrayContaining([
      'classify_severity',
      'assign_roles',
      'fetch_deploys',
      'draft_stakeholder_update',
      'create_action_item',
    ]),
  );
  for (const t of tools) {
    expect(t.inputSchema.type).toBe('object');
    expect(t.outputSchema?.type).toBe('object');
    expect(t.title).toBeTruthy();
    expect(typeof t.annotations?.readOnlyHint).toBe('boolean');
  }
  expect(tools.find((t) => t.name === 'fetch_deploys')?.annotations).toMatchObject({
    readOnlyHint: true,
    destructiveHint: false,
  });
  expect(tools.find((t) => t.name === 'create_action_item')?.annotations).toMatchObject({ readOnlyHint: false });

  const call = async (name: string, args: Record<string, unknown>): Promise<CallResult> =>
    (await client.callTool({ name, arguments: args })) as CallResult;
  const ok = async (name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const r = await call(name, args);
    expect(r.isError ?? false, `${name}: ${r.content[0]?.text}`).toBe(false);
    expect(JSON.parse(r.content[0]!.text!)).toEqual(r.structuredContent);
    return r.structuredContent!;
  };

  const severity = await ok('classify_severity', {
    description: "Our payment API is returning 500 errors and customers can't check out",
  });
  expect(severity).toMatchObject({ level: 'SEV1', cadenceMinutes: { customer: 15 }, escalation: { triggered: true } });
  const opened = await ok('open_incident', {
    title: 'Payment API returning 500s',
    description: "customers can't check out",
    services: ['payment-api'],
    reporter: 'Alex',
  });
  const id = (opened['incident'] as { id: string }).id;
  const roles = await ok('assign_roles', { incidentId: id });
  expect(roles['summary']).toContain('Tech Lead: Need an engineer with payment-api ownership');
  const deploys = await ok('fetch_deploys', { service: 'payment-api', since: '2h' });
  expect((deploys['deploys'] as unknown[]).length).toBe(2);
  const update = await ok('draft_stakeholder_update', {
    incidentId: id,
    audience: 'customer',
    customerSummary: 'payment processing errors',
  });
  expect(update['nextUpdateInMinutes']).toBe(15);
  const item = await ok('create_action_item', {
    incidentId: id,
    title: 'Alert on checkout error rate',
    owner: 'Priya',
    due: '14d',
    kind: 'detect',
  });
  expect(item).toMatchObject({ created: true, item: { owner: 'Priya' } });

  const bad = await call('create_action_item', { incidentId: id, title: 'Add canary', kind: 'prevent', due: '7d' });
  expect(bad.isError).toBe(true);
  expect(bad.content[0]?.text).toContain('field "owner": is required');
  const next = await ok('get_incident', { incidentId: id });
  expect((next['actionItems'] as unknown[]).length).toBe(1);
  await expect(client.callTool({ name: 'page_everyone', arguments: {} })).rejects.toThrow(
    /unknown tool "page_everyone"/,
  );

  const { resources } = await client.listResources();
  expect(resources.map((r) => r.uri)).toEqual(
    expect.arrayContaining(['soul://active', 'severity://framework', `incident://${id}`]),
  );
  const incident = await client.readResource({ uri: `incident://${id}` });
  const state = JSON.parse((incident.contents[0] as { text: string }).text) as {
    incident: { id: string };
    roles: unknown[];
    timeline: unknown[];
  };
  expect(state.incident.id).toBe(id);
  expect(state.roles.length).toBe(4);
  expect(state.timeline.length).toBeGreaterThanOrEqual(4);
  const soul = await client.readResource({ uri: 'soul://active' });
  expect((soul.contents[0] as { text: string }).text).toContain('# Incident Response Commander');
  await expect(client.readResource({ uri: 'incident://INC-999' })).rejects.toThrow(/resource not found/);
  const { resourceTemplates } = await client.listResourceTemplates();
  expect(resourceTemplates[0]?.uriTemplate).toBe('incident://{id}');

  const { prompts } = await client.listPrompts();
  expect(prompts.map((p) => p.name).sort()).toEqual(['incident-kickoff', 'postmortem', 'stakeholder-update']);
  const kickoff = await client.getPrompt({
    name: 'incident-kickoff',
    arguments: { report: 'checkout is down', service: 'payment-api' },
  });
  expect((kickoff.messages[0]!.content as { text: string }).text).toMatch(
    /Report: checkout is down[\s\S]*assign_roles/,
  );
  await expect(client.getPrompt({ name: 'postmortem', arguments: {} })).rejects.toThrow(/needs argument "incidentId"/);
  await client.setLoggingLevel('warning');
  await client.ping();
}
