import { XML_INVALID } from '../core/control.js';
import type { Comparison } from './baseline.js';
import type { CaseReport, SuiteReport } from './suite.js';
import type { Verdicts } from './verdict.js';

function cell(text: string, width: number): string {
  const t = text.replace(/\s+/g, ' ');
  return t.length > width ? `${t.slice(0, width - 1)}…` : t.padEnd(width);
}

/** Per grader across the K runs: "pass", "FAIL", "skip" or "flaky 2/3", with the reason of the first failure. */
function graderRows(c: CaseReport): [string, string, string][] {
  const labels = [...new Set(c.runs.flatMap((r) => r.results.map((x) => x.label)))];
  return labels.map((label) => {
    const results = c.runs.map((r) => r.results.find((x) => x.label === label)).filter((x) => x !== undefined);
    const passes = results.filter((x) => x.status === 'pass').length;
    const fails = results.filter((x) => x.status === 'fail');
    const status =
      fails.length === 0 ? (passes ? 'pass' : 'skip') : passes ? `flaky ${passes}/${results.length}` : 'FAIL';
    return [label, status, (fails[0] ?? results[0])?.why ?? ''];
  });
}

const money = (usd: number): string => `$${usd.toFixed(4)}`;

function caseLine(c: CaseReport, verdicts: Verdicts): string {
  const v = verdicts.cases.get(c.id)!;
  const shown =
    v.outcome === 'passed'
      ? v.flaky
        ? 'FLAKY'
        : 'PASS'
      : v.outcome === 'failed'
        ? c.status === 'flaky'
          ? 'FLAKY'
          : 'FAIL'
        : v.outcome.toUpperCase();
  const cost = c.tokens ? `, ${c.tokens} tokens, ${money(c.costUsd)}` : '';
  const judge = c.judgeTokens ? `, judge ${c.judgeTokens} tokens ${money(c.judgeCostUsd)}` : '';
  return `${cell(c.id, 34)} ${cell('= case', 32)} ${cell(shown, 10)} ${v.reason}${cost}${judge}`;
}

export function formatReport(
  report: SuiteReport,
  comparison: Comparison | null,
  verdicts: Verdicts,
  verbose: boolean,
): string {
  const lines: string[] = [];
  lines.push(`${cell('case', 34)} ${cell('grader', 32)} ${cell('result', 10)} why`);
  lines.push('-'.repeat(120));
  for (const c of report.cases) {
    for (const [label, status, why] of graderRows(c)) {
      if (!verbose && (status === 'pass' || status === 'skip')) continue;
      lines.push(`${cell(c.id, 34)} ${cell(label, 32)} ${cell(status, 10)} ${why}`);
    }
    lines.push(caseLine(c, verdicts));
  }
  lines.push('-'.repeat(120));
  const count = (outcome: string, flaky?: boolean): number =>
    [...verdicts.cases.values()].filter((v) => v.outcome === outcome && (flaky === undefined || v.flaky === flaky))
      .length;
  lines.push(
    `${report.cases.length} cases × ${report.repeat} run(s) on ${report.target}: ${count('passed')} pass (${count('passed', true)} flaky), ${count('failed')} fail, ${count('error')} error, ${count('pending')} pending, ${count('skipped')} skipped. pass^${report.repeat} = ${(report.passHatK * 100).toFixed(1)}%. ${(report.durationMs / 1000).toFixed(1)} s.`,
  );
  if (report.tokens || report.judgeTokens)
    lines.push(
      `Tokens: agent ${report.tokens.toLocaleString('en')} (${report.model ?? 'model'}) ${money(report.costUsd)}; judge ${report.judgeTokens.toLocaleString('en')} (${report.judgeModel ?? 'none'}) ${money(report.judgeCostUsd)}; total estimated cost ${money(report.costUsd + report.judgeCostUsd)}.`,
    );
  const judged = report.cases.flatMap((c) => c.runs.flatMap((r) => r.results.filter((x) => x.label === 'judge')));
  if (judged.length && judged.every((j) => j.status === 'skip'))
    lines.push(
      `LLM judge: skipped for ${judged.length} run(s) (${judged[0]!.why}); no case passed on the judge's account.`,
    );
  const pending = report.cases.filter((c) => c.status === 'pending');
  if (pending.length)
    lines.push(
      `Pending (run and reported, not gating): ${pending.map((c) => `${c.id} (${c.pending!.outcome})`).join(', ')}.`,
    );
  if (verdicts.errors.length)
    lines.push(
      `ERROR: ${verdicts.errors.length} case(s) lost runs to a model API outage — an error of the run, not a persona failure: ${verdicts.errors.join(', ')}.`,
    );
  if (comparison) {
    for (const w of comparison.warnings) lines.push(`WARNING: ${w}`);
    lines.push(
      `Against the baseline: ${comparison.regressions.length} regression(s), ${comparison.noise.length} drop(s) within chance, ${comparison.improvements.length} improvement(s), ${comparison.newFailures.length} new failing case(s).`,
    );
    for (const r of comparison.regressions)
      lines.push(`  REGRESSION ${r.id}: pass rate ${r.from} → ${r.to} (p = ${r.pValue.toFixed(3)})`);
    for (const r of comparison.noise)
      lines.push(
        `  within chance ${r.id}: ${r.from} → ${r.to} (p = ${r.pValue.toFixed(3)}), not a regression at this K`,
      );
    for (const id of comparison.newFailures) lines.push(`  NEW FAILING ${id}`);
    for (const id of comparison.missing) lines.push(`  missing from this run: ${id}`);
    for (const c of comparison.costlier) lines.push(`  costlier ${c.id}: ${c.from} → ${c.to} tokens per run`);
  }
  return lines.join('\n');
}

