import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../config/package-root.js';
import { ConfigError } from '../core/errors.js';
import { silentLogger } from '../core/logger.js';
import { TemplateLibrary } from '../templates/library.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../test/support/fake-anthropic.js';
import { binomialCdf, compare } from './baseline.js';
import { parseCase, type EvalCase } from './case.js';
import { gradeRun } from './grade.js';
import { ClaudeJudge, parseJudgeAnswer } from './judge.js';
import { toJUnit } from './report.js';
import { decide } from './verdict.js';
import { runSuite } from './suite.js';
import type { Transcript } from './transcript.js';
import { NO_INCIDENT } from './turn-state.js';

const CASE = `
id: sample
title: Sample
checks: The reply states a severity and asks a question.
rules: [severity-levels]
turns:
  - user: checkout is down
    expect:
      - severity_stated
      - asks_question
judge:
  rubric: The reply states the severity and asks for evidence.
`;

const sample = parseCase(CASE, 'sample.yaml');

function transcript(reply: string, run = 1): Transcript {
  return {
    version: 1,
    caseId: 'sample',
    run,
    target: 'test',
    soulHash: 'h',
    startedAt: '',
    turns: [
      {
        user: 'checkout is down',
        at: '2026-03-10T14:00:00.000Z',
        reply,
        toolCalls: [],
        usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 },
        costUsd: 0.001,
        stopReason: 'end_turn',
        model: 'm',
        error: null,
        state: NO_INCIDENT,
      },
    ],
  };
}

const GOOD = 'Severity: SEV1. What do the logs show?';
const BAD = 'Let me look into it.';

describe('case files', () => {
  it('names the file, the field and the valid graders when a case is wrong', () => {
    const wrong = CASE.replace('- severity_stated', '- severity_said').replace(
      '- asks_question',
      '- update_cadence: { minutes: -5 }',
    );
    try {
      parseCase(wrong, 'evals/cases/sample.yaml');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      expect(message).toMatch(
        /^evals\/cases\/sample\.yaml: field "turns\[0\]\.expect\[0\]": unknown grader "severity_said"; graders: severity_stated,/,
      );
      expect(message).toContain('field "turns[0].expect[1].update_cadence.minutes"');
    }
    expect(() => parseCase(CASE.replace('rules: [severity-levels]', 'rules: [be-nice]'), 'x.yaml')).toThrow(
      /field "rules\[0\]": expected one of/,
    );
  });
});

