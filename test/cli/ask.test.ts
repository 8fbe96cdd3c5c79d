import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../support/cli.js';
import { makeGitRepo } from '../support/git-repo.js';

/** The one JSON object `ask --json` prints. */
interface AskJson {
  reply: string;
  model: string;
  incidentId: string | null;
  severity: string | null;
  toolCalls: { name: string; input: Record<string, unknown>; output: unknown; isError: boolean }[];
  usage: Record<string, number>;
  stopReason: string;
  fellBack: boolean;
  sessionId: string;
}

const PAYMENT = "Our payment API is returning 500 errors and customers can't check out";
/** Tools that investigate the system: none of them may run before roles are assigned. */
const TROUBLESHOOTING = ['fetch_deploys', 'log_event', 'start_hypothesis'];

let home: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'ic-ask-'));
  env = {
    INCIDENT_COMMANDER_HOME: home,
    INCIDENT_COMMANDER_SOUL: '',
    INCIDENT_COMMANDER_SERVICES: '',
    INCIDENT_COMMANDER_ROSTER: '',
    INCIDENT_COMMANDER_SEVERITY: '',
    INCIDENT_COMMANDER_DB: '',
  };
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

/** `ask --offline --json`, checked to be a clean run with exactly one line of JSON on stdout. */
async function ask(message: string, extra: readonly string[] = []): Promise<{ out: AskJson; raw: CliResult }> {
  const raw = await runCli(['ask', '--offline', '--json', ...extra, message], { env, timeoutMs: 10_000 });
  expect(raw.code, raw.stderr).toBe(0);
  expect(raw.stdout.endsWith('\n')).toBe(true);
  const lines = raw.stdout.split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[1]).toBe('');
  const out: AskJson = JSON.parse(lines[0]!);
  expect(out.model).toBe('offline-playbook');
  expect(out.fellBack).toBe(false);
  expect(out.toolCalls.filter((c) => c.isError)).toEqual([]);
  return { out, raw };
}

const names = (out: AskJson): string[] => out.toolCalls.map((c) => c.name);
const lastLine = (text: string): string =>
  text
    .split('\n')
    .filter((l) => l.trim())
    .at(-1) ?? '';

/**
 * A clock time in a reply ("21:11 UTC" or "2026-11-27 00:05 UTC") as minutes from `from`, taking
 * the nearest day when the date is left out (the reply omits it for today).
 */
function minutesAhead(clock: string, from: Date): number {
  const m = /(?:(\d{4}-\d{2}-\d{2}) )?(\d{2}):(\d{2}) UTC/.exec(clock);
  if (!m) throw new Error(`no clock time in ${clock}`);
  const day = m[1] ?? from.toISOString().slice(0, 10);
  const at = Date.parse(`${day}T${m[2]}:${m[3]}:00Z`);
  let diff = (at - from.getTime()) / 60_000;
  if (!m[1] && diff < -12 * 60) diff += 24 * 60;
  return diff;
}

function writeServices(repo: string): void {
  writeFileSync(
    join(home, 'services.yaml'),
    [
      'services:',
      '  payment-api:',
      '    display_name: Checkout',
      '    customer_facing: true',
      '    revenue_path: true',
      `    repo: ${JSON.stringify(repo)}`,
      '',
    ].join('\n'),
  );
}

/** Opens the seed's payment incident (INC-1) and returns the first reply. */
async function openPaymentIncident(): Promise<AskJson> {
  const { out } = await ask(PAYMENT);
  expect(out.incidentId).toBe('INC-1');
  expect(out.severity).toBe('SEV1');
  return out;
}

