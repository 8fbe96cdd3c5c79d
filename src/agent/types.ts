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
  /** How long the prompt cache should keep the prefix; the API's 5 minutes when unset. */
  cacheTtl?: '5m' | '1h' | undefined;
}

export type ModelStopReason =
  | 'end_turn'
  | 'tool_use'
  | 'max_tokens'
  | 'stop_sequence'
  | 'pause_turn'
  | 'refusal'
  | 'model_context_window_exceeded'
  /** Ours, not the API's: the stream broke after text was shown, so it is not retried (nothing prints twice). */
  | 'interrupted';

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
  /** With stopReason 'refusal': why, as the API says it (category and explanation may be null). */
  stopDetails?: { category: string | null; explanation: string | null } | undefined;
}

export interface ModelEvents {
  /**
   * Text as it arrives, free of control sequences and known secrets. Never repeated: a stream is
   * retried only when none of its text was shown yet.
   */
  onText(delta: string): void;
  /** A stream broke before any of its text was shown and is being retried. */
  onRetry?(reason: string): void;
  /** Something the person should know once, in plain words (the model is reachable again). */
  onNotice?(message: string): void;
}

/**
 * Contract: `respond` resolves with one complete assistant message, or rejects with
 * ModelUnavailableError (the model cannot be reached now: the caller may fall back) or
 * ModelRequestError (the request itself is wrong: falling back would hide a bug).
 */
export interface ModelPort {
  readonly name: string;
  respond(request: ModelRequest, events: ModelEvents, signal?: AbortSignal): Promise<ModelResponse>;
  /** A cheap check that the model can be reached with this key, for a circuit breaker's probe; rejects when not. */
  probe?(model: string, signal?: AbortSignal): Promise<void>;
}

/** Why the model is unavailable: each is said differently to the person and handled differently by the breaker. */
export type UnavailableKind = 'unreachable' | 'timeout' | 'overloaded' | 'server_error' | 'auth' | 'stream';

/**
 * The model could not be reached or kept failing (network, timeouts, 429/5xx/529 after retries,
 * broken streams, a key the API refuses): the caller may answer another way.
 */
export class ModelUnavailableError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
    readonly status?: number,
    readonly kind: UnavailableKind = 'unreachable',
    /** True when no request was made (the circuit is open) and the person was already told why. */
    readonly alreadyReported = false,
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
