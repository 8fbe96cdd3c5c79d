import type { EvalCase } from './case.js';
import { gradeRun, type RunReport } from './grade.js';
import type { Judge } from './judge.js';
import type { Transcript } from './transcript.js';

export interface CaseReport {
  id: string;
  title: string;
  file: string;
  runs: RunReport[];
  passes: number;
  passRate: number;
  /** pass: every run passed; fail: none did; flaky: some did; skip: nothing could be checked. */
  status: 'pass' | 'fail' | 'flaky' | 'skip';
  tokens: number;
  costUsd: number;
}

export interface SuiteReport {
  target: string;
  repeat: number;
  cases: CaseReport[];
  /** pass^K: the share of graded cases that passed all K runs. */
  passHatK: number;
  durationMs: number;
  tokens: number;
  costUsd: number;
}

export interface SuiteOptions {
  cases: readonly EvalCase[];
  target: string;
  repeat: number;
  concurrency: number;
  /** A transcript for one run of one case: played against a model, or read back from disk (null when missing). */
  produce(evalCase: EvalCase, run: number): Promise<Transcript | null>;
  judge: Judge | null;
  onTranscript?: (transcript: Transcript) => void;
}

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}

export async function runSuite(options: SuiteOptions): Promise<SuiteReport> {
  const started = performance.now();
  const runs = new Map<string, RunReport[]>();
  const jobs = options.cases.flatMap((c) =>
    Array.from({ length: options.repeat }, (_, i) => ({ evalCase: c, run: i + 1 })),
  );
  await pool(jobs, options.concurrency, async ({ evalCase, run }) => {
    const transcript = await options.produce(evalCase, run);
    const report: RunReport = transcript
      ? await gradeRun(evalCase, transcript, options.judge)
      : {
          run,
          status: 'fail',
          results: [{ label: 'transcript', status: 'fail', why: `no transcript for run ${run}` }],
          tokens: 0,
          costUsd: 0,
        };
    if (transcript) options.onTranscript?.(transcript);
    runs.set(evalCase.id, [...(runs.get(evalCase.id) ?? []), report]);
  });

  const cases: CaseReport[] = options.cases.map((c) => {
    const list = (runs.get(c.id) ?? []).sort((a, b) => a.run - b.run);
    const graded = list.filter((r) => r.status !== 'skip');
    const passes = graded.filter((r) => r.status === 'pass').length;
    const status: CaseReport['status'] = !graded.length
      ? 'skip'
      : passes === list.length
        ? 'pass'
        : passes === 0
          ? 'fail'
          : 'flaky';
    return {
      id: c.id,
      title: c.title,
      file: c.file,
      runs: list,
      passes,
      passRate: graded.length ? passes / list.length : 0,
      status,
      tokens: list.reduce((n, r) => n + r.tokens, 0),
      costUsd: list.reduce((n, r) => n + r.costUsd, 0),
    };
  });
  const graded = cases.filter((c) => c.status !== 'skip');
  return {
    target: options.target,
    repeat: options.repeat,
    cases,
    passHatK: graded.length ? graded.filter((c) => c.status === 'pass').length / graded.length : 0,
    durationMs: performance.now() - started,
    tokens: cases.reduce((n, c) => n + c.tokens, 0),
    costUsd: cases.reduce((n, c) => n + c.costUsd, 0),
  };
}
