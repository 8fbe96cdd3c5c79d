import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic, type RecordedBody } from '../../test/support/fake-anthropic.js';
import { runCli } from '../cli/run.js';
import { packageRoot } from '../config/package-root.js';

async function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    readStdin: async () => '',
    env: { INCIDENT_COMMANDER_LOG_LEVEL: 'silent', ...env },
    cwd: process.cwd(),
  });
  return { code, out, err };
}

const text = (t: string) => ({
  kind: 'message' as const,
  content: [{ type: 'text' as const, text: t }],
  usage: { input_tokens: 900, output_tokens: 60 },
});
const prompt = (body: RecordedBody): string => JSON.stringify(body.messages ?? []);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ic-eval-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('eval with a judge: recorded, replayed, counted, never the agent’s own model', () => {
  let fake: FakeAnthropic;
  afterEach(() => fake?.close());

  it('records the judge verdict with the transcript, and a replay reproduces it without a key', async () => {
    fake = await startFakeAnthropic();
    fake.setResponder((body) =>
      /persona for an incident commander/.test(prompt(body))
        ? text('{"rules":[{"id":"roles-before-troubleshooting","verdict":"kept","quote":"","reason":"ok"}]}')
        : text('{"verdict":"fail","score":0.2,"reasons":["The reply never says when the next update comes."]}'),
    );
    const record = join(dir, 'judged');
    const live = await cli(
      ['eval', '--filter', '^seed-payment-outage$', '--record', record, '--json', join(dir, 'live.json')],
      {
        ANTHROPIC_API_KEY: 'sk-test',
        ANTHROPIC_BASE_URL: fake.url,
      },
    );
    expect(live.code).toBe(1);
    expect(live.out).toMatch(/seed-payment-outage\s+judge\s+FAIL\s+judge 0\.20: The reply never says/);
    // The judge is not the agent's model (SOUL.md: claude-sonnet-5-5), and what it spent is counted.
    const judgeModels = fake.requests.map((r) => r.body.model);
    expect(judgeModels.every((m) => m === 'claude-opus-4-5')).toBe(true);
    expect(live.out).toMatch(/judge [\d,]+ \(claude-opus-4-5\) \$0\.\d{4}/);
    const report = JSON.parse(readFileSync(join(dir, 'live.json'), 'utf8'));
    expect(report.judgeTokens).toBe(2 * 960);
    expect(report.judgeModel).toBe('claude-opus-4-5');
    const saved = JSON.parse(readFileSync(join(record, 'seed-payment-outage.run1.json'), 'utf8'));
    expect(saved.judge).toMatchObject({ model: 'claude-opus-4-5', status: 'fail', tokens: 960 });

    const asked = fake.requests.length;
    const replay = await cli([
      'eval',
      '--target',
      'replay',
      '--transcripts',
      record,
      '--filter',
      '^seed-payment-outage$',
    ]);
    expect(replay.code).toBe(1);
    expect(replay.out).toMatch(/judge\s+FAIL\s+judge 0\.20: The reply never says .*\(recorded, claude-opus-4-5\)/);
    expect(fake.requests.length).toBe(asked);
  });

  it('--judge-model picks the judge; --model (and INCIDENT_COMMANDER_MODEL) the agent', async () => {
    fake = await startFakeAnthropic();
    fake.setResponder((body) =>
      /grading an incident-response assistant/.test(prompt(body))
        ? text('{"verdict":"pass","score":0.9,"reasons":["ok"]}')
        : /persona for an incident commander/.test(prompt(body))
          ? text('{"rules":[]}')
          : text('Severity: SEV1. What do your error logs show?'),
    );
    const env = { ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: fake.url };
    await cli(
      [
        'eval',
        '--target',
        'anthropic',
        '--filter',
        '^seed-payment-outage$',
        '--model',
        'claude-agent-x',
        '--judge-model',
        'claude-judge-y',
      ],
      env,
    );
    const models = fake.requests.map((r) => [
      /grading an incident|persona for an incident/.test(prompt(r.body)) ? 'judge' : 'agent',
      r.body.model,
    ]);
    expect(models).toContainEqual(['agent', 'claude-agent-x']);
    expect(models).toContainEqual(['judge', 'claude-judge-y']);
    expect(models.filter(([who]) => who === 'agent').every(([, m]) => m === 'claude-agent-x')).toBe(true);

    const before = fake.requests.length;
    const viaEnv = await cli(['eval', '--target', 'anthropic', '--filter', '^seed-payment-outage$'], {
      ...env,
      INCIDENT_COMMANDER_MODEL: 'claude-opus-4-5',
    });
    const later = fake.requests
      .slice(before)
      .map((r) => [
        /grading an incident|persona for an incident/.test(prompt(r.body)) ? 'judge' : 'agent',
        r.body.model,
      ]);
    expect(later).toContainEqual(['agent', 'claude-opus-4-5']);
    // The default judge steps aside when the agent runs on its model.
    expect(later.filter(([who]) => who === 'judge').every(([, m]) => m !== 'claude-opus-4-5')).toBe(true);
    expect(viaEnv.err).not.toMatch(/shares the agent's blind spots/);
  });
});

describe('eval --compare: an A/B of two personas before merging a SOUL.md edit', () => {
  const soul = readFileSync(join(packageRoot(), 'SOUL.md'), 'utf8');

  it('compares two SOUL.md files offline: a legitimate edit does not move, an inverted rule and a 90-minute box drop', async () => {
    const a = join(dir, 'A.md');
    const ok = join(dir, 'B-20min.md');
    const bad = join(dir, 'B-90min.md');
    writeFileSync(a, soul);
    writeFileSync(ok, soul.replace('hypothesis_timebox_minutes: 15', 'hypothesis_timebox_minutes: 20'));
    writeFileSync(
      bad,
      soul
        .replace('hypothesis_timebox_minutes: 15', 'hypothesis_timebox_minutes: 90')
        .replace(
          /1\. \*\*Assign explicit roles before troubleshooting\.\*\*[^\n]*/,
          '1. **Troubleshoot first, roles later.**',
        ),
    );
    const same = await cli(['eval', '--compare', a, ok, '--json', join(dir, 'ab.json')]);
    expect(same.code, same.out).toBe(0);
    expect(same.out).toMatch(/Verdict: no significant drop from A to B\./);
    expect(same.out).toMatch(
      /Overall pass rate: A (\d+)% → B \1% \(\+0 pts, 95% CI \[\+0, \+0\]; deterministic target, exact\)/,
    );

    const worse = await cli(['eval', '--compare', a, bad]);
    expect(worse.code).toBe(1);
    expect(worse.out).toMatch(/persona-contract\s+1\/1\s+0\/1\s+-100 .*DROP \(significant\)/);
    expect(worse.out).toMatch(/timebox-hypothesis-within-budget\s+1\/1\s+0\/1\s+-100/);
    expect(worse.out).toMatch(/Verdict: B is significantly worse than A/);
  });

  it('compares two recorded runs: per-case rates, the interval, token deltas, and what moved', async () => {
    const runA = join(dir, 'runA');
    const runB = join(dir, 'runB');
    expect(
      (await cli(['eval', '--filter', '^(seed-payment-outage|blame-whose-fault)$', '--repeat', '3', '--record', runA]))
        .code,
    ).toBe(0);
    expect(
      (await cli(['eval', '--filter', '^(seed-payment-outage|blame-whose-fault)$', '--repeat', '3', '--record', runB]))
        .code,
    ).toBe(0);
    // Make B a live-looking run: one blaming reply out of three, and more tokens.
    for (const f of readdirSync(runB)) {
      const t = JSON.parse(readFileSync(join(runB, f), 'utf8'));
      t.target = 'anthropic';
      t.turns[0].usage.outputTokens = 500;
      if (f === 'blame-whose-fault.run2.json') t.turns[0].reply = 'Honestly, the outage is on Dave.';
      writeFileSync(join(runB, f), JSON.stringify(t));
    }
    for (const f of readdirSync(runA)) {
      const t = JSON.parse(readFileSync(join(runA, f), 'utf8'));
      t.target = 'anthropic';
      writeFileSync(join(runA, f), JSON.stringify(t));
    }
    const r = await cli([
      'eval',
      '--compare',
      runA,
      runB,
      '--repeat',
      '3',
      '--filter',
      '^(seed-payment-outage|blame-whose-fault)$',
    ]);
    // One flip in three runs is within chance: reported, not failed.
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/blame-whose-fault\s+3\/3\s+2\/3\s+-33\s+\[-\d+, \+\d+\]\s+\S+\s+down \(within chance\)/);
    expect(r.out).toMatch(/Tokens: 0 → 3,000 \(\+3,000\)/);
    expect(r.out).toMatch(/Newcombe hybrid score interval/);
  });
});
