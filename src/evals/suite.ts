import type { EvalCase } from './case.js';
import { gradeRun, type RunReport } from './grade.js';
import type { Judge } from './judge.js';
import type { PersonaContext } from './persona.js';
import type { Transcript } from './transcript.js';

export interface CaseReport {
  id: string;
  title: string;
  file: string;
  runs: RunReport[];
  passes: number;
  /** Passes over the runs that reached a verdict (runs lost to a model API outage do not count). */
  passRate: number;
  /**
   * pass: every run passed; fail: none did; flaky: some did; skip: nothing could be checked;
   * error: a run was lost to a model API outage; pending: a known gap, reported but never gating.
   */
  status: 'pass' | 'fail' | 'flaky' | 'skip' | 'error' | 'pending';
  /** For a pending case: why, and what it would have been. */
  pending: { why: string; outcome: 'pass' | 'fail' | 'flaky' | 'skip' | 'error' } | null;
  tokens: number;
  costUsd: number;
  judgeTokens: number;
  judgeCostUsd: number;
  durationMs: number;
}

export interface SuiteReport {
  target: string;
  repeat: number;
  /** The agent's model and the judge's (null when no judge ran). */
  model: string | null;
  judgeModel: string | null;
  cases: CaseReport[];
  /** pass^K: the share of graded cases that passed all K runs (pending cases left out). */
  passHatK: number;
  durationMs: number;
  startedAt: string;
  tokens: number;
  costUsd: number;
  judgeTokens: number;
  judgeCostUsd: number;
}

export interface SuiteOptions {
  cases: readonly EvalCase[];
  target: string;
  repeat: number;
  concurrency: number;
  /** A transcript for one run of one case: played against a model, or read back from disk (null when missing). */
  produce(evalCase: EvalCase, run: number): Promise<Transcript | null>;
  judge: Judge | null;
  /** Grade with the judge verdicts recorded in the transcripts (replay), not a new judge call. */
  replayJudge?: boolean;
  /** The persona's settings the graders read (time-box, deadline, cadence); default: the shipped ones. */
  persona?: PersonaContext | undefined;
  model?: string | null;
  onTranscript?: (transcript: Transcript) => void;
}

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}

const sum = <T>(items: readonly T[], f: (item: T) => number): number => items.reduce((n, x) => n + f(x), 0);

export function caseStatus(runs: readonly RunReport[]): Exclude<CaseReport['status'], 'pending'> {
  if (runs.some((r) => r.status === 'error')) return 'error';
  const graded = runs.filter((r) => r.status !== 'skip');
  const passes = graded.filter((r) => r.status === 'pass').length;
  if (!graded.length) return 'skip';
  return passes === runs.length ? 'pass' : passes === 0 ? 'fail' : 'flaky';
}

export async function runSuite(options: SuiteOptions): Promise<SuiteReport> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const runs = new Map<string, RunReport[]>();
  const times = new Map<string, number>();
  const jobs = options.cases.flatMap((c) =>
    Array.from({ length: options.repeat }, (_, i) => ({ evalCase: c, run: i + 1 })),
  );
  await pool(jobs, options.concurrency, async ({ evalCase, run }) => {
    const t0 = performance.now();
    const transcript = await options.produce(evalCase, run);
    const report: RunReport = transcript
      ? await gradeRun(evalCase, transcript, {
          judge: options.judge,
          persona: options.persona,
          replayJudge: options.replayJudge === true,
        })
      : {
          run,
          status: 'fail',
          results: [{ label: 'transcript', status: 'fail', why: `no transcript for run ${run}` }],
          tokens: 0,
          costUsd: 0,
          judgeTokens: 0,
          judgeCostUsd: 0,
        };
    if (transcript) options.onTranscript?.(transcript);
    runs.set(evalCase.id, [...(runs.get(evalCase.id) ?? []), report]);
    times.set(evalCase.id, (times.get(evalCase.id) ?? 0) + performance.now() - t0);
  });

  const cases: CaseReport[] = options.cases.map((c) => {
    const list = (runs.get(c.id) ?? []).sort((a, b) => a.run - b.run);
    const outcome = caseStatus(list);
    const decided = list.filter((r) => r.status === 'pass' || r.status === 'fail');
    const passes = decided.filter((r) => r.status === 'pass').length;
    return {
      id: c.id,
      title: c.title,
      file: c.file,
      runs: list,
      passes,
      passRate: decided.length ? passes / decided.length : 0,
      status: c.pending ? 'pending' : outcome,
      pending: c.pending ? { why: c.pending, outcome } : null,
      tokens: sum(list, (r) => r.tokens),
      costUsd: sum(list, (r) => r.costUsd),
      judgeTokens: sum(list, (r) => r.judgeTokens),
      judgeCostUsd: sum(list, (r) => r.judgeCostUsd),
      durationMs: times.get(c.id) ?? 0,
    };
  });
  const graded = cases.filter((c) => c.status !== 'skip' && c.status !== 'pending' && c.status !== 'error');
  return {
    target: options.target,
    repeat: options.repeat,
    model: options.model ?? null,
    judgeModel: options.judge?.model ?? null,
    cases,
    passHatK: graded.length ? graded.filter((c) => c.status === 'pass').length / graded.length : 0,
    durationMs: performance.now() - started,
    startedAt,
    tokens: sum(cases, (c) => c.tokens),
    costUsd: sum(cases, (c) => c.costUsd),
    judgeTokens: sum(cases, (c) => c.judgeTokens),
    judgeCostUsd: sum(cases, (c) => c.judgeCostUsd),
  };
}
