import { XML_INVALID } from '../core/control.js';
import type { Comparison } from './baseline.js';
import type { CaseReport, SuiteReport } from './suite.js';

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

export function formatReport(report: SuiteReport, comparison: Comparison | null, verbose: boolean): string {
  const lines: string[] = [];
  lines.push(`${cell('case', 34)} ${cell('grader', 32)} ${cell('result', 10)} why`);
  lines.push('-'.repeat(120));
  for (const c of report.cases) {
    for (const [label, status, why] of graderRows(c)) {
      if (!verbose && (status === 'pass' || status === 'skip')) continue;
      lines.push(`${cell(c.id, 34)} ${cell(label, 32)} ${cell(status, 10)} ${why}`);
    }
    const rate = `${c.passes}/${c.runs.length}`;
    lines.push(
      `${cell(c.id, 34)} ${cell('= case', 32)} ${cell(c.status === 'pass' ? 'PASS' : c.status.toUpperCase(), 10)} ${rate} runs passed${c.tokens ? `, ${c.tokens} tokens, $${c.costUsd.toFixed(4)}` : ''}`,
    );
  }
  lines.push('-'.repeat(120));
  const counts = (s: CaseReport['status']): number => report.cases.filter((c) => c.status === s).length;
  lines.push(
    `${report.cases.length} cases × ${report.repeat} run(s) on ${report.target}: ${counts('pass')} pass, ${counts('fail')} fail, ${counts('flaky')} flaky, ${counts('skip')} skipped. pass^${report.repeat} = ${(report.passHatK * 100).toFixed(1)}%. ${(report.durationMs / 1000).toFixed(1)} s.`,
  );
  if (report.tokens)
    lines.push(`Tokens: ${report.tokens.toLocaleString('en')}; estimated cost $${report.costUsd.toFixed(4)}.`);
  const judged = report.cases.flatMap((c) => c.runs.flatMap((r) => r.results.filter((x) => x.label === 'judge')));
  if (judged.length && judged.every((j) => j.status === 'skip'))
    lines.push(
      `LLM judge: skipped for ${judged.length} run(s) (${judged[0]!.why}); no case passed on the judge's account.`,
    );
  if (comparison) {
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
    .replace(/[<>&"']/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch]!)
    .replace(XML_INVALID, '');
}

/**
 * JUnit XML: one testcase per case. A case that passed only some of its K runs is marked flaky the
 * way Maven Surefire does (flakyFailure elements, no failure), with a "flaky" property.
 */
export function toJUnit(report: SuiteReport): string {
  const failures = report.cases.filter((c) => c.status === 'fail').length;
  const skipped = report.cases.filter((c) => c.status === 'skip').length;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="incident-commander evals" tests="${report.cases.length}" failures="${failures}" skipped="${skipped}" time="${(report.durationMs / 1000).toFixed(3)}">`,
    `  <testsuite name="evals.${xml(report.target)}" tests="${report.cases.length}" failures="${failures}" skipped="${skipped}" time="${(report.durationMs / 1000).toFixed(3)}">`,
    `    <properties><property name="repeat" value="${report.repeat}"/><property name="passHatK" value="${report.passHatK.toFixed(4)}"/></properties>`,
  ];
  for (const c of report.cases) {
    const failing = c.runs.flatMap((r) =>
      r.results.filter((x) => x.status === 'fail').map((x) => `run ${r.run}: ${x.label}: ${x.why}`),
    );
    out.push(`    <testcase classname="evals.${xml(report.target)}" name="${xml(c.id)}" file="${xml(c.file)}">`);
    out.push(
      `      <properties><property name="passRate" value="${c.passRate.toFixed(4)}"/><property name="flaky" value="${c.status === 'flaky'}"/><property name="tokens" value="${c.tokens}"/></properties>`,
    );
    if (c.status === 'fail')
      out.push(
        `      <failure message="${xml(`${c.passes}/${c.runs.length} runs passed`)}" type="eval">${xml(failing.join('\n'))}</failure>`,
      );
    if (c.status === 'flaky')
      for (const f of failing) out.push(`      <flakyFailure message="${xml(f.slice(0, 300))}" type="eval"/>`);
    if (c.status === 'skip')
      out.push(`      <skipped message="${xml(c.runs[0]?.results[0]?.why ?? 'nothing could be checked')}"/>`);
    out.push('    </testcase>');
  }
  out.push('  </testsuite>', '</testsuites>');
  return `${out.join('\n')}\n`;
}