describe('ask --offline --json: the seed incident', () => {
  it('classifies SEV1, opens the incident, assigns roles before looking at deploys, and drafts the first update', async () => {
    const repo = makeGitRepo(join(home, 'payment-api'), [
      { at: new Date(Date.now() - 3 * 24 * 3600_000).toISOString(), subject: 'Initial payment service', author: 'Sam' },
      {
        at: new Date(Date.now() - 10 * 60_000).toISOString(),
        subject: 'Raise payment client timeout to 30s',
        author: 'Dana',
      },
    ]);
    writeServices(repo);
    const before = new Date();
    const { out } = await ask(PAYMENT);

    expect(out.severity).toBe('SEV1');
    expect(out.incidentId).toMatch(/^INC-\d+$/);
    expect(out.stopReason).toBe('end_turn');
    expect(out.sessionId).toMatch(/^chat-/);

    const calls = names(out);
    expect(calls.slice(0, 3)).toEqual(['classify_severity', 'open_incident', 'assign_roles']);
    const rolesAt = calls.indexOf('assign_roles');
    expect(calls.indexOf('fetch_deploys')).toBeGreaterThan(rolesAt);
    // Nothing troubleshooting-like between opening the incident and assigning roles.
    expect(calls.slice(0, rolesAt).filter((n) => TROUBLESHOOTING.includes(n))).toEqual([]);
    expect(calls).toContain('draft_stakeholder_update');

    const open = out.toolCalls.find((c) => c.name === 'open_incident')!;
    expect(open.input).toMatchObject({
      services: ['payment-api'],
      severity: 'SEV1',
      signals: { customerFacing: true, revenuePath: true },
    });
    const deploys = out.toolCalls.find((c) => c.name === 'fetch_deploys')!;
    expect(deploys.input).toMatchObject({ service: 'payment-api', incidentId: out.incidentId });
    const update = out.toolCalls.find((c) => c.name === 'draft_stakeholder_update')!;
    expect(update.input).toMatchObject({ incidentId: out.incidentId, audience: 'customer' });

    const reply = out.reply;
    expect(reply).toMatch(/Severity: SEV1/);
    expect(reply).toContain(out.incidentId!);
    // The ten-minute-old commit is named as the suspect, with its author.
    expect(reply).toMatch(/Recent deployment: [0-9a-f]{7,40} "Raise payment client timeout to 30s" by Dana/);
    expect(reply).not.toContain('Initial payment service');
    // Roles by name, the reporter holding IC.
    for (const role of ['IC', 'Comms', 'Tech Lead', 'Scribe']) expect(reply).toMatch(new RegExp(`^- ${role}: `, 'm'));
    expect(reply).toMatch(/^- Tech Lead: Need an engineer with payment-api ownership$/m);
    // The next update, on the SEV1 customer cadence (15 min), as a clock time.
    const next = /Next update due ((?:\d{4}-\d{2}-\d{2} )?\d{2}:\d{2} UTC) \(every (\d+) min\)/.exec(reply);
    expect(next, reply).not.toBeNull();
    expect(next![2]).toBe('15');
    const ahead = minutesAhead(next![1]!, before);
    expect(ahead).toBeGreaterThanOrEqual(13);
    expect(ahead).toBeLessThanOrEqual(17);
    // Customer text uses the display name, never the internal service name.
    expect(reply).toMatch(/^> Investigating — Checkout$/m);
    expect(reply.split('\n').filter((l) => l.startsWith('> '))).not.toContainEqual(
      expect.stringContaining('payment-api'),
    );
    expect(lastLine(reply).trim().endsWith('?')).toBe(true);
  });

  it('without services.yaml: still SEV1, no fetch_deploys, and tells the user to check recent deploys with git log', async () => {
    const { out } = await ask(PAYMENT);
    expect(out.severity).toBe('SEV1');
    expect(out.incidentId).toBe('INC-1');
    const calls = names(out);
    expect(calls.slice(0, 3)).toEqual(['classify_severity', 'open_incident', 'assign_roles']);
    expect(calls).not.toContain('fetch_deploys');
    expect(calls).toContain('draft_stakeholder_update');
    expect(out.reply).toMatch(/recent deploy/i);
    expect(out.reply).toMatch(/`git log --since='2 hours ago'` on payment-api/);
    expect(out.reply).toMatch(/Next update due (?:\d{4}-\d{2}-\d{2} )?\d{2}:\d{2} UTC/);
    expect(lastLine(out.reply).trim().endsWith('?')).toBe(true);
  });
});

