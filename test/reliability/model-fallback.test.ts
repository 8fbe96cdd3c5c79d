/**
 * The "Done when" figures of the model path, through the shipped CLI as real processes against
 * the fake Messages API: with INCIDENT_COMMANDER_TIMEOUT_MS=3000 a stalled stream, a ping-only
 * stream and a refused key each get the playbook's answer within 15 s, and a 4-turn chat against
 * an API that never answers sends at most 5 requests in all.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../support/cli.js';
import { startFakeAnthropic, type FakeAnthropic, type FakeStep } from '../support/fake-anthropic.js';
import { recordFigures } from '../support/figures.js';

const REPORT = "Our payment API is returning 500 errors and customers can't check out";
const dirs: string[] = [];
const fakes: FakeAnthropic[] = [];
const figures: Record<string, unknown> = {};
afterAll(async () => {
  recordFigures('model-fallback', figures);
  await Promise.all(fakes.map((f) => f.close()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function world(step: FakeStep | null): Promise<{ fake: FakeAnthropic; env: NodeJS.ProcessEnv }> {
  const fake = await startFakeAnthropic();
  fakes.push(fake);
  if (step) fake.setResponder(() => step);
  const home = mkdtempSync(join(tmpdir(), 'ic-fallback-'));
  dirs.push(home);
  return {
    fake,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: home,
      INCIDENT_COMMANDER_HOME: home,
      INCIDENT_COMMANDER_LOG_LEVEL: 'warn',
      ANTHROPIC_API_KEY: 'sk-ant-test-key-for-the-fake-0123456789',
      ANTHROPIC_BASE_URL: fake.url,
      INCIDENT_COMMANDER_TIMEOUT_MS: '3000',
    },
  };
}

describe('ask falls back to the playbook within 15 s (INCIDENT_COMMANDER_TIMEOUT_MS=3000)', () => {
  it('for a stalled stream, a stream of pings only and a rejected key, each saying why once', async () => {
    const cases: [string, FakeStep, RegExp][] = [
      ['stalled', { kind: 'stall', ms: 120_000 }, /no data from Claude for 3 s after the stream began/],
      ['ping-only', { kind: 'pings', ms: 120_000, everyMs: 500 }, /no data from Claude for 3 s after the stream began/],
      [
        '401',
        { kind: 'http_error', status: 401, errorType: 'authentication_error' },
        /ANTHROPIC_API_KEY was rejected \(401: .*\): the key is wrong, revoked or expired\. Fix ANTHROPIC_API_KEY/,
      ],
    ];
    const results = await Promise.all(
      cases.map(async ([label, step, why]) => {
        const { fake, env } = await world(step);
        const started = performance.now();
        const result = await runCli(['ask', REPORT], { env, timeoutMs: 30_000 });
        return { label, why, result, seconds: (performance.now() - started) / 1000, requests: fake.requests.length };
      }),
    );
    for (const { label, why, result, seconds, requests } of results) {
      figures[`${label}Seconds`] = Math.round(seconds * 10) / 10;
      figures[`${label}Requests`] = requests;
      expect(result.code, `${label}: ${result.stderr}`).toBe(0);
      expect(seconds, label).toBeLessThan(15);
      expect(result.stdout, label).toMatch(/\*\*Severity: SEV1\*\*/);
      const said = result.stderr.split('\n').filter((l) => /Answering offline with the playbook/.test(l));
      expect(said, `${label}: ${result.stderr}`).toHaveLength(1);
      expect(said[0], label).toMatch(why);
      expect(result.stderr, label).toMatch(
        /answered by the offline playbook|the rest answered by the offline playbook/,
      );
    }
  }, 60_000);
});

describe('a 4-turn chat against an API that never answers', () => {
  it('sends at most 5 requests in all, says once that it answers offline, and answers every turn', async () => {
    const { fake, env } = await world({ kind: 'hang', ms: 20 });
    env['INCIDENT_COMMANDER_LOG_FILE'] = join(env['INCIDENT_COMMANDER_HOME']!, 'chat.log');
    const child = spawn(process.execPath, [CLI, 'chat'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const waitFor = async (pattern: RegExp): Promise<void> => {
      const deadline = Date.now() + 30_000;
      while (!pattern.test(stdout)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}\n${stdout}\n${stderr}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    try {
      await waitFor(/^incident-commander — Claude/m);
      const messages = [REPORT, 'who is on the incident?', 'draft an update for the executives', 'what next?'];
      for (const [i, message] of messages.entries()) {
        child.stdin.write(`${message}\n`);
        await new Promise((r) => setTimeout(r, 100));
        child.stdin.write('/cost\n');
        await waitFor(new RegExp(`This session, ${i + 1} turns?:`));
      }
      child.stdin.end('/quit\n');
      await new Promise((r) => child.once('close', r));
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    figures['chatTurns'] = 4;
    figures['chatRequests'] = fake.requests.length;
    expect(fake.requests.length).toBeLessThanOrEqual(5);
    expect(stderr.split('\n').filter((l) => /Answering offline with the playbook/.test(l))).toHaveLength(1);
    expect(stdout).toMatch(/\*\*Severity: SEV1\*\*/);
    expect(stdout).toMatch(
      /This session, 4 turns: no API tokens used \(what the offline playbook answers costs nothing\)\./,
    );
    // Logs went to the file: the chat's stderr carries only what a person reads.
    expect(stderr).not.toMatch(/"level":/);
    expect(readFileSync(join(env['INCIDENT_COMMANDER_HOME']!, 'chat.log'), 'utf8')).toMatch(/"level":40/);
  }, 60_000);
});

describe('ask on a good day', () => {
  it('says on stderr what the turn cost, and keeps a key the server echoed out of --json and the saved session', async () => {
    const { fake, env } = await world(null);
    const key = env['ANTHROPIC_API_KEY']!;
    fake.enqueue({
      kind: 'message',
      content: [{ type: 'text', text: `\u001b]0;owned\u0007Noted. Your key ${key} works. Severity: SEV2.` }],
      usage: { input_tokens: 1200, output_tokens: 40, cache_creation_input_tokens: 3000 },
    });
    const result = await runCli(['ask', '--json', 'search is slow for some users'], { env, timeoutMs: 30_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toContain(key);
    expect(result.stdout).not.toContain('\u001b');
    const reply = JSON.parse(result.stdout) as { reply: string };
    expect(reply.reply).toBe('Noted. Your key [redacted] works. Severity: SEV2.');
    expect(result.stderr).toMatch(
      /\[incident-commander\] 1,200 input \+ 40 output tokens \(cache: 0 read, 3,000 written\), about \$0\.0222 with claude-sonnet-5-5 \(an estimate, not an invoice\)/,
    );
    // The saved conversation (in state.db, written when the process ended) does not hold it either.
    const db = join(env['INCIDENT_COMMANDER_HOME']!, 'state.db');
    const bytes = [db, `${db}-wal`].flatMap((f) => (existsSync(f) ? [readFileSync(f).toString('latin1')] : []));
    expect(bytes.join('')).toContain('Your key [redacted] works');
    expect(bytes.join('')).not.toContain(key);
  }, 30_000);
});
