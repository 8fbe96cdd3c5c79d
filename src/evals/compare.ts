import { newcombeDifference } from './stats.js';
import type { SuiteReport } from './suite.js';

/** One side of an A/B: per case, the runs that reached a verdict and what they cost. */
export interface Side {
  label: string;
  /** The offline playbook (or a replay of it) gives the same answer every time. */
  deterministic: boolean;
  repeat: number;
  cases: Map<string, { passes: number; runs: number; tokens: number; costUsd: number; why?: string }>;
}

export function sideOf(label: string, report: SuiteReport, deterministic: boolean): Side {
  const cases: Side['cases'] = new Map();
  for (const c of report.cases) {
    if (c.status === 'skip' || c.status === 'error') continue;
    const runs = c.runs.filter((r) => r.status === 'pass' || r.status === 'fail').length;
    const first = c.runs.flatMap((r) => r.results.filter((x) => x.status === 'fail')).at(0);
    cases.set(c.id, {
      passes: c.passes,
      runs,
      tokens: c.tokens + c.judgeTokens,
      costUsd: c.costUsd + c.judgeCostUsd,
      ...(first ? { why: `${first.label}: ${first.why}` } : {}),
    });
  }
  return { label, deterministic, repeat: report.repeat, cases };
}

export interface CaseDelta {
  id: string;
  a: { passes: number; runs: number };
  b: { passes: number; runs: number };
  diff: number;
  ci: [number, number];
  tokensPerRun: [number, number];
  costPerRun: [number, number];
  moved: 'up' | 'down' | null;
  significantDrop: boolean;
  /** For a case that moved down: B's first failing grader. */
  why: string | null;
}

export interface AbResult {
  a: string;
  b: string;
  deterministic: boolean;
  cases: CaseDelta[];
  overall: { a: number; b: number; diff: number; ci: [number, number]; significantDrop: boolean };
  tokens: [number, number];
  costUsd: [number, number];
  onlyIn: { a: string[]; b: string[] };
  /** Exit 1 only for this: some case's pass rate (or the overall rate) dropped by more than chance allows. */
  regressed: boolean;
}

/**
 * Compares two sides case by case. The difference of pass rates (B − A) gets Newcombe's hybrid
 * score interval at 95%; a drop is significant when the whole interval lies below zero. When both
 * sides are deterministic (the offline playbook) the rates are exact, the interval is the point,
 * and any drop is a real one.
 */
export function compareSides(a: Side, b: Side): AbResult {
  const deterministic = a.deterministic && b.deterministic;
  const ids = [...a.cases.keys()].filter((id) => b.cases.has(id));
  const cases: CaseDelta[] = ids.map((id) => {
    const x = a.cases.get(id)!;
    const y = b.cases.get(id)!;
    const ra = x.runs ? x.passes / x.runs : 0;
    const rb = y.runs ? y.passes / y.runs : 0;
    const diff = rb - ra;
    const ci: [number, number] =
      deterministic || !x.runs || !y.runs ? [diff, diff] : newcombeDifference(x.passes, x.runs, y.passes, y.runs);
    return {
      id,
      a: { passes: x.passes, runs: x.runs },
      b: { passes: y.passes, runs: y.runs },
      diff,
      ci,
      tokensPerRun: [x.tokens / Math.max(1, x.runs), y.tokens / Math.max(1, y.runs)],
      costPerRun: [x.costUsd / Math.max(1, x.runs), y.costUsd / Math.max(1, y.runs)],
      moved: diff > 0 ? 'up' : diff < 0 ? 'down' : null,
      significantDrop: diff < 0 && ci[1] < 0,
      why: diff < 0 ? (y.why ?? null) : null,
    };
  });
  const total = (side: 'a' | 'b'): [number, number] => [
    cases.reduce((n, c) => n + c[side].passes, 0),
    cases.reduce((n, c) => n + c[side].runs, 0),
  ];
  const [pa, na] = total('a');
  const [pb, nb] = total('b');
  const ra = na ? pa / na : 0;
  const rb = nb ? pb / nb : 0;
  const oci: [number, number] = deterministic || !na || !nb ? [rb - ra, rb - ra] : newcombeDifference(pa, na, pb, nb);
  const overall = { a: ra, b: rb, diff: rb - ra, ci: oci, significantDrop: rb < ra && oci[1] < 0 };
  const sumOf = (side: Side, f: (c: { tokens: number; costUsd: number }) => number): number =>
    ids.reduce((n, id) => n + f(side.cases.get(id)!), 0);
  return {
    a: a.label,
    b: b.label,
    deterministic,
    cases,
    overall,
    tokens: [sumOf(a, (c) => c.tokens), sumOf(b, (c) => c.tokens)],
    costUsd: [sumOf(a, (c) => c.costUsd), sumOf(b, (c) => c.costUsd)],
    onlyIn: {
      a: [...a.cases.keys()].filter((id) => !b.cases.has(id)),
      b: [...b.cases.keys()].filter((id) => !a.cases.has(id)),
    },
    regressed: overall.significantDrop || cases.some((c) => c.significantDrop),
  };
}

