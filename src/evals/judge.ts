import type Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import { anthropicClient } from '../agent/anthropic-client.js';
import { estimateCost } from '../agent/pricing.js';
import { scrubSecrets, type Logger } from '../core/logger.js';
import type { PromptTemplate } from '../templates/library.js';
import type { EvalCase } from './case.js';
import type { Verdict } from './graders/types.js';
import type { Transcript } from './transcript.js';

/** A judge's verdict with what it cost: the judge's tokens count in the run's cost. */
export interface JudgeVerdict extends Verdict {
  model: string;
  tokens: number;
  costUsd: number;
}

export interface Judge {
  readonly model: string;
  /** Never throws: a judge that cannot decide says skip, and never pass. */
  grade(evalCase: EvalCase, transcript: Transcript): Promise<JudgeVerdict>;
}

/**
 * The judge's default model: never the agent's own, so the judge does not share the agent's blind
 * spots. Override with --judge-model or INCIDENT_COMMANDER_JUDGE_MODEL.
 */
export function defaultJudgeModel(agentModel: string): string {
  const candidates = ['claude-opus-4-5', 'claude-sonnet-4-5'];
  return candidates.find((m) => m !== agentModel && !agentModel.startsWith(m)) ?? candidates[1]!;
}

const JudgeAnswer = z.object({
  verdict: z.enum(['pass', 'fail']),
  score: z.number().min(0).max(1),
  reasons: z.array(z.string()).min(1),
});

/** The transcript as the judge reads it: user turns, tool calls (name and outcome) and replies. */
export function formatTranscript(transcript: Transcript): string {
  return transcript.turns
    .map((t, i) =>
      [
        `### Turn ${i + 1} (${t.at})`,
        `User: ${t.user}`,
        t.toolCalls.length
          ? `Tool calls: ${t.toolCalls.map((c) => `${c.name}${c.isError ? ' (failed)' : ''} ${JSON.stringify(c.input).slice(0, 300)}`).join('; ')}`
          : 'Tool calls: none',
        t.error ? `The turn failed: ${t.error}` : `Assistant: ${t.reply}`,
      ].join('\n'),
    )
    .join('\n\n');
}

/** Parses the judge's reply: the JSON object in it, validated; anything else is an error, not a verdict. */
export function parseJudgeAnswer(text: string): z.output<typeof JudgeAnswer> {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) throw new Error('no JSON object in the judge reply');
  return JudgeAnswer.parse(JSON.parse(text.slice(start, end + 1)));
}

export interface ClaudeJudgeOptions {
  apiKey: string;
  baseURL?: string | undefined;
  model: string;
  template: PromptTemplate;
  logger: Logger;
  maxRetries?: number;
  timeoutMs?: number;
}

/** An LLM judge on Claude through @anthropic-ai/sdk, with the prompt from prompts/judge.md. */
export class ClaudeJudge implements Judge {
  private readonly client: Anthropic;

  readonly model: string;

  constructor(private readonly options: ClaudeJudgeOptions) {
    this.model = options.model;
    this.client = anthropicClient({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      maxRetries: options.maxRetries ?? 2,
      timeoutMs: options.timeoutMs ?? 60_000,
      logger: options.logger.child({ component: 'judge' }),
    });
  }

  async grade(evalCase: EvalCase, transcript: Transcript): Promise<JudgeVerdict> {
    const none = { model: this.model, tokens: 0, costUsd: 0 };
    if (!evalCase.rubric) return { status: 'skip', why: 'no rubric', ...none };
    let spent = none;
    try {
      const prompt = this.options.template.render({
        checks: evalCase.checks,
        rubric: evalCase.rubric,
        transcript: formatTranscript(transcript),
      });
      const message = await this.client.messages.create({
        model: this.options.model,
        max_tokens: 1024,
        messages: [{ role: 'user', content: prompt }],
      });
      const usage = {
        inputTokens: message.usage.input_tokens,
        outputTokens: message.usage.output_tokens,
        cacheReadTokens: message.usage.cache_read_input_tokens ?? 0,
        cacheWriteTokens: message.usage.cache_creation_input_tokens ?? 0,
      };
      spent = {
        model: message.model || this.model,
        tokens: usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens,
        costUsd: estimateCost(message.model || this.model, usage).usd,
      };
      const text = message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
      const answer = parseJudgeAnswer(text);
      return { status: answer.verdict, why: `judge ${answer.score.toFixed(2)}: ${answer.reasons.join(' ')}`, ...spent };
    } catch (error) {
      // A proxy may echo the key in its error: scrub before the message reaches the report or the logs.
      const message = scrubSecrets(error instanceof Error ? error.message : String(error));
      this.options.logger.warn({ err: message, case: evalCase.id }, 'judge failed');
      return { status: 'skip', why: `judge could not decide: ${message.slice(0, 200)}`, ...spent };
    }
  }
}
