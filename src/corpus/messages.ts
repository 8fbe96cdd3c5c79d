import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { INTENTS, KINDS, read, type Reading } from '../language/index.js';
import { classify } from '../severity/classify.js';
import { signalsFrom } from '../severity/extract.js';
import type { SeverityFramework } from '../severity/framework.js';
import { SEVERITIES, severityRank, type Severity } from '../severity/signals.js';

export const CORPUS_NOW = new Date('2026-11-12T10:00:00Z');

const Sev = z.enum(SEVERITIES);

export const MessageSchema = z
  .object({
    id: z.string().min(1),
    text: z.string(),
    source: z.string().min(1),
    context: z.enum(['none', 'active']),
    incident: z
      .object({
        title: z.string(),
        severity: Sev,
        status: z.string(),
        services: z.array(z.string()).default([]),
        minutes_in: z.number().optional(),
      })
      .optional(),
    intents: z.array(z.enum(INTENTS)).min(1),
    severity: z.tuple([Sev, Sev]).optional(),
    opens: z.boolean().optional(),
    kind: z.enum(KINDS).optional(),
    signals: z.record(z.string(), z.unknown()).optional(),
    expect: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();

export type CorpusMessage = z.output<typeof MessageSchema>;

/** Reads a JSONL half; every line is validated, and a bad line names its number. */
export function loadMessages(file: string): CorpusMessage[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line, i) => ({ line, n: i + 1 }))
    .filter(({ line }) => line.trim())
    .map(({ line, n }) => {
      const parsed = MessageSchema.safeParse(JSON.parse(line));
      if (!parsed.success)
        throw new Error(
          `${file}:${n}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        );
      return parsed.data;
    });
}

export interface MessageResult {
  message: CorpusMessage;
  reading: Reading;
  severity: Severity | null;
  intentOk: boolean;
  severityOk: boolean | null;
  openOk: boolean | null;
  kindOk: boolean | null;
  /** A security or wide-scope report classified below SEV2. */
  unsafe: boolean;
}

export interface MessageScores {
  total: number;
  intent: { ok: number; of: number };
  severity: { ok: number; of: number };
  opened: { ok: number; of: number };
  kind: { ok: number; of: number };
  unsafe: number;
  worstMs: number;
  meanMs: number;
}

/** Whether the reading opens an incident: what the offline commander does with a first message. */
export function opens(reading: Reading): boolean {
  return reading.intents.includes('report');
}

export function scoreMessage(message: CorpusMessage, framework: SeverityFramework): MessageResult {
  const reading = read(message.text, { now: CORPUS_NOW, active: message.context === 'active' });
  const primary = message.intents[0]!;
  const intentOk = reading.intents.includes(primary);
  let severity: Severity | null = null;
  let severityOk: boolean | null = null;
  let unsafe = false;
  if (message.severity) {
    severity = classify(framework, signalsFrom(reading).signals).level;
    const [min, max] = message.severity;
    const rank = severityRank(severity);
    severityOk = rank >= severityRank(min) && rank <= severityRank(max);
    const wide =
      message.signals?.['wide_scope'] === true || message.signals?.['security'] === true || message.kind === 'security';
    unsafe = wide && severityRank(max) <= 2 && rank > 2;
  }
  const openOk = message.context === 'none' && message.opens !== undefined ? opens(reading) === message.opens : null;
  const kindOk = message.kind && message.severity ? reading.kind === message.kind : null;
  return { message, reading, severity, intentOk, severityOk, openOk, kindOk, unsafe };
}

export function scoreMessages(
  messages: readonly CorpusMessage[],
  framework: SeverityFramework,
): { scores: MessageScores; results: MessageResult[] } {
  const results: MessageResult[] = [];
  let worst = 0;
  let total = 0;
  for (const m of messages) {
    const t0 = performance.now();
    results.push(scoreMessage(m, framework));
    const ms = performance.now() - t0;
    worst = Math.max(worst, ms);
    total += ms;
  }
  const count = (pick: (r: MessageResult) => boolean | null): { ok: number; of: number } => ({
    ok: results.filter((r) => pick(r) === true).length,
    of: results.filter((r) => pick(r) !== null).length,
  });
  return {
    results,
    scores: {
      total: results.length,
      intent: count((r) => r.intentOk),
      severity: count((r) => r.severityOk),
      opened: count((r) => r.openOk),
      kind: count((r) => r.kindOk),
      unsafe: results.filter((r) => r.unsafe).length,
      worstMs: worst,
      meanMs: results.length ? total / results.length : 0,
    },
  };
}
