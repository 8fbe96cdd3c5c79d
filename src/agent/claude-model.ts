import Anthropic from '@anthropic-ai/sdk';
import { scrubSecrets, type Logger } from '../core/logger.js';
import { anthropicClient } from './anthropic-client.js';
import {
  ModelRequestError,
  ModelUnavailableError,
  type AssistantBlock,
  type Message,
  type ModelEvents,
  type ModelPort,
  type ModelRequest,
  type ModelResponse,
  type ModelStopReason,
} from './types.js';

export interface ClaudeModelOptions {
  apiKey: string;
  /** ANTHROPIC_BASE_URL: any endpoint that speaks the Messages API. */
  baseURL?: string | undefined;
  /** Retries the SDK makes for HTTP failures it recognises (408, 409, 429, 5xx, connection errors), honouring retry-after. */
  maxRetries: number;
  /** Per request, in ms. */
  timeoutMs: number;
  /**
   * Retries this adapter makes itself for failures the SDK does not retry: an `error` event
   * inside a stream after HTTP 200 (overloaded_error, api_error), or a stream cut mid-way.
   */
  streamRetries: number;
  /** Backoff before the first stream retry; doubles each time. */
  backoffMs: number;
  logger: Logger;
}

const EPHEMERAL = { type: 'ephemeral' } as const;

/** Cache breakpoint on the latest turn: the last block of the last message. Earlier turns stay byte-identical. */
function withLatestTurnCached(messages: readonly Message[]): Anthropic.MessageParam[] {
  return messages.map((m, i) => {
    if (i !== messages.length - 1) return m as Anthropic.MessageParam;
    const content = m.content.map((block, j) =>
      j === m.content.length - 1 ? { ...block, cache_control: EPHEMERAL } : block,
    );
    return { role: m.role, content } as Anthropic.MessageParam;
  });
}

/** The request as sent: cache breakpoints on the tools, the system prompt and the latest turn. */
export function toApiRequest(
  request: ModelRequest,
): Anthropic.MessageCreateParamsNonStreaming & { temperature?: number } {
  return {
    model: request.model,
    max_tokens: request.maxTokens,
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    system: [{ type: 'text', text: request.system, cache_control: EPHEMERAL }],
    tools: request.tools.map((t, i) => ({
      name: t.name,
      description: t.description,
      input_schema: t.input_schema as Anthropic.Tool.InputSchema,
      ...(i === request.tools.length - 1 ? { cache_control: EPHEMERAL } : {}),
    })),
    messages: withLatestTurnCached(request.messages),
  };
}

function fromApiMessage(message: Anthropic.Message): ModelResponse {
  const content: AssistantBlock[] = [];
  for (const block of message.content) {
    if (block.type === 'text') content.push({ type: 'text', text: block.text });
    else if (block.type === 'tool_use') {
      const input =
        block.input !== null && typeof block.input === 'object' && !Array.isArray(block.input)
          ? (block.input as Record<string, unknown>)
          : {};
      content.push({ type: 'tool_use', id: block.id, name: block.name, input });
    }
  }
  const u = message.usage;
  return {
    content,
    stopReason: (message.stop_reason ?? 'end_turn') as ModelStopReason,
    model: message.model,
    usage: {
      inputTokens: u.input_tokens,
      outputTokens: u.output_tokens,
      cacheReadTokens: u.cache_read_input_tokens ?? 0,
      cacheWriteTokens: u.cache_creation_input_tokens ?? 0,
    },
  };
}

const REQUEST_ERRORS: Record<number, string> = {
  400: 'The Messages API rejected the request (400). This is a bug in incident-commander or an unsupported model setting; check the model and max_tokens in SOUL.md.',
  401: 'ANTHROPIC_API_KEY was rejected (401). Check the key, or run with --offline.',
  403: 'The API key may not use this model (403). Pick another model in SOUL.md or with --model, or run with --offline.',
  404: 'The model or endpoint was not found (404). Check the model in SOUL.md and ANTHROPIC_BASE_URL.',
  413: 'The conversation is too large for one request (413). Start a new session (/new) or run with --offline.',
};

/** Claude through @anthropic-ai/sdk, streaming. */
export class ClaudeModel implements ModelPort {
  readonly name = 'anthropic';
  private readonly client: Anthropic;

  constructor(private readonly options: ClaudeModelOptions) {
    this.client = anthropicClient({ ...options, logger: options.logger.child({ component: 'anthropic-sdk' }) });
  }

  async respond(request: ModelRequest, events: ModelEvents, signal?: AbortSignal): Promise<ModelResponse> {
    const body = toApiRequest(request);
    let lastError: unknown;
    for (let attempt = 0; attempt <= this.options.streamRetries; attempt++) {
      if (attempt > 0) {
        const wait = this.options.backoffMs * 2 ** (attempt - 1);
        events.onRetry?.(describe(lastError));
        this.options.logger.warn({ attempt, waitMs: wait, err: describe(lastError) }, 'model stream failed; retrying');
        await new Promise((r) => setTimeout(r, wait));
      }
      let connected = false;
      try {
        const stream = this.client.messages.stream(body, signal ? { signal } : {});
        stream.on('connect', () => (connected = true));
        stream.on('text', (delta) => events.onText(delta));
        return fromApiMessage(await stream.finalMessage());
      } catch (error) {
        lastError = error;
        if (error instanceof Anthropic.APIUserAbortError) throw error;
        if (error instanceof Anthropic.APIError && typeof error.status === 'number') {
          const status = error.status;
          const hint = REQUEST_ERRORS[status];
          // Error text comes from the server (or a proxy in between): scrubbed, since it is shown, logged and saved in eval transcripts.
          if (hint) throw new ModelRequestError(scrubSecrets(`${status} ${error.message}`), status, hint);
          // 408/409/429/5xx/529: the SDK has already retried these with backoff and retry-after.
          throw new ModelUnavailableError(
            scrubSecrets(
              `Claude is unavailable: ${status} ${error.message} (after ${this.options.maxRetries + 1} attempts)`,
            ),
            this.options.maxRetries + 1,
            status,
          );
        }
        if (error instanceof Anthropic.APIConnectionError && !connected) {
          // Never connected (network down, DNS, timeout before headers): the SDK has already retried.
          throw new ModelUnavailableError(
            `Claude is unreachable: ${describe(error)} (after ${this.options.maxRetries + 1} attempts)`,
            this.options.maxRetries + 1,
          );
        }
        // Connected, then failed: an `error` event inside a 200 stream or a cut stream. Retried here.
      }
    }
    throw new ModelUnavailableError(
      `Claude is unavailable: ${describe(lastError)} (after ${this.options.streamRetries + 1} attempts)`,
      this.options.streamRetries + 1,
    );
  }
}

function describe(error: unknown): string {
  if (error instanceof Anthropic.APIError && !(error instanceof Anthropic.APIConnectionError)) {
    const type = (error.error as { error?: { type?: string } } | undefined)?.error?.type;
    return scrubSecrets(`${error.status ?? 'stream'} ${type ?? error.name}: ${error.message}`);
  }
  return scrubSecrets(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
}