describe('grading and aggregation', () => {
  it('a run passes when something passed and nothing failed; the missing judge is a skip, not a pass', async () => {
    const good = await gradeRun(sample, transcript(GOOD), { judge: null });
    expect(good.status).toBe('pass');
    expect(good.results.find((r) => r.label === 'judge')).toEqual({
      label: 'judge',
      status: 'skip',
      why: 'LLM judge skipped: no ANTHROPIC_API_KEY',
    });
    expect((await gradeRun(sample, transcript(BAD), { judge: null })).status).toBe('fail');
  });

  it('fails the graders of a turn that errored; an outage of the model API is an error, not a failure', async () => {
    const broken = transcript(GOOD);
    broken.turns[0]!.error = 'TypeError: cannot read properties of undefined';
    broken.turns[0]!.errorKind = 'runtime';
    const failed = await gradeRun(sample, broken, { judge: null });
    expect(failed.status).toBe('fail');
    expect(failed.results[0]!.why).toContain('the turn failed: TypeError');

    const outage = transcript(GOOD);
    outage.turns[0]!.error = 'ModelUnavailableError: Claude is unavailable after 3 attempts (529)';
    const errored = await gradeRun(sample, outage, { judge: null });
    expect(errored.status).toBe('error');
    const report = await runSuite({
      cases: [sample],
      target: 'test',
      repeat: 1,
      concurrency: 1,
      judge: null,
      produce: async () => outage,
    });
    const verdicts = decide(report, null);
    expect(verdicts.cases.get('sample')).toMatchObject({ outcome: 'error' });
    expect(verdicts.ok).toBe(false);
    expect(toJUnit(report, verdicts)).toMatch(
      /<error message="1 run\(s\) lost to a model API outage[^"]*" type="model.unavailable">/,
    );
    expect(toJUnit(report, verdicts)).not.toMatch(/<failure /);
  });

  it('reports pass rates over K runs, pass^K, and marks a case that passed some runs as flaky', async () => {
    const other = { ...sample, id: 'steady' };
    const report = await runSuite({
      cases: [sample, other],
      target: 'test',
      repeat: 3,
      concurrency: 2,
      judge: null,
      produce: async (c, run) => ({ ...transcript(c.id === 'sample' && run === 2 ? BAD : GOOD, run), caseId: c.id }),
    });
    const flaky = report.cases.find((c) => c.id === 'sample')!;
    expect(flaky).toMatchObject({ status: 'flaky', passes: 2 });
    expect(flaky.passRate).toBeCloseTo(2 / 3);
    expect(report.cases.find((c) => c.id === 'steady')).toMatchObject({ status: 'pass', passRate: 1 });
    expect(report.passHatK).toBe(0.5);
    expect(report.tokens).toBe(6 * 15);

    // Without a baseline every run must pass: the flaky case fails, in the exit code and in JUnit alike.
    const strict = decide(report, null);
    expect(strict.ok).toBe(false);
    expect(strict.cases.get('sample')).toMatchObject({ outcome: 'failed', flaky: true });
    expect(toJUnit(report, strict)).toMatch(/<testcase name="sample"[^>]*>\s*<failure message="2\/3 runs passed"/);
    expect(toJUnit(report, strict)).toContain('<property name="case.sample.flaky" value="true"/>');

    // Against a baseline where one flip is chance, it passes and is reported flaky, Surefire's way.
    const baseline = {
      version: 1 as const,
      target: 'test',
      repeat: 3,
      cases: {
        sample: { passRate: 1, tokens: 15, costUsd: 0.001 },
        steady: { passRate: 1, tokens: 15, costUsd: 0.001 },
      },
    };
    const comparison = compare(report, baseline);
    const lenient = decide(report, comparison);
    expect(lenient.ok).toBe(true);
    const junit = toJUnit(report, lenient);
    expect(junit.match(/<testcase /g)).toHaveLength(2);
    expect(junit).toMatch(
      /<testcase name="sample"[^>]*>\s*<flakyFailure message="run 2 failed: turn 1\.1 severity_stated: no severity level[^"]*" type="eval.flaky"><stackTrace>/,
    );
    expect(junit).not.toMatch(/<failure /);
  });

  it('counts a case with no transcript as failing, not skipped', async () => {
    const report = await runSuite({
      cases: [sample],
      target: 'replay',
      repeat: 1,
      concurrency: 1,
      judge: null,
      produce: async () => null,
    });
    expect(report.cases[0]!.status).toBe('fail');
    expect(toJUnit(report, decide(report, null))).toMatch(/<failure message="0\/1 runs passed"/);
  });
});

describe('baseline comparison', () => {
  it('computes the binomial tail', () => {
    expect(binomialCdf(3, 5, 0.8)).toBeCloseTo(0.26272, 5);
    expect(binomialCdf(2, 3, 1)).toBe(0);
    expect(binomialCdf(5, 5, 0.5)).toBeCloseTo(1, 10);
  });

  it('fails on a real drop, not on one flip', async () => {
    const run = (passes: number, k: number) =>
      runSuite({
        cases: [sample],
        target: 'test',
        repeat: k,
        concurrency: 1,
        judge: null,
        produce: async (_c, n) => transcript(n <= passes ? GOOD : BAD, n),
      });
    const perfect = {
      version: 1 as const,
      target: 'test',
      repeat: 5,
      cases: { sample: { passRate: 1, tokens: 15, costUsd: 0.001 } },
    };
    const shaky = { ...perfect, cases: { sample: { passRate: 0.8, tokens: 15, costUsd: 0.001 } } };
    // Against a rate of 1.0, one flip in five runs is chance (the baseline is a sample too), five are not.
    expect(compare(await run(4, 5), perfect)).toMatchObject({
      regressions: [],
      noise: [{ id: 'sample', from: 1, to: 0.8 }],
    });
    expect(compare(await run(0, 5), perfect).regressions).toHaveLength(1);
    expect(compare(await run(3, 5), shaky)).toMatchObject({
      regressions: [],
      noise: [{ id: 'sample', from: 0.8, to: 0.6 }],
    });
    expect(compare(await run(0, 5), shaky).regressions).toHaveLength(1);
    // The offline playbook is deterministic: any drop is a regression.
    expect(compare(await run(4, 5), perfect, { deterministic: true }).regressions).toHaveLength(1);
    // A baseline recorded with another K is named.
    expect(compare(await run(3, 3), perfect).warnings[0]).toMatch(/--repeat 5 and this run used --repeat 3/);
    expect(compare(await run(5, 5), { ...perfect, cases: {} }).newFailures).toEqual([]);
    expect(compare(await run(0, 5), { ...perfect, cases: {} }).newFailures).toEqual(['sample']);
  });
});