function xml(text: string): string {
  return text
    .replace(XML_INVALID, '')
    .replace(/[<>&"']/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch]!);
}

const seconds = (ms: number): string => (Math.max(0, ms) / 1000).toFixed(3);

function failingLines(c: CaseReport, runFilter: (status: string) => boolean): { run: number; text: string }[] {
  return c.runs
    .filter((r) => runFilter(r.status))
    .map((r) => ({
      run: r.run,
      text: r.results
        .filter((x) => x.status === 'fail')
        .map((x) => `${x.label}: ${x.why}`)
        .join('\n'),
    }));
}

/**
 * JUnit XML in Maven Surefire's schema (surefire-test-report-3.0.xsd): one <testsuite> with its
 * properties, one <testcase> per case with a time. A failed case carries <failure>; a flaky case that
 * the baseline tolerates passes with one <flakyFailure> (message and stackTrace) per failed run; a
 * model API outage is an <error>; pending and skipped cases are <skipped>. The verdicts are the
 * exit code's, so the report and the command never disagree.
 */
export function toJUnit(report: SuiteReport, verdicts: Verdicts): string {
  const outcomes = [...verdicts.cases.values()];
  const n = (o: string): number => outcomes.filter((v) => v.outcome === o).length;
  const classname = `evals.${report.target.replace(/[^\w.-]/g, '_')}`;
  const properties: [string, string][] = [
    ['target', report.target],
    ['repeat', String(report.repeat)],
    ['passHatK', report.passHatK.toFixed(4)],
    ['model', report.model ?? ''],
    ['judgeModel', report.judgeModel ?? ''],
    ['tokens', String(report.tokens)],
    ['costUsd', report.costUsd.toFixed(6)],
    ['judgeTokens', String(report.judgeTokens)],
    ['judgeCostUsd', report.judgeCostUsd.toFixed(6)],
    ...report.cases.flatMap((c): [string, string][] => [
      [`case.${c.id}.passRate`, c.passRate.toFixed(4)],
      [`case.${c.id}.flaky`, String(verdicts.cases.get(c.id)!.flaky)],
    ]),
  ];
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuite name="${xml(`incident-commander evals (${report.target})`)}" tests="${report.cases.length}" failures="${n('failed')}" errors="${n('error')}" skipped="${n('skipped') + n('pending')}" time="${seconds(report.durationMs)}">`,
    '  <properties>',
    ...properties.map(([k, v]) => `    <property name="${xml(k)}" value="${xml(v)}"/>`),
    '  </properties>',
  ];
  for (const c of report.cases) {
    const v = verdicts.cases.get(c.id)!;
    out.push(`  <testcase name="${xml(c.id)}" classname="${classname}" time="${seconds(c.durationMs)}">`);
    if (v.outcome === 'failed') {
      const failing = failingLines(c, (s) => s === 'fail');
      out.push(
        `    <failure message="${xml(v.reason)}" type="eval.failure">${xml(failing.map((f) => `run ${f.run}:\n${f.text}`).join('\n\n'))}</failure>`,
      );
    }
    if (v.outcome === 'passed' && v.flaky)
      for (const f of failingLines(c, (s) => s === 'fail'))
        out.push(
          `    <flakyFailure message="${xml(`run ${f.run} failed: ${f.text.split('\n')[0]!.slice(0, 300)}`)}" type="eval.flaky"><stackTrace>${xml(f.text)}</stackTrace></flakyFailure>`,
        );
    if (v.outcome === 'skipped' || v.outcome === 'pending') out.push(`    <skipped message="${xml(v.reason)}"/>`);
    if (v.outcome === 'error') {
      const errored = c.runs.filter((r) => r.status === 'error');
      const why = (r: (typeof errored)[number]): string => r.results.find((x) => x.label === 'model API')?.why ?? '';
      out.push(`    <error message="${xml(v.reason)}" type="model.unavailable">${xml(why(errored[0]!))}</error>`);
      for (const r of errored.slice(1))
        out.push(
          `    <rerunError message="${xml(`run ${r.run}`)}" type="model.unavailable"><stackTrace>${xml(why(r))}</stackTrace></rerunError>`,
        );
    }
    out.push('  </testcase>');
  }
  out.push('</testsuite>');
  return `${out.join('\n')}\n`;
}

function md(text: string): string {
  return text
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ')
    .replace(XML_INVALID, '');
}

/** A GitHub job summary (GitHub-flavoured markdown for $GITHUB_STEP_SUMMARY): totals, what failed and why. */
export function toSummary(report: SuiteReport, comparison: Comparison | null, verdicts: Verdicts): string {
  const outcomes = [...verdicts.cases.values()];
  const n = (o: string, flaky?: boolean): number =>
    outcomes.filter((v) => v.outcome === o && (flaky === undefined || v.flaky === flaky)).length;
  const lines = [
    `## ${verdicts.ok ? '✅' : '❌'} incident-commander evals — ${md(report.target)}`,
    '',
    '| cases | passed | flaky | failed | errors | pending | skipped | pass^K | agent tokens | judge tokens | est. cost |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${report.cases.length} × ${report.repeat} | ${n('passed', false)} | ${n('passed', true) + report.cases.filter((c) => verdicts.cases.get(c.id)!.outcome === 'failed' && c.status === 'flaky').length} | ${n('failed')} | ${n('error')} | ${n('pending')} | ${n('skipped')} | ${(report.passHatK * 100).toFixed(1)}% | ${report.tokens} | ${report.judgeTokens} | ${money(report.costUsd + report.judgeCostUsd)} |`,
    '',
  ];
  if (report.model || report.judgeModel)
    lines.push(`Agent model: \`${md(report.model ?? '—')}\`; judge model: \`${md(report.judgeModel ?? '—')}\`.`, '');
  const notable = report.cases.filter((c) => {
    const v = verdicts.cases.get(c.id)!;
    return v.outcome !== 'passed' || v.flaky;
  });
  if (notable.length) {
    lines.push('| case | result | why |', '|---|---|---|');
    for (const c of notable) {
      const v = verdicts.cases.get(c.id)!;
      const first = c.runs.flatMap((r) => r.results.filter((x) => x.status === 'fail')).at(0);
      const why = first ? `${v.reason} — ${first.label}: ${first.why}` : v.reason;
      lines.push(
        `| \`${md(c.id)}\` | ${v.flaky && v.outcome === 'passed' ? 'flaky' : v.outcome} | ${md(why).slice(0, 400)} |`,
      );
    }
    lines.push('');
  }
  if (comparison) {
    lines.push(
      `**Against the baseline:** ${comparison.regressions.length} regression(s), ${comparison.noise.length} drop(s) within chance, ${comparison.improvements.length} improvement(s), ${comparison.newFailures.length} new failing case(s).`,
    );
    for (const w of comparison.warnings) lines.push('', `> [!WARNING]`, `> ${md(w)}`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
