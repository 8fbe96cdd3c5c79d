import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../support/cli.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { slashCommand } from '../support/slack-events.js';
import { PEOPLE } from '../support/slack-harness.js';

/** `incident-commander slack` as the real process (the built bundle), against the fake Slack on loopback. */

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function home(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ic-slack-cli-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('incident-commander slack', () => {
  it('runs in Socket Mode with the offline playbook, declares from the slash command, and stops on SIGTERM', async () => {
    const fake: FakeSlack = await startFakeSlack();
    cleanup.push(() => fake.close());
    fake.addUser(PEOPLE.alice, 'Alice');
    const child = spawn(process.execPath, [CLI, 'slack', '--offline'], {
      env: {
        ...process.env,
        INCIDENT_COMMANDER_HOME: home(),
        INCIDENT_COMMANDER_LOG_LEVEL: 'warn',
        SLACK_BOT_TOKEN: 'xoxb-1111-2222-testtoken',
        SLACK_APP_TOKEN: 'xapp-1-A111-2222-testtoken',
        INCIDENT_COMMANDER_SLACK_API_URL: fake.apiUrl,
        ANTHROPIC_API_KEY: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const done = exited(child);
    cleanup.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await fake.until(() => fake.connections > 0, 'the CLI to connect', 15_000);
    await fake.until(() => /is in Slack/.test(stderr), 'the start line', 5000);
    expect(stderr).toMatch(/Socket Mode, \/ic, answered by the offline playbook/);

    const ack = await fake.deliver(
      'slash_commands',
      slashCommand(
        `http://127.0.0.1:${fake.port}`,
        PEOPLE.alice,
        'CGENERAL1',
        'declare Checkout API down, all customers get 503',
      ),
    );
    expect(ack.envelope_id).toBeTruthy();
    await fake.until(
      () => fake.callsOf('pins.add').length > 0 && fake.posts().length >= 2,
      'the incident channel',
      15_000,
    );
    expect(fake.callsOf('conversations.create')[0]!.args['name']).toMatch(/^inc-1-/);

    child.kill('SIGTERM');
    expect(await done).toBe(0);
    // stdout carries nothing but requested output: the app logs to stderr.
    expect(stdout).toBe('');
    expect(stderr).not.toContain('xoxb-1111');
  });

  it('refuses missing or malformed tokens, naming the variable and where to get it', async () => {
    const env = { INCIDENT_COMMANDER_HOME: home(), SLACK_BOT_TOKEN: '', SLACK_APP_TOKEN: '', SLACK_SIGNING_SECRET: '' };
    const missing = await runCli(['slack'], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/SLACK_BOT_TOKEN": is not set/);
    expect(missing.stderr).toMatch(/SLACK_APP_TOKEN": is not set/);
    expect(missing.stderr).toMatch(/connections:write/);
    const http = await runCli(['slack', '--http'], { env: { ...env, SLACK_BOT_TOKEN: 'xapp-1-wrong-kind-of-token' } });
    expect(http.stderr).toMatch(/SLACK_BOT_TOKEN": must start with xoxb-; got "xapp-…"/);
    expect(http.stderr).toMatch(/SLACK_SIGNING_SECRET": is not set/);
    expect(http.stderr).not.toContain('wrong-kind-of-token');
  });
});
