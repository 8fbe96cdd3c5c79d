import type { EvalCase } from './case.js';
import type { Judge } from './judge.js';
import type { Verdict } from './graders/types.js';
import type { RecordedToolCall, Transcript } from './transcript.js';

export interface GraderResult extends Verdict {
  /** "turn 1 severity_stated", or "judge" for the case-level rubric. */
  label: string;
}

export interface RunReport {
  run: number;
  status: 'pass' | 'fail' | 'skip';
  results: GraderResult[];
  tokens: number;
  costUsd: number;
}

/**
 * Grades one recorded run. A turn the run never reached, or one that errored, fails its graders;
 * a grader that cannot check says skip; the run passes only if something passed and nothing failed.
 */
export async function gradeRun(evalCase: EvalCase, transcript: Transcript, judge: Judge | null): Promise<RunReport> {
  const results: GraderResult[] = [];
  const callsSoFar: RecordedToolCall[] = [];
  evalCase.turns.forEach((spec, i) => {
    const turn = transcript.turns[i];
    if (!turn || turn.error) {
      const why = turn?.error ? `the turn failed: ${turn.error}` : 'the run ended before this turn';
      for (const e of spec.expect) results.push({ label: e.label, status: 'fail', why });
      return;
    }
    callsSoFar.push(...turn.toolCalls);
    for (const e of spec.expect) {
      results.push({
        label: e.label,
        ...e.grader.grade({ turn, turnIndex: i, transcript, callsSoFar: [...callsSoFar] }, e.params as never),
      });
    }
  });
  if (evalCase.rubric) {
    results.push({
      label: 'judge',
      ...(judge
        ? await judge.grade(evalCase, transcript)
        : { status: 'skip' as const, why: 'LLM judge skipped: no ANTHROPIC_API_KEY' }),
    });
  }
  const failed = results.some((r) => r.status === 'fail');
  const passed = results.some((r) => r.status === 'pass');
  const tokens = transcript.turns.reduce(
    (n, t) => n + t.usage.inputTokens + t.usage.outputTokens + t.usage.cacheReadTokens + t.usage.cacheWriteTokens,
    0,
  );
  const costUsd = transcript.turns.reduce((n, t) => n + t.costUsd, 0);
  return { run: transcript.run, status: failed ? 'fail' : passed ? 'pass' : 'skip', results, tokens, costUsd };
}
