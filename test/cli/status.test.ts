import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness } from '../support/harness.js';
import { runCli } from '../support/cli.js';

let home: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'ic-status-'));
  env = {
    INCIDENT_COMMANDER_HOME: home,
    INCIDENT_COMMANDER_SOUL: '',
    INCIDENT_COMMANDER_SERVICES: '',
    INCIDENT_COMMANDER_ROSTER: '',
  };
  // Write history as it happened three days ago, through the real tools, into the file the CLI reads.
  const h = createHarness({
    dbPath: join(home, 'state.db'),
    start: new Date(Date.now() - 3 * 86_400_000).toISOString(),
  });
  await h.ok('open_incident', {
    title: 'Checkout failing',
    description: "customers can't check out",
    services: ['payment-api'],
  });
  await h.ok('create_action_item', {
    incidentId: 'INC-1',
    title: 'Alert on checkout error rate',
    owner: 'Priya',
    due: '1d',
    kind: 'detect',
  });
  h.clock.advanceMinutes(30);
  await h.ok('resolve_incident', { incidentId: 'INC-1', resolution: 'rolled back v2.14.0' });
  await h.ok('open_incident', { title: 'Search slow', description: 'search is slow for some customers' });
  await h.ok('start_hypothesis', {
    incidentId: 'INC-2',
    statement: 'the index rebuild saturates the cluster',
    owner: 'Omar',
  });
  await h.close();
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('incident-commander status and postmortem (real process)', () => {
  it('lists expired hypotheses, overdue updates, overdue post-mortems and overdue action items', async () => {
    const out = await runCli(['status'], { env });
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/Live incidents \(1\):\n {2}INC-2 SEV\d investigating — Search slow/);
    expect(out.stdout).toMatch(
      /! H-1 "the index rebuild saturates the cluster" \(owner Omar\) is \d d \d+ h past its 15-minute time-box/,
    );
    expect(out.stdout).toMatch(/! (?:engineering|customer) update overdue/);
    expect(out.stdout).toMatch(
      /Post-mortems due within 12 h or overdue \(1\):\n {2}INC-1 SEV1 — Checkout failing: OVERDUE by \d+ h/,
    );
    expect(out.stdout).toMatch(
      /Action items overdue \(1\):\n {2}AI-1 \(INC-1\) Alert on checkout error rate — owner Priya/,
    );
    const json = JSON.parse((await runCli(['status', '--json'], { env })).stdout) as {
      postmortems: { id: string; overdue: boolean }[];
      overdueActionItems: { id: string }[];
    };
    expect(json.postmortems).toEqual([expect.objectContaining({ id: 'INC-1', overdue: true })]);
    expect(json.overdueActionItems.map((i) => i.id)).toEqual(['AI-1']);
  });

  it('writes the post-mortem markdown to a file, or prints it', async () => {
    const file = join(home, 'INC-1.md');
    const written = await runCli(['postmortem', 'INC-1', '--out', file], { env });
    expect(written.code).toBe(0);
    expect(written.stdout).toBe('');
    const md = readFileSync(file, 'utf8');
    expect(md).toMatch(/^# Post-mortem: INC-1 Checkout failing/);
    expect(md).toMatch(
      /## Impact assessment[\s\S]*## Timeline[\s\S]*## Contributing factors[\s\S]*## Action items\n- AI-1 Alert on checkout error rate — owner Priya/,
    );
    const printed = await runCli(['postmortem', 'inc-1'], { env });
    expect(printed.stdout).toBe(md);
    expect((await runCli(['postmortem', 'nope'], { env })).code).toBe(2);
    expect((await runCli(['postmortem', 'INC-9'], { env })).stderr).toMatch(/incident "INC-9" does not exist/);
  });
});
