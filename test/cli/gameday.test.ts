import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

let root: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ic-gameday-cli-'));
  env = {
    INCIDENT_COMMANDER_HOME: join(root, 'home'),
    INCIDENT_COMMANDER_SOUL: '',
    INCIDENT_COMMANDER_SERVICES: '',
    INCIDENT_COMMANDER_ROSTER: '',
    INCIDENT_COMMANDER_RUNBOOKS: '',
    INCIDENT_COMMANDER_GAMEDAYS: '',
  };
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('incident-commander gameday (real process)', () => {
  it('lists the shipped scenarios', async () => {
    const out = await runCli(['gameday', '--list'], { env });
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(
      /^checkout-gateway-timeouts {2}Checkout failing after a payment gateway client upgrade \(expected SEV1\)\nsearch-index-lag {2}Stale search results during a sale \(expected SEV3\)\n$/,
    );
  });

  it('runs a scripted drill and prints the score as JSON, commentary on stderr', async () => {
    const script = join(root, 'search.txt');
    writeFileSync(
      script,
      [
        '# a scripted response to the search scenario',
        'Ana: Declaring SEV3, stale results but search works. IC: Ana, comms: Ben, TL: Chen, scribe: Ben',
        'Chen: Hypothesis: the full reindex starves the indexer of CPU',
        '+8 Chen: confirmed, pausing the reindex now',
        '/wait 12',
        'Ben: engineering update: reindex paused, lag falling',
        'Ana: resolved the incident',
        'Ana: action item: schedule full reindexes outside sale hours, owner Chen, due in 2 weeks',
      ].join('\n'),
    );
    const out = await runCli(['gameday', 'search-index-lag', '--script', script, '--json'], { env });
    expect(out.code).toBe(0);
    const result = JSON.parse(out.stdout) as {
      score: number;
      checks: { id: string; status: string }[];
      stats: { declaredAtMinute: number };
    };
    expect(result.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(result.score).toBe(100);
    expect(out.stderr).toMatch(/\[T\+00 09:30Z\] alert: PAGE SearchIndexLagHigh/);
    expect(out.stderr).toMatch(/Reindex paused\. Indexer lag falls to 3 minutes/);
  });

  it('reads the team from stdin when there is no script, and scores what it got', async () => {
    const out = await runCli(['gameday', 'checkout-gateway-timeouts', '--as', 'Omar'], {
      env,
      input: 'checking the recent deploys\n/wait 40\n/end\n',
    });
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/Score: 0\/100 \(0 of 7 checks passed\)/);
    expect(out.stdout).toMatch(/✗ Roles before troubleshooting: fetch_deploys ran before roles were assigned/);
    expect(out.stdout).toMatch(/✗ Severity first: severity was never classified/);
  });

  it('names a broken scenario field, an unknown scenario and an unknown drill command', async () => {
    const dir = join(root, 'scenarios');
    rmSync(dir, { recursive: true, force: true });
    (await import('node:fs')).mkdirSync(dir);
    writeFileSync(
      join(dir, 'broken.yaml'),
      'id: broken\ntitle: Broken\nbriefing: a scenario with a bad level in it\nteam: [Ana, Ben]\nexpect: { severity: SEV9 }\ntimeline: [{ at_minutes: 0, reveal: page }]\n',
    );
    const broken = await runCli(['gameday', 'broken', '--gamedays', dir], { env });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(
      /broken\.yaml: field "expect\.severity": expected one of "SEV1", "SEV2", "SEV3", "SEV4", got "SEV9"/,
    );
    const missing = await runCli(['gameday', 'nope'], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no scenario "nope"[\s\S]*gameday --list/);
    const badAs = await runCli(['gameday', 'search-index-lag', '--as', 'Zed'], { env });
    expect(badAs.code).toBe(2);
    expect(badAs.stderr).toMatch(/--as: "Zed" is not in the scenario team \(Ana, Ben, Chen\)/);
    const badLine = await runCli(['gameday', 'search-index-lag'], { env, input: '/rollback\n/end\n' });
    expect(badLine.stderr).toMatch(/unknown drill command "\/rollback"/);
  });
});
