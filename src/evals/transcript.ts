import { z } from 'zod';

const ToolCall = z.object({
  name: z.string(),
  input: z.record(z.string(), z.unknown()),
  output: z.unknown(),
  isError: z.boolean(),
});

/** What a turn left behind in the store: graders check state, not only words. */
const TurnState = z.object({
  incidentId: z.string().nullable(),
  severity: z.string().nullable(),
  status: z.string().nullable(),
  rolesFilled: z.array(z.string()),
  rolesNeeded: z.array(z.string()),
  actionItems: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      owner: z.string(),
      dueAt: z.string(),
      createdAt: z.string().optional(),
      status: z.string().optional(),
    }),
  ),
  timelineLength: z.number(),
  /** The record as it stands, for the state-replay graders to replay on their own. */
  resolvedAt: z.string().nullable().default(null),
  postmortemPublishedAt: z.string().nullable().default(null),
  severityHistory: z.array(z.object({ to: z.string(), at: z.string() })).default([]),
  updates: z.array(z.object({ audience: z.string(), at: z.string(), noChange: z.boolean() })).default([]),
  hypotheses: z
    .array(
      z.object({
        id: z.string(),
        statement: z.string(),
        startedAt: z.string(),
        timeboxMinutes: z.number(),
        status: z.string(),
        resolvedAt: z.string().nullable(),
      }),
    )
    .default([]),
  /** Update windows missed so far (late or never sent), replayed from the record. */
  cadenceMisses: z
    .array(
      z.object({ audience: z.string(), dueAt: z.string(), sentAt: z.string().nullable(), lateMinutes: z.number() }),
    )
    .default([]),
  /** Hypotheses worked past their time-box so far. */
  timeboxOverruns: z
    .array(
      z.object({
        id: z.string(),
        statement: z.string(),
        owner: z.string(),
        overrunMinutes: z.number(),
        open: z.boolean(),
      }),
    )
    .default([]),
});

const TurnRecord = z.object({
  user: z.string(),
  /** Simulated time when the turn started. */
  at: z.string(),
  reply: z.string(),
  toolCalls: z.array(ToolCall),
  usage: z.object({
    inputTokens: z.number(),
    outputTokens: z.number(),
    cacheReadTokens: z.number(),
    cacheWriteTokens: z.number(),
  }),
  costUsd: z.number(),
  stopReason: z.string(),
  model: z.string(),
  error: z.string().nullable(),
  /** "model": the model API was unavailable (an error of the run, not a failure of the persona). */
  errorKind: z.enum(['model', 'runtime']).nullable().optional(),
  state: TurnState,
});

/** The LLM judge's verdict on a run, recorded so a replay grades exactly what the live run graded. */
const JudgeRecord = z.object({
  model: z.string(),
  status: z.enum(['pass', 'fail', 'skip']),
  why: z.string(),
  tokens: z.number().min(0).default(0),
  costUsd: z.number().min(0).default(0),
});

export const TranscriptSchema = z.object({
  version: z.literal(1),
  caseId: z.string(),
  run: z.number().int().min(1),
  target: z.string(),
  soulHash: z.string(),
  startedAt: z.string(),
  turns: z.array(TurnRecord),
  judge: JudgeRecord.nullable().optional(),
});

export type Transcript = z.output<typeof TranscriptSchema>;
export type TurnRecord = z.output<typeof TurnRecord>;
export type TurnState = z.output<typeof TurnState>;
export type RecordedToolCall = z.output<typeof ToolCall>;
export type JudgeRecord = z.output<typeof JudgeRecord>;
