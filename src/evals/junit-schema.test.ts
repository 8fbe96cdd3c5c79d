import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../config/package-root.js';
import { runCli } from '../cli/run.js';
import { compare } from './baseline.js';
import { parseCase } from './case.js';
import { toJUnit, toSummary } from './report.js';
import { runSuite } from './suite.js';
import type { Transcript } from './transcript.js';
import { NO_INCIDENT } from './turn-state.js';
import { decide } from './verdict.js';

const SCHEMAS = ['surefire-test-report-3.0.xsd', 'surefire-test-report-3.0.2.xsd'].map((f) =>
  join(packageRoot(), 'test', 'fixtures', 'surefire', f),
);

const xmllint = spawnSync('xmllint', ['--version'], { encoding: 'utf8' });
const haveXmllint = xmllint.status === 0;
if (!haveXmllint) {
  // CI sets IC_REQUIRE_XMLLINT=1 (.ci/run installs libxml2-utils): there the test fails instead of skipping.
  if (process.env['IC_REQUIRE_XMLLINT'] === '1')
    throw new Error('xmllint is required (IC_REQUIRE_XMLLINT=1) but was not found: install libxml2-utils');
  process.stderr.write(
    '\n*** SKIPPING the Surefire XSD validation of the JUnit report: xmllint not found (apt-get install libxml2-utils) ***\n',
  );
}

const dir = mkdtempSync(join(tmpdir(), 'ic-junit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function validate(xml: string): void {
  const file = join(dir, `report-${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(file, xml);
  for (const schema of SCHEMAS) {
    const r = spawnSync('xmllint', ['--noout', '--schema', schema, file], { encoding: 'utf8' });
    expect(r.stderr, `${schema}\n${r.stderr}`).toMatch(/validates$/m);
    expect(r.status, r.stderr).toBe(0);
  }
}

const CASE = (id: string): string => `
id: ${id}
title: ${id}
checks: The reply states a severity level.
rules: [severity-levels]
turns:
  - user: checkout is down
    expect:
      - severity_stated
`;

function transcript(caseId: string, run: number, reply: string, error: string | null = null): Transcript {
  return {
    version: 1,
    caseId,
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
        usage: { inputTokens: 100, outputTokens: 20, cacheReadTokens: 0, cacheWriteTokens: 0 },
        costUsd: 0.0006,
        stopReason: error ? 'error' : 'end_turn',
        model: 'm',
        error,
        state: NO_INCIDENT,
      },
    ],
  };
}

/** A report with every outcome, and reasons full of what XML must escape. */
async function everyOutcome() {
  const ids = ['passes', 'fails', 'flaky', 'outage', 'nothing-to-check', 'pending-gap'];
  const cases = ids.map((id) => parseCase(CASE(id), `${id}.yaml`));
  cases[4] = { ...cases[4]!, turns: [{ ...cases[4]!.turns[0]!, expect: [] }] };
  cases[5] = { ...cases[5]!, pending: 'the playbook does not yet do <this> & "that"' };
  const bad = 'It is bad <b>&amp;</b> "quoted" \u0007 bell';
  return runSuite({
    cases,
    target: 'test',
    repeat: 3,
    concurrency: 2,
    judge: null,
    produce: async (c, run) => {
      if (c.id === 'passes') return transcript(c.id, run, 'Severity: SEV1.');
      if (c.id === 'fails') return transcript(c.id, run, bad);
      if (c.id === 'flaky') return transcript(c.id, run, run === 2 ? bad : 'SEV2 declared.');
      if (c.id === 'outage')
        return transcript(c.id, run, '', 'ModelUnavailableError: 529 overloaded after 3 attempts <retry>');
      if (c.id === 'pending-gap') return transcript(c.id, run, bad);
      return transcript(c.id, run, 'anything');
    },
  });
}

describe.skipIf(!haveXmllint)('the JUnit report validates against Surefire’s XSD', () => {
  it('with every outcome: passed, failed, flaky (failing and tolerated), error, skipped, pending', async () => {
    const report = await everyOutcome();
    const strict = decide(report, null);
    const xml = toJUnit(report, strict);
    validate(xml);
    expect(xml).toMatch(
      /<testsuite name="incident-commander evals \(test\)" tests="6" failures="2" errors="1" skipped="2" time="[\d.]+">/,
    );
    expect(xml).toMatch(/<testcase name="outage"[^>]*>\s*<error message="3 run\(s\) lost to a model API outage/);
    expect(xml).toMatch(
      /<testcase name="pending-gap"[^>]*>\s*<skipped message="pending \(fail now\): the playbook does not yet do &lt;this&gt; &amp; &quot;that&quot;"/,
    );
    expect(xml).not.toContain('\u0007');

    const baseline = {
      version: 1 as const,
      target: 'test',
      repeat: 3,
      cases: Object.fromEntries(report.cases.map((c) => [c.id, { passRate: 1, tokens: 0, costUsd: 0 }])),
    };
    const tolerant = decide(report, compare(report, baseline));
    const flaky = toJUnit(report, tolerant);
    validate(flaky);
    expect(flaky).toMatch(
      /<testcase name="flaky"[^>]*>\s*<flakyFailure message="run 2 failed[^"]*" type="eval.flaky"><stackTrace>/,
    );
    expect(tolerant.cases.get('flaky')).toMatchObject({ outcome: 'passed', flaky: true });

    const summary = toSummary(report, null, strict);
    expect(summary).toMatch(/^## ❌ incident-commander evals — test/);
    expect(summary).toContain('| `outage` | error |');
    expect(summary).toContain('| `pending-gap` | pending |');
  });

  it('as `eval --junit` writes it for the whole offline suite, with --summary in GitHub’s format', async () => {
    const junit = join(dir, 'offline.xml');
    const summary = join(dir, 'summary.md');
    const stepSummary = join(dir, 'step-summary.md');
    writeFileSync(stepSummary, '# earlier step\n');
    let out = '';
    const code = await runCli(['eval', '--junit', junit, '--summary', summary], {
      stdout: (t) => void (out += t),
      stderr: () => undefined,
      readStdin: async () => '',
      env: { INCIDENT_COMMANDER_LOG_LEVEL: 'silent', GITHUB_STEP_SUMMARY: stepSummary },
      cwd: process.cwd(),
    });
    expect(code, out).toBe(0);
    validate(readFileSync(junit, 'utf8'));
    expect(readFileSync(summary, 'utf8')).toMatch(/^## ✅ incident-commander evals — offline\n\n\| cases \|/);
    // $GITHUB_STEP_SUMMARY is appended to, as every step of a job writes the same file.
    expect(readFileSync(stepSummary, 'utf8')).toMatch(/^# earlier step\n## ✅ incident-commander evals — offline/);
    expect(readFileSync(junit, 'utf8')).toContain('<testcase name="persona-contract"');
  });

  it('rejects what the old report wrote (the schema test can fail)', () => {
    const file = join(dir, 'old.xml');
    writeFileSync(
      file,
      '<?xml version="1.0"?><testsuites><testsuite name="x" tests="1" failures="0" skipped="0"><testcase name="c" file="c.yaml"><flakyFailure message="m"/></testcase></testsuite></testsuites>',
    );
    expect(() => execFileSync('xmllint', ['--noout', '--schema', SCHEMAS[0]!, file], { stdio: 'pipe' })).toThrow();
  });
});