describe('ask --offline --json: on-call rotation advice', () => {
  const cases = [
    { n: 4, share: '50%', perYear: 13 },
    { n: 6, share: '33%', perYear: 9 },
    { n: 9, share: '22%', perYear: 6 },
  ];
  it.each(cases)('team of $n: computed schedule, rules, one read-only planning call', async ({ n, share, perYear }) => {
    const { out } = await ask(`How do I set up a good on-call rotation for a team of ${n}?`);
    expect(names(out)).toEqual(['plan_oncall_rotation']);
    expect(out.toolCalls[0]!.input['members']).toHaveLength(n);
    expect(out.reply).toMatch(new RegExp(`I used placeholders \\(Engineer 1–${n}\\)`));
    expect(out.incidentId).toBeNull();
    const reply = out.reply;
    expect(reply).toContain(`For a team of ${n}`);
    expect(reply).toContain(`primary once every ${n} weeks`);
    expect(reply).toContain(
      `2 weeks of duty per ${n}-week cycle, ${share} of the time, about ${perYear} primary weeks a year`,
    );
    expect(reply).toMatch(/acknowledges within 15 minutes/);
    expect(reply).toMatch(/escalates to the secondary/);
    expect(reply).toMatch(/No on-call during leave/);
    expect(reply).toMatch(/Compensate on-call/);
    expect(reply).toMatch(/Every alert that pages has a runbook/);
    // Only the large team gets the warning about fading skills.
    if (n >= 9) {
      expect(reply).toMatch(/skills fade between shifts/);
      expect(reply).toMatch(/shadow shifts/);
    } else {
      expect(reply).not.toMatch(/skills fade/);
    }
    // No figure from another team size leaks in.
    for (const other of cases.filter((c) => c.n !== n)) expect(reply).not.toContain(`${other.share} of the time`);
  });
});

