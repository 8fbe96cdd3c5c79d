import type { z } from 'zod';
import type { PersonaContext } from '../persona.js';
import type { RecordedToolCall, Transcript, TurnRecord } from '../transcript.js';

/** pass and fail are judgements; skip means the grader could not check (never counted as a pass). */
export interface Verdict {
  status: 'pass' | 'fail' | 'skip';
  why: string;
}

export interface GradeInput {
  turn: TurnRecord;
  turnIndex: number;
  transcript: Transcript;
  /** Tool calls of every turn so far, this one included, in order. */
  callsSoFar: RecordedToolCall[];
  /** The active SOUL.md settings and severity framework: time-box, deadline, cadence, roles (default: the shipped ones). */
  persona?: PersonaContext | undefined;
}

export interface Grader<P extends z.ZodType = z.ZodType> {
  name: string;
  kind: 'text' | 'trajectory' | 'state';
  /** What the grader checks, for the report and for people writing cases. */
  description: string;
  params: P;
  grade(input: GradeInput, params: z.output<P>): Verdict;
}

/** A grader with its parameter type erased, as the registry holds it; params are validated before `grade`. */
export interface AnyGrader extends Omit<Grader, 'grade'> {
  grade(input: GradeInput, params: never): Verdict;
}

export function defineGrader<P extends z.ZodType>(grader: Grader<P>): AnyGrader {
  return grader;
}

export const pass = (why: string): Verdict => ({ status: 'pass', why });
export const fail = (why: string): Verdict => ({ status: 'fail', why });
export const skip = (why: string): Verdict => ({ status: 'skip', why });
