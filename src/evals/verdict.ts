import type { Comparison } from './baseline.js';
import type { CaseReport, SuiteReport } from './suite.js';

/**
 * What each case means for the build, decided once so that the exit code, the JUnit report and the
 * summary always agree. Without a baseline a flaky case fails (pass^K: every run must pass); with
 * one, a drop within chance passes and is reported as flaky, and only a real regression fails.
 */
export interface CaseVerdict {
  outcome: 'passed' | 'failed' | 'error' | 'skipped' | 'pending';
  /** Some runs failed: reported as flaky whether or not the case fails the build. */
  flaky: boolean;
  reason: string;
}

export interface Verdicts {
  cases: Map<string, CaseVerdict>;
  ok: boolean;
  failed: string[];
  errors: string[];
}

export function decide(report: SuiteReport, comparison: Comparison | null): Verdicts {
  const cases = new Map<string, CaseVerdict>();
  const regressed = new Set([...(comparison?.regressions.map((r) => r.id) ?? []), ...(comparison?.newFailures ?? [])]);
  for (const c of report.cases) cases.set(c.id, verdictOf(c, comparison, regressed));
  const failed = report.cases.filter((c) => cases.get(c.id)!.outcome === 'failed').map((c) => c.id);
  const errors = report.cases.filter((c) => cases.get(c.id)!.outcome === 'error').map((c) => c.id);
  return { cases, ok: failed.length === 0 && errors.length === 0, failed, errors };
}

function verdictOf(c: CaseReport, comparison: Comparison | null, regressed: Set<string>): CaseVerdict {
  const rate = `${c.passes}/${c.runs.length} runs passed`;
  switch (c.status) {
    case 'pending':
      return { outcome: 'pending', flaky: false, reason: `pending (${c.pending!.outcome} now): ${c.pending!.why}` };
    case 'skip':
      return { outcome: 'skipped', flaky: false, reason: c.runs[0]?.results[0]?.why ?? 'nothing could be checked' };
    case 'error':
      return {
        outcome: 'error',
        flaky: false,
        reason: `${c.runs.filter((r) => r.status === 'error').length} run(s) lost to a model API outage: not a verdict on the persona`,
      };
    case 'pass':
      return { outcome: 'passed', flaky: false, reason: rate };
    default:
      break;
  }
  if (!comparison) return { outcome: 'failed', flaky: c.status === 'flaky', reason: rate };
  if (regressed.has(c.id))
    return { outcome: 'failed', flaky: c.status === 'flaky', reason: `${rate}: a regression against the baseline` };
  const noise = comparison.noise.find((n) => n.id === c.id);
  return {
    outcome: 'passed',
    flaky: true,
    reason: noise
      ? `${rate}: within chance of the baseline's ${noise.from.toFixed(2)} (p = ${noise.pValue.toFixed(3)})`
      : `${rate}: no worse than the baseline`,
  };
}
