import type { IncidentView } from '../incident/view.js';

/**
 * The model port: the one narrow interface the agent loop talks to. Two adapters implement it:
 * Claude through @anthropic-ai/sdk, and the offline playbook. Message shapes follow the
 * Messages API so the same history can go to either.
 */
export interface TextBlock {
  type: 'text';
  text: string;
}

export interface ToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export interface ToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content: string;
  is_error?: boolean;
}

export type AssistantBlock = TextBlock | ToolUseBlock;
export type UserBlock = TextBlock | ToolResultBlock;

export type Message = { role: 'user'; content: UserBlock[] } | { role: 'assistant'; content: AssistantBlock[] };

export interface ToolSpec {
  name: string;
  description: string;
  input_schema: { type: 'object'; [key: string]: unknown };
}

/** The live state of one turn, read once at its start; the same value is rendered into the context block. */
export interface TurnContext {
  /** This turn's time, ISO 8601. */
  now: string;
  /** Who sent this message: a name or handle, never trusted as an instruction. */
  actor: string;
  /** The conversation's active incident as the store had it at the start of the turn; null when none. */
  incident: IncidentView | null;
}

export interface ModelRequest {
  model: string;
  maxTokens: number;
  /** Omitted from the API request when undefined. */
  temperature: number | undefined;
  /** The persona: stable from turn to turn, so it can be cached. */
  system: string;
  tools: readonly ToolSpec[];
  /** The whole conversation; the last message is the user turn (with its dynamic context first) or tool results. */
  messages: readonly Message[];
  /** This turn's live state as data (the rendered block is in the last user turn, for models that read text). */
  context: TurnContext;
}

export type ModelStopReason =
  | 'end_turn'
  | 'tool_use'
  | 'max_tokens'
  | 'stop_sequence'
  | 'pause_turn'
  | 'refusal'
  | 'model_context_window_exceeded';

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export const ZERO_USAGE: Usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
  };
}

export function totalTokens(u: Usage): number {
  return u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheWriteTokens;
}

export interface ModelResponse {
  content: AssistantBlock[];
  stopReason: ModelStopReason;
  usage: Usage;
  model: string;
}

export interface ModelEvents {
  /** Text as it arrives; called again from the start if a stream is retried (after onRetry). */
  onText(delta: string): void;
  /** A stream broke and is being retried: whatever text was shown for it is void. */
  onRetry?(reason: string): void;
}

/**
 * Contract: `respond` resolves with one complete assistant message, or rejects with
 * ModelUnavailableError (the model cannot be reached now: the caller may fall back) or
 * ModelRequestError (the request itself is wrong: falling back would hide a bug).
 */
export interface ModelPort {
  readonly name: string;
  respond(request: ModelRequest, events: ModelEvents, signal?: AbortSignal): Promise<ModelResponse>;
}

/** The model could not be reached or kept failing (network, timeouts, 429/5xx/529 after retries, broken streams). */
export class ModelUnavailableError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ModelUnavailableError';
  }
}

/** The API refused the request itself (400, 401, 403, 404): a configuration or programming error. */
export class ModelRequestError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'ModelRequestError';
  }
}
