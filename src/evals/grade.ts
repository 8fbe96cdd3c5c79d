import type { EvalCase } from './case.js';
import type { Verdict } from './graders/types.js';
import type { Judge } from './judge.js';
import type { PersonaContext } from './persona.js';
import type { RecordedToolCall, Transcript } from './transcript.js';

export interface GraderResult extends Verdict {
  /** "turn 1 severity_stated", or "judge" for the case-level rubric. */
  label: string;
}

export interface RunReport {
  run: number;
  /** error: the model API failed the run, so it says nothing about the persona. */
  status: 'pass' | 'fail' | 'skip' | 'error';
  results: GraderResult[];
  tokens: number;
  costUsd: number;
  judgeTokens: number;
  judgeCostUsd: number;
}

export interface GradeOptions {
  judge: Judge | null;
  persona?: PersonaContext | undefined;
  /** Use the judge verdict recorded with the transcript instead of asking the judge again. */
  replayJudge?: boolean;
}

/** A turn error from the model API (unreachable, 5xx after retries), not from the persona or the tools. */
export function isModelOutage(turn: Transcript['turns'][number]): boolean {
  if (!turn.error) return false;
  if (turn.errorKind) return turn.errorKind === 'model';
  return /^(?:ModelUnavailableError|APIConnectionError|APIConnectionTimeoutError|InternalServerError|RateLimitError|OverloadedError)\b/.test(
    turn.error,
  );
}

/**
 * Grades one recorded run. A turn the run never reached, or one that errored, fails its graders
 * (an outage of the model API makes the run an error instead); a grader that cannot check says
 * skip; the run passes only if something passed and nothing failed. The judge's verdict is written
 * onto the transcript so that a replay reproduces it.
 */
export async function gradeRun(evalCase: EvalCase, transcript: Transcript, options: GradeOptions): Promise<RunReport> {
  const results: GraderResult[] = [];
  const callsSoFar: RecordedToolCall[] = [];
  let outage: string | null = null;
  evalCase.turns.forEach((spec, i) => {
    const turn = transcript.turns[i];
    if (!turn || turn.error) {
      if (turn && isModelOutage(turn)) outage ??= turn.error;
      const why = turn?.error ? `the turn failed: ${turn.error}` : 'the run ended before this turn';
      for (const e of spec.expect) results.push({ label: e.label, status: 'fail', why });
      return;
    }
    callsSoFar.push(...turn.toolCalls);
    for (const e of spec.expect) {
      results.push({
        label: e.label,
        ...e.grader.grade(
          { turn, turnIndex: i, transcript, callsSoFar: [...callsSoFar], persona: options.persona },
          e.params as never,
        ),
      });
    }
  });
  let judgeTokens = 0;
  let judgeCostUsd = 0;
  if (evalCase.rubric) {
    const recorded = options.replayJudge ? transcript.judge : null;
    if (recorded) {
      results.push({ label: 'judge', status: recorded.status, why: `${recorded.why} (recorded, ${recorded.model})` });
    } else if (options.judge && !outage) {
      const verdict = await options.judge.grade(evalCase, transcript);
      judgeTokens = verdict.tokens;
      judgeCostUsd = verdict.costUsd;
      transcript.judge = {
        model: verdict.model,
        status: verdict.status,
        why: verdict.why,
        tokens: verdict.tokens,
        costUsd: verdict.costUsd,
      };
      results.push({ label: 'judge', status: verdict.status, why: verdict.why });
    } else {
      results.push({
        label: 'judge',
        status: 'skip',
        why: options.replayJudge
          ? 'LLM judge skipped: no verdict recorded with this transcript'
          : 'LLM judge skipped: no ANTHROPIC_API_KEY',
      });
    }
  }
  const failed = results.some((r) => r.status === 'fail');
  const passed = results.some((r) => r.status === 'pass');
  const tokens = transcript.turns.reduce(
    (n, t) => n + t.usage.inputTokens + t.usage.outputTokens + t.usage.cacheReadTokens + t.usage.cacheWriteTokens,
    0,
  );
  const costUsd = transcript.turns.reduce((n, t) => n + t.costUsd, 0);
  const status = outage ? 'error' : failed ? 'fail' : passed ? 'pass' : 'skip';
  if (outage) results.push({ label: 'model API', status: 'fail', why: `the model API was unavailable: ${outage}` });
  return { run: transcript.run, status, results, tokens, costUsd, judgeTokens, judgeCostUsd };
}
