import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/config/package-root.js';
import { runCli } from '../support/cli.js';

let home: string;
let env: NodeJS.ProcessEnv;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'ic-cli-'));
  env = {
    INCIDENT_COMMANDER_HOME: home,
    INCIDENT_COMMANDER_SOUL: '',
    INCIDENT_COMMANDER_SERVICES: '',
    INCIDENT_COMMANDER_ROSTER: '',
  };
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

const fixture = (name: string): string => join(packageRoot(), 'test', 'fixtures', 'soul', name);

describe('incident-commander CLI (real process)', () => {
  it('prints help and the version', async () => {
    const help = await runCli(['--help'], { env });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: incident-commander <command>');
    expect(help.stdout).toContain('soul lint');
    const version = await runCli(['--version'], { env });
    expect(version).toMatchObject({ code: 0, stdout: '0.1.0\n', stderr: '' });
  });

  it('soul lint exits 0 on the shipped SOUL.md', async () => {
    const out = await runCli(['soul', 'lint'], { env });
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(
      /SOUL\.md: OK — incident-response-commander, model .*, \d+ tools; time-box 15 min, post-mortem within 48 h/,
    );
  });

  it('soul lint exits 1 on a broken SOUL.md and names the file, the field and the valid tools', async () => {
    const out = await runCli(['soul', 'lint', fixture('unknown-tool.md')], { env });
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain(`${fixture('unknown-tool.md')}: 2 error(s)`);
    expect(out.stderr).toMatch(
      /field "tools\[1\]": unknown tool "clasify_severity" \(did you mean "classify_severity"\?\); valid tools: classify_severity,/,
    );
  });

  it('soul lint reads --soul and INCIDENT_COMMANDER_SOUL, and prints JSON on request', async () => {
    const viaFlag = await runCli(['soul', 'lint', '--soul', fixture('wrong-types.md'), '--json'], { env });
    expect(viaFlag.code).toBe(1);
    expect(JSON.parse(viaFlag.stdout)).toMatchObject({
      ok: false,
      errors: expect.arrayContaining([{ field: 'max_tokens', problem: 'expected number, got "lots"' }]),
    });
    const viaEnv = await runCli(['soul', 'lint'], {
      env: { ...env, INCIDENT_COMMANDER_SOUL: fixture('lax-policy.md') },
    });
    expect(viaEnv.code).toBe(0);
    expect(viaEnv.stdout).toContain('warning: settings.hypothesis_timebox_minutes is 90');
  });

  it('exits 2 with a hint on bad usage', async () => {
    const unknown = await runCli(['frobnicate'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    const badFlag = await runCli(['incidents', 'list', '--status', 'sideways'], { env });
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/--status: .*\nUsage: incident-commander incidents list/);
    const noTool = await runCli(['tools', 'call'], { env });
    expect(noTool.code).toBe(2);
  });

  it('calls tools against the shared store: open, then list from a second process', async () => {
    const opened = await runCli(['tools', 'call', 'open_incident', '-'], {
      env,
      input: JSON.stringify({ title: 'Payment API returning 500s', description: "customers can't check out" }),
    });
    expect(opened.code).toBe(0);
    expect(JSON.parse(opened.stdout)).toMatchObject({
      ok: true,
      output: { incident: { id: 'INC-1', severity: 'SEV1' } },
    });
    const list = await runCli(['incidents', 'list'], { env });
    expect(list.stdout).toMatch(/^INC-1 +SEV1 investigating/);
    const bad = await runCli(
      ['tools', 'call', 'create_action_item', '{"incidentId":"INC-1","title":"x","kind":"detect"}'],
      { env },
    );
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).error.message).toContain('field "owner": is required');
  });

  it('names the config file and field when a services file is broken', async () => {
    const file = join(home, 'bad-services.yaml');
    writeFileSync(file, 'services:\n  Payment API:\n    repo: 12\n');
    const out = await runCli(['tools', 'list', '--json'], { env });
    expect(out.code).toBe(0);
    const broken = await runCli(['incidents', 'list', '--services', file], { env });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`${file}:`);
    expect(broken.stderr).toContain('field "services.Payment API": is not a valid name: must be lowercase');
  });
});
