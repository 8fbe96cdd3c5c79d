import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseYamlText, validateConfig } from '../../core/yaml.js';
import { defaultPersona, type PersonaContext } from '../persona.js';
import type { RecordedToolCall, Transcript, TurnRecord } from '../transcript.js';
import { NO_INCIDENT } from '../turn-state.js';
import { GRADERS } from './index.js';
import type { Verdict } from './types.js';

/**
 * Proof sets: for each grader, replies (and records) it must fail and ones it must pass, written
 * against what the grader means. evals/graders/<grader>.yaml; run by proofs.test.ts in `npm test`.
 */

const Call = z
  .object({
    name: z.string(),
    input: z.record(z.string(), z.unknown()).default({}),
    isError: z.boolean().default(false),
  })
  .strict();

const Example = z
  .object({
    why: z.string().min(3),
    reply: z.string().default(''),
    /** When the turn happened (default: the eval clock's start, 2026-03-10 14:00 UTC). */
    at: z.string().default('2026-03-10T14:00:00.000Z'),
    params: z.record(z.string(), z.unknown()).optional(),
    calls: z.array(Call).default([]),
    /** Tool calls of earlier turns. */
    earlier: z.array(Call).default([]),
    /** Start times of earlier turns (state-replay graders act on turns). */
    turns: z.array(z.string()).default([]),
    state: z.record(z.string(), z.unknown()).default({}),
    persona: z
      .object({
        timeboxMinutes: z.number().optional(),
        postmortemHours: z.number().optional(),
        actionItemMaxDueDays: z.number().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const ProofFile = z
  .object({
    grader: z.string(),
    /** Parameters for every example, as a case writes them (an object, or a grader's short form). */
    params: z.unknown().default({}),
    good: z.array(Example).min(1),
    bad: z.array(Example).min(1),
    /** Replies the grader cannot check: it must say skip, never pass. */
    skips: z.array(Example).default([]),
  })
  .strict();

export type ProofExample = z.output<typeof Example>;
export type Proofs = z.output<typeof ProofFile> & { file: string };

export function loadProofs(dir: string): Proofs[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const file = join(dir, f);
      return { ...validateConfig(ProofFile, parseYamlText(readFileSync(file, 'utf8'), file), file), file };
    });
}

const toCall = (c: z.output<typeof Call>): RecordedToolCall => ({
  name: c.name,
  input: c.input,
  output: {},
  isError: c.isError,
});

/** Grades one example the way a case would: one turn after the given earlier turns, on the given record. */
export function gradeExample(proofs: Proofs, example: ProofExample): Verdict {
  const grader = GRADERS.get(proofs.grader);
  if (!grader) throw new Error(`${proofs.file}: no grader "${proofs.grader}"`);
  // An example's params override the file's; null removes one.
  const base = proofs.params;
  const merged =
    typeof base === 'object' && base !== null
      ? Object.fromEntries(Object.entries({ ...base, ...(example.params ?? {}) }).filter(([, v]) => v !== null))
      : (example.params ?? base);
  const params = grader.params.parse(merged);
  const turnOf = (at: string, reply: string, calls: RecordedToolCall[]): TurnRecord => ({
    user: 'u',
    at,
    reply,
    toolCalls: calls,
    usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
    costUsd: 0,
    stopReason: 'end_turn',
    model: 'proof',
    error: null,
    state: {
      ...NO_INCIDENT,
      incidentId: 'INC-1',
      severity: 'SEV1',
      status: 'investigating',
      ...(example.state as Partial<TurnRecord['state']>),
    },
  });
  const earlier = example.earlier.map(toCall);
  const turn = turnOf(example.at, example.reply, example.calls.map(toCall));
  const previous = example.turns.map((at, i) => turnOf(at, '', i === 0 ? earlier : []));
  const transcript: Transcript = {
    version: 1,
    caseId: 'proof',
    run: 1,
    target: 'proof',
    soulHash: '',
    startedAt: '',
    turns: [...previous, turn],
  };
  const overrides = Object.fromEntries(Object.entries(example.persona ?? {}).filter(([, v]) => v !== undefined));
  const persona: PersonaContext = { ...defaultPersona(), ...overrides };
  return grader.grade(
    { turn, turnIndex: previous.length, transcript, callsSoFar: [...earlier, ...turn.toolCalls], persona },
    params as never,
  );
}
