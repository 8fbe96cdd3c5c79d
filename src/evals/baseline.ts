import { readFileSync } from 'node:fs';
import { writePrivateFile } from '../core/files.js';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { validateConfig } from '../core/yaml.js';
import { fisherLower } from './stats.js';
import type { SuiteReport } from './suite.js';

const BaselineSchema = z
  .object({
    version: z.literal(1),
    target: z.string(),
    repeat: z.number().int().min(1),
    cases: z.record(
      z.string(),
      z.object({ passRate: z.number().min(0).max(1), tokens: z.number().min(0), costUsd: z.number().min(0) }).strict(),
    ),
  })
  .strict();

export type Baseline = z.output<typeof BaselineSchema>;

export function loadBaseline(path: string): Baseline {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      path,
      [
        {
          field: '',
          problem: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message,
        },
      ],
      'Write one with --update-baseline FILE.',
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(path, [{ field: '', problem: `not JSON: ${(error as Error).message}` }]);
  }
  return validateConfig(BaselineSchema, data, path);
}

export function writeBaseline(path: string, report: SuiteReport): void {
  const baseline: Baseline = {
    version: 1,
    target: report.target,
    repeat: report.repeat,
    cases: Object.fromEntries(
      report.cases
        .filter((c) => c.status !== 'skip' && c.status !== 'pending' && c.status !== 'error')
        .map((c) => [
          c.id,
          {
            passRate: Number(c.passRate.toFixed(4)),
            tokens: Math.round(c.tokens / report.repeat),
            costUsd: Number((c.costUsd / report.repeat).toFixed(6)),
          },
        ]),
    ),
  };
  writePrivateFile(path, `${JSON.stringify(baseline, null, 2)}\n`);
}

export { binomialCdf } from './stats.js';

export interface Comparison {
  /** Pass rate fell by more than chance allows (one-sided Fisher exact test, p < alpha), or fell at all on a deterministic target. */
  regressions: { id: string; from: number; to: number; pValue: number }[];
  /** Pass rate fell, but within what chance allows at these K: one flip, not a regression. */
  noise: { id: string; from: number; to: number; pValue: number }[];
  improvements: { id: string; from: number; to: number }[];
  /** In this run, not in the baseline, and failing. */
  newFailures: string[];
  missing: string[];
  /** Token use per run up more than 25%. */
  costlier: { id: string; from: number; to: number }[];
  /** Things the reader must know to trust the comparison (a K that differs from the baseline's). */
  warnings: string[];
}

export interface CompareOptions {
  alpha?: number;
  /** The offline playbook answers the same way every time: any drop is real, not chance. */
  deterministic?: boolean;
}

export function compare(report: SuiteReport, baseline: Baseline, options: CompareOptions = {}): Comparison {
  const alpha = options.alpha ?? 0.05;
  const deterministic = options.deterministic ?? false;
  const out: Comparison = {
    regressions: [],
    noise: [],
    improvements: [],
    newFailures: [],
    missing: [],
    costlier: [],
    warnings: [],
  };
  if (baseline.repeat !== report.repeat)
    out.warnings.push(
      `the baseline was recorded with --repeat ${baseline.repeat} and this run used --repeat ${report.repeat}: pass rates are compared run for run, but ${Math.min(baseline.repeat, report.repeat)} run(s) give little evidence; record the baseline with the K you run`,
    );
  if (!deterministic && report.repeat < 3)
    out.warnings.push(
      `at --repeat ${report.repeat} a single drop cannot be told from chance: use --repeat 3 or more against a live model`,
    );
  const seen = new Set<string>();
  for (const c of report.cases) {
    if (c.status === 'skip' || c.status === 'pending' || c.status === 'error') {
      if (baseline.cases[c.id]) seen.add(c.id);
      continue;
    }
    seen.add(c.id);
    const base = baseline.cases[c.id];
    if (!base) {
      if (c.status !== 'pass') out.newFailures.push(c.id);
      continue;
    }
    const n = c.runs.filter((r) => r.status === 'pass' || r.status === 'fail').length;
    if (c.passRate < base.passRate) {
      const basePasses = Math.round(base.passRate * baseline.repeat);
      const pValue = deterministic ? 0 : fisherLower(c.passes, n, basePasses, baseline.repeat);
      (pValue < alpha ? out.regressions : out.noise).push({ id: c.id, from: base.passRate, to: c.passRate, pValue });
    } else if (c.passRate > base.passRate) out.improvements.push({ id: c.id, from: base.passRate, to: c.passRate });
    const tokens = c.tokens / report.repeat;
    if (base.tokens > 0 && tokens > base.tokens * 1.25)
      out.costlier.push({ id: c.id, from: base.tokens, to: Math.round(tokens) });
  }
  for (const id of Object.keys(baseline.cases)) if (!seen.has(id)) out.missing.push(id);
  return out;
}
