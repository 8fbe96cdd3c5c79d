import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { validateConfig } from '../core/yaml.js';
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
        .filter((c) => c.status !== 'skip')
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
  writeFileSync(path, `${JSON.stringify(baseline, null, 2)}\n`);
}

/** P(X ≤ k) for X ~ Binomial(n, p). */
export function binomialCdf(k: number, n: number, p: number): number {
  if (p <= 0) return 1;
  if (p >= 1) return k >= n ? 1 : 0;
  let sum = 0;
  let term = (1 - p) ** n;
  for (let i = 0; i <= k; i++) {
    sum += term;
    term *= ((n - i) / (i + 1)) * (p / (1 - p));
  }
  return Math.min(1, sum);
}

export interface Comparison {
  /** Pass rate fell by more than chance allows: P(this few passes | baseline rate) < alpha. */
  regressions: { id: string; from: number; to: number; pValue: number }[];
  /** Pass rate fell, but within what chance allows at this K: one flip, not a regression. */
  noise: { id: string; from: number; to: number; pValue: number }[];
  improvements: { id: string; from: number; to: number }[];
  /** In this run, not in the baseline, and failing. */
  newFailures: string[];
  missing: string[];
  /** Token use per run up more than 25%. */
  costlier: { id: string; from: number; to: number }[];
}

export function compare(report: SuiteReport, baseline: Baseline, alpha = 0.05): Comparison {
  const out: Comparison = { regressions: [], noise: [], improvements: [], newFailures: [], missing: [], costlier: [] };
  const seen = new Set<string>();
  for (const c of report.cases) {
    if (c.status === 'skip') continue;
    seen.add(c.id);
    const base = baseline.cases[c.id];
    if (!base) {
      if (c.status !== 'pass') out.newFailures.push(c.id);
      continue;
    }
    const n = c.runs.length;
    if (c.passRate < base.passRate) {
      const pValue = binomialCdf(c.passes, n, base.passRate);
      (pValue < alpha ? out.regressions : out.noise).push({ id: c.id, from: base.passRate, to: c.passRate, pValue });
    } else if (c.passRate > base.passRate) out.improvements.push({ id: c.id, from: base.passRate, to: c.passRate });
    const tokens = c.tokens / report.repeat;
    if (base.tokens > 0 && tokens > base.tokens * 1.25)
      out.costlier.push({ id: c.id, from: base.tokens, to: Math.round(tokens) });
  }
  for (const id of Object.keys(baseline.cases)) if (!seen.has(id)) out.missing.push(id);
  return out;
}