const pct = (x: number): string => `${(x * 100).toFixed(0)}%`;
const signed = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(0)}`;
const interval = ([l, u]: [number, number]): string => `[${signed(l)}, ${signed(u)}]`;

export function formatAb(r: AbResult, verbose: boolean): string {
  const lines: string[] = [];
  lines.push(`A: ${r.a}`, `B: ${r.b}`, '');
  lines.push(
    `${'case'.padEnd(36)} ${'A'.padStart(7)} ${'B'.padStart(7)} ${'B−A'.padStart(6)}  ${'95% CI (pts)'.padEnd(14)} ${'tokens/run A→B'.padEnd(18)} moved`,
  );
  lines.push('-'.repeat(110));
  for (const c of r.cases) {
    if (!verbose && c.moved === null) continue;
    const tokens =
      c.tokensPerRun[0] || c.tokensPerRun[1]
        ? `${Math.round(c.tokensPerRun[0])}→${Math.round(c.tokensPerRun[1])}`
        : '—';
    lines.push(
      `${c.id.slice(0, 36).padEnd(36)} ${`${c.a.passes}/${c.a.runs}`.padStart(7)} ${`${c.b.passes}/${c.b.runs}`.padStart(7)} ${signed(c.diff).padStart(6)}  ${interval(c.ci).padEnd(14)} ${tokens.padEnd(18)} ${c.moved === 'down' ? (c.significantDrop ? 'DROP (significant)' : 'down (within chance)') : c.moved === 'up' ? 'up' : ''}`,
    );
    if (c.why) lines.push(`${' '.repeat(4)}↳ B: ${c.why.replace(/\s+/g, ' ').slice(0, 140)}`);
  }
  lines.push('-'.repeat(110));
  const down = r.cases.filter((c) => c.moved === 'down');
  const up = r.cases.filter((c) => c.moved === 'up');
  lines.push(
    `${r.cases.length} cases compared: ${up.length} moved up, ${down.length} moved down (${down.filter((c) => c.significantDrop).length} significant), ${r.cases.length - up.length - down.length} unchanged.`,
  );
  lines.push(
    `Overall pass rate: A ${pct(r.overall.a)} → B ${pct(r.overall.b)} (${signed(r.overall.diff)} pts, 95% CI ${interval(r.overall.ci)}${r.deterministic ? '; deterministic target, exact' : '; Newcombe hybrid score interval'}).`,
  );
  lines.push(
    `Tokens: ${r.tokens[0].toLocaleString('en')} → ${r.tokens[1].toLocaleString('en')} (${r.tokens[1] - r.tokens[0] >= 0 ? '+' : ''}${(r.tokens[1] - r.tokens[0]).toLocaleString('en')}); estimated cost $${r.costUsd[0].toFixed(4)} → $${r.costUsd[1].toFixed(4)}.`,
  );
  if (r.onlyIn.a.length) lines.push(`Only in A: ${r.onlyIn.a.join(', ')}`);
  if (r.onlyIn.b.length) lines.push(`Only in B: ${r.onlyIn.b.join(', ')}`);
  lines.push(
    r.regressed
      ? 'Verdict: B is significantly worse than A on the cases marked DROP.'
      : 'Verdict: no significant drop from A to B.',
  );
  return lines.join('\n');
}