describe('ask --offline --json: pushback', () => {
  it('"skip the roles" on an open incident: roles are assigned first, and the reply says so', async () => {
    await openPaymentIncident();
    const { out } = await ask("skip the roles, let's just start debugging", ['--incident', 'INC-1']);
    expect(out.incidentId).toBe('INC-1');
    const calls = names(out);
    expect(calls).toContain('assign_roles');
    const rolesAt = calls.indexOf('assign_roles');
    expect(calls.slice(0, rolesAt).filter((n) => TROUBLESHOOTING.includes(n))).toEqual([]);
    expect(out.reply).toMatch(/^Roles first/);
    for (const role of ['IC', 'Comms', 'Tech Lead', 'Scribe'])
      expect(out.reply).toMatch(new RegExp(`^- ${role}: `, 'm'));
    expect(out.reply).toMatch(/Now troubleshoot, one hypothesis at a time, 15 minutes each/);
  });

  it('"whose fault is it?" (no outage words): blameless, systemic, no tools', async () => {
    const { out } = await ask('whose fault is it?');
    expect(out.toolCalls).toEqual([]);
    expect(out.incidentId).toBeNull();
    expect(out.reply).toMatch(/blameless/i);
    expect(out.reply).toMatch(/guardrail/);
  });

  it('"who caused this outage? whose fault is it?": no tools, no accusation, talks about guardrails and systemic causes', async () => {
    const { out } = await ask('who caused this outage? whose fault is it?');
    expect(out.toolCalls).toEqual([]);
    expect(out.incidentId).toBeNull();
    expect(out.reply).not.toMatch(/\b(?:is|was) (?:to blame|at fault|responsible)\b|\byour fault\b/i);
    expect(out.reply).toMatch(/blameless/i);
    expect(out.reply).toMatch(/guardrail/);
    expect(out.reply).toMatch(/blast radius|what let one change/);
  });

  it('"the first error is the root cause": a time-boxed hypothesis, logged on the timeline', async () => {
    await openPaymentIncident();
    const { out } = await ask("the first error in the log is a NullPointerException, so that's the root cause", [
      '--incident',
      'INC-1',
    ]);
    expect(names(out)).toEqual(['start_hypothesis', 'get_incident']);
    const started = out.toolCalls[0]!;
    expect(started.input).toMatchObject({ incidentId: 'INC-1' });
    expect(String(started.input['statement'])).toMatch(/NullPointerException/);
    expect(started.output).toMatchObject({ hypothesis: { id: 'H-1', timeboxMinutes: 15, status: 'open' } });
    expect(out.reply).toMatch(/hypothesis/i);
    expect(out.reply).toMatch(/time-boxed to 15 minutes/);
    expect(out.reply).toMatch(/on the timeline/);
    expect(out.reply).not.toMatch(/root cause is (?:the )?NullPointerException/i);
  });

  it('an action item needs an owner and a due date; with both it is created', async () => {
    await openPaymentIncident();
    const missing = await ask('add an action item: alert on checkout error rate', ['--incident', 'INC-1']);
    expect(names(missing.out)).not.toContain('create_action_item');
    expect(missing.out.toolCalls).toEqual([]);
    expect(missing.out.reply).toMatch(/owner/);
    expect(missing.out.reply).toMatch(/due date/);
    expect(missing.out.reply).toContain('"alert on checkout error rate"');

    const { out } = await ask('action item: alert on checkout error rate, owner Priya, due in 2 weeks', [
      '--incident',
      'INC-1',
    ]);
    const creates = out.toolCalls.filter((c) => c.name === 'create_action_item');
    expect(creates).toHaveLength(1);
    expect(creates[0]!.input).toMatchObject({
      incidentId: 'INC-1',
      title: 'alert on checkout error rate',
      owner: 'Priya',
      due: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      kind: 'detect',
    });
    expect(creates[0]!.output).toMatchObject({ item: { owner: 'Priya', title: 'alert on checkout error rate' } });
    expect(out.reply).toMatch(/AI-\d+ alert on checkout error rate — owner Priya, due \d{4}-\d{2}-\d{2}/);
  });
});

describe('ask --offline --json: stakeholder updates', () => {
  it('"draft an update for the executives" drafts the executive update with the next update time', async () => {
    await openPaymentIncident();
    const before = new Date();
    const { out } = await ask('draft an update for the executives', ['--incident', 'INC-1']);
    const drafts = out.toolCalls.filter((c) => c.name === 'draft_stakeholder_update');
    expect(drafts).toHaveLength(1);
    expect(drafts[0]!.input).toMatchObject({ incidentId: 'INC-1', audience: 'executive' });
    expect(out.reply).toMatch(/Executive update/);
    const next = /Next executive update due ((?:\d{4}-\d{2}-\d{2} )?\d{2}:\d{2} UTC)/.exec(out.reply);
    expect(next, out.reply).not.toBeNull();
    // SEV1 executives hear every 30 minutes.
    const ahead = minutesAhead(next![1]!, before);
    expect(ahead).toBeGreaterThanOrEqual(28);
    expect(ahead).toBeLessThanOrEqual(32);
  });
});

describe('ask: bad usage', () => {
  it('exits 2 with the usage on stderr when there is no message', async () => {
    const out = await runCli(['ask', '--offline', '--json'], { env, input: '' });
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('error: no message');
    expect(out.stderr).toContain('Usage: incident-commander ask "message"');
  });

  it('exits 2 on a malformed --incident id', async () => {
    const out = await runCli(['ask', '--offline', '--json', '--incident', 'nope', 'x'], { env });
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/--incident: must be an incident id such as INC-12/);
    expect(out.stderr).toContain('Usage: incident-commander ask');
  });

  it('exits 2 naming an unknown incident id', async () => {
    const out = await runCli(['ask', '--offline', '--json', '--incident', 'INC-99', 'x'], { env });
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('INC-99 does not exist');
    expect(out.stderr).toContain('incidents list');
  });
});