describe('LLM judge', () => {
  let fake: FakeAnthropic;
  afterEach(() => fake?.close());
  const judgeOn = async (): Promise<ClaudeJudge> => {
    fake = await startFakeAnthropic();
    return new ClaudeJudge({
      apiKey: 'k',
      baseURL: fake.url,
      model: 'claude-sonnet-5-5',
      template: TemplateLibrary.load(join(packageRoot(), 'prompts')).get('judge'),
      logger: silentLogger(),
      maxRetries: 0,
      timeoutMs: 2000,
    });
  };
  const answer = (text: string) => ({ kind: 'message' as const, content: [{ type: 'text' as const, text }] });

  it('passes a good reply and fails a bad one, sending the rubric and the transcript', async () => {
    const judge = await judgeOn();
    fake.enqueue(
      answer('{"verdict":"pass","score":0.9,"reasons":["States SEV1 and asks for logs."]}'),
      answer('Here: {"verdict":"fail","score":0.1,"reasons":["No severity."]}'),
    );
    expect(await judge.grade(sample, transcript(GOOD))).toMatchObject({
      status: 'pass',
      why: 'judge 0.90: States SEV1 and asks for logs.',
      model: 'claude-sonnet-5-5',
    });
    expect((await judge.grade(sample, transcript(BAD))).status).toBe('fail');
    const prompt = JSON.stringify(fake.requests[0]!.body.messages);
    expect(prompt).toContain('The reply states the severity and asks for evidence.');
    expect(prompt).toContain('Assistant: Severity: SEV1. What do the logs show?');
  });

  it('never passes a case it could not judge', async () => {
    const judge = await judgeOn();
    fake.enqueue(answer('Looks fine to me!'), answer('{"verdict":"maybe","score":2,"reasons":[]}'), {
      kind: 'http_error',
      status: 500,
      errorType: 'api_error',
    });
    for (let i = 0; i < 3; i++) expect((await judge.grade(sample, transcript(GOOD))).status).toBe('skip');
    expect(() => parseJudgeAnswer('{"verdict":"pass"}')).toThrow();
  });

  it('decides the case together with the deterministic graders', async () => {
    const judge = await judgeOn();
    fake.enqueue(answer('{"verdict":"fail","score":0.2,"reasons":["Too vague."]}'));
    const report = await gradeRun(sample as EvalCase, transcript(GOOD), { judge });
    expect(report.status).toBe('fail');
  });
});

describe('the shipped cases', () => {
  it('cover every persona rule, both seed dialogues and every audience', async () => {
    const { loadCases, RULES } = await import('./case.js');
    const cases = loadCases(join(packageRoot(), 'evals', 'cases'));
    const covered = new Set(cases.flatMap((c) => c.rules));
    expect(RULES.filter((r) => !covered.has(r))).toEqual([]);
    expect(cases.filter((c) => c.rules.includes('adversarial')).length).toBeGreaterThanOrEqual(4);
    expect(cases.every((c) => c.turns.every((t) => t.expect.length > 0))).toBe(true);
  });
});
