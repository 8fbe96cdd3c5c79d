import Anthropic from '@anthropic-ai/sdk';
import { scrubSecrets, type Logger } from '../core/logger.js';
import { anthropicClient } from './anthropic-client.js';
import { cleanModelText, SafeTextStream } from './stream-text.js';
import {
  ModelRequestError,
  ModelUnavailableError,
  type UnavailableKind,
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
  /**
   * Per request, in ms: for the response headers (the SDK's timeout) and then again between any
   * two stream events (a ping does not count: a stream that only pings is as good as stalled).
   */
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

type CacheControl = { type: 'ephemeral'; ttl?: '1h' };

/** Cache breakpoint on the latest turn: the last block of the last message. Earlier turns stay byte-identical. */
function withLatestTurnCached(messages: readonly Message[], cache: CacheControl): Anthropic.MessageParam[] {
  return messages.map((m, i) => {
    if (i !== messages.length - 1) return m as Anthropic.MessageParam;
    const content = m.content.map((block, j) =>
      j === m.content.length - 1 ? { ...block, cache_control: cache } : block,
    );
    return { role: m.role, content } as Anthropic.MessageParam;
  });
}

/** The request as sent: cache breakpoints on the tools, the system prompt and the latest turn. */
export function toApiRequest(
  request: ModelRequest,
): Anthropic.MessageCreateParamsNonStreaming & { temperature?: number } {
  // The API's default lifetime is 5 minutes; "1h" must be asked for on every breakpoint.
  const EPHEMERAL: CacheControl = request.cacheTtl === '1h' ? { type: 'ephemeral', ttl: '1h' } : { type: 'ephemeral' };
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
    messages: withLatestTurnCached(request.messages, EPHEMERAL),
  };
}

function fromApiMessage(message: Anthropic.Message): ModelResponse {
  const content: AssistantBlock[] = [];
  for (const block of message.content) {
    // What is kept is what was shown: the same text, without escapes or secrets.
    if (block.type === 'text') content.push({ type: 'text', text: cleanModelText(block.text) });
    else if (block.type === 'tool_use') {
      const input =
        block.input !== null && typeof block.input === 'object' && !Array.isArray(block.input)
          ? (block.input as Record<string, unknown>)
          : {};
      content.push({ type: 'tool_use', id: block.id, name: block.name, input });
    }
  }
  const u = message.usage;
  const details = message.stop_details;
  return {
    content,
    stopReason: (message.stop_reason ?? 'end_turn') as ModelStopReason,
    ...(details
      ? {
          stopDetails: {
            category: details.category ?? null,
            explanation: details.explanation ? cleanModelText(details.explanation) : null,
          },
        }
      : {}),
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
  404: 'The model or endpoint was not found (404). Check the model in SOUL.md and ANTHROPIC_BASE_URL.',
  413: 'The conversation is too large for one request (413). Start a new session (/new) or run with --offline.',
};

/** A key the API refuses: said with the variable to fix (and what the API said); the playbook answers meanwhile. */
const AUTH_ERRORS: Record<number, (said: string) => string> = {
  401: (said) =>
    `ANTHROPIC_API_KEY was rejected (401: ${said}): the key is wrong, revoked or expired. Fix ANTHROPIC_API_KEY (or unset it to run offline) and start again`,
  403: (said) =>
    `ANTHROPIC_API_KEY may not use this model (403: ${said}). Pick another model in SOUL.md or with --model, or fix the key in ANTHROPIC_API_KEY, and start again`,
};

/** The API's own words in an error body, or the SDK's message. */
function apiMessage(error: InstanceType<typeof Anthropic.APIError>): string {
  const said = (error.error as { error?: { message?: unknown } } | undefined)?.error?.message;
  return typeof said === 'string' && said ? said.slice(0, 300) : error.message;
}

/** Why a stream stopped delivering: for the retry decision and the message. */
class StreamFailure extends Error {
  constructor(
    message: string,
    readonly kind: UnavailableKind,
  ) {
    super(message);
  }
}

function kindOf(status: number): UnavailableKind {
  if (status === 408) return 'timeout';
  if (status === 429 || status === 529) return 'overloaded';
  return 'server_error';
}

/** Claude through @anthropic-ai/sdk, streaming. */
export class ClaudeModel implements ModelPort {
  readonly name = 'anthropic';
  private readonly client: Anthropic;
  private lastModel: string | undefined;

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
        await sleep(wait, signal);
      }
      const text = new SafeTextStream((t) => events.onText(t));
      try {
        return await this.stream(body, text, signal);
      } catch (error) {
        lastError = error;
        if (signal?.aborted) throw error;
        if (error instanceof StreamFailure) {
          // Text already shown cannot be taken back: end the reply where it stopped instead of
          // printing a second, different version of it.
          if (text.shown) return this.interrupted(error, text.shown);
          // A stream silent for a whole timeout is retried once, not streamRetries times: each try
          // costs the full timeout, and the fallback should answer within a few of them.
          if (error.kind === 'timeout' && attempt >= 1) break;
          continue;
        }
        throw this.classify(error);
      }
    }
    const kind = lastError instanceof StreamFailure ? lastError.kind : 'stream';
    const attempts = kind === 'timeout' ? Math.min(2, this.options.streamRetries + 1) : this.options.streamRetries + 1;
    throw new ModelUnavailableError(
      `Claude is unavailable: ${describe(lastError)} (after ${attempts} attempts)`,
      attempts,
      undefined,
      kind,
    );
  }

  /** A key and reachability check that costs nothing: the model's entry in the models list. */
  async probe(model: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.client.models.retrieve(model, {}, { maxRetries: 0, ...(signal ? { signal } : {}) });
    } catch (error) {
      throw this.classify(error);
    }
  }

  /**
   * One streamed attempt. Fails with StreamFailure when the stream broke after it connected (an
   * error event inside a 200, a cut, or silence longer than the timeout between events); any other
   * error is the SDK's, after its own retries.
   */
  private async stream(
    body: Anthropic.MessageCreateParamsNonStreaming,
    text: SafeTextStream,
    signal: AbortSignal | undefined,
  ): Promise<ModelResponse> {
    const abort = new AbortController();
    const cancel = (): void => abort.abort(signal?.reason);
    signal?.addEventListener('abort', cancel, { once: true });
    let connected = false;
    let stalled = false;
    let idle: NodeJS.Timeout | undefined;
    // The SDK's timeout ends at the response headers; after them a stream may go quiet forever.
    // Any event but a ping (the SDK never passes pings on) proves it is still working.
    const arm = (): void => {
      clearTimeout(idle);
      idle = setTimeout(() => {
        stalled = true;
        abort.abort();
      }, this.options.timeoutMs);
    };
    try {
      const stream = this.client.messages.stream(body, { signal: abort.signal });
      stream.on('connect', () => {
        connected = true;
        arm();
      });
      stream.on('streamEvent', () => arm());
      stream.on('text', (delta) => text.push(delta));
      const message = await stream.finalMessage();
      text.flush();
      this.lastModel = message.model;
      return fromApiMessage(message);
    } catch (error) {
      text.discard();
      if (signal?.aborted) throw error;
      if (stalled)
        throw new StreamFailure(
          `no data from Claude for ${Math.round(this.options.timeoutMs / 100) / 10} s after the stream began`,
          'timeout',
        );
      if (error instanceof Anthropic.APIError && typeof error.status === 'number') throw error;
      if (error instanceof Anthropic.APIConnectionError && !connected) throw error;
      if (error instanceof Anthropic.APIUserAbortError) throw error;
      // Connected, then failed: an `error` event inside a 200 stream, or a cut stream.
      throw new StreamFailure(describe(error), 'stream');
    } finally {
      clearTimeout(idle);
      signal?.removeEventListener('abort', cancel);
    }
  }

  /** What was shown of a reply whose stream broke: kept as it is, said as interrupted. */
  private interrupted(error: StreamFailure, shown: string): ModelResponse {
    this.options.logger.warn({ err: error.message }, 'model stream broke after text was shown; not retried');
    return {
      content: [{ type: 'text', text: shown.trimEnd() }],
      stopReason: 'interrupted',
      // The usage of a broken stream never arrives; the API bills what it sent.
      usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
      model: this.lastModel ?? 'claude',
    };
  }

  /** The SDK's errors, as the port's contract names them. */
  private classify(error: unknown): unknown {
    if (error instanceof Anthropic.APIUserAbortError) return error;
    const attempts = this.options.maxRetries + 1;
    if (error instanceof Anthropic.APIError && typeof error.status === 'number') {
      const status = error.status;
      const auth = AUTH_ERRORS[status];
      // Error text comes from the server (or a proxy in between): scrubbed, since it is shown, logged and saved in eval transcripts.
      if (auth) return new ModelUnavailableError(scrubSecrets(auth(apiMessage(error))), 1, status, 'auth');
      const hint = REQUEST_ERRORS[status];
      if (hint) return new ModelRequestError(scrubSecrets(`${status} ${error.message}`), status, hint);
      // 408/409/429/5xx/529: the SDK has already retried these with backoff and retry-after.
      return new ModelUnavailableError(
        scrubSecrets(`Claude is unavailable: ${status} ${error.message} (after ${attempts} attempts)`),
        attempts,
        status,
        kindOf(status),
      );
    }
    if (error instanceof Anthropic.APIConnectionError) {
      // Never connected (network down, DNS, timeout before headers): the SDK has already retried.
      const timeout = error instanceof Anthropic.APIConnectionTimeoutError;
      return new ModelUnavailableError(
        `Claude is unreachable: ${describe(error)} (after ${attempts} attempts)`,
        attempts,
        undefined,
        timeout ? 'timeout' : 'unreachable',
      );
    }
    return error;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

function describe(error: unknown): string {
  if (error instanceof StreamFailure) return error.message;
  if (error instanceof Anthropic.APIError && !(error instanceof Anthropic.APIConnectionError)) {
    const type = (error.error as { error?: { type?: string } } | undefined)?.error?.type;
    return scrubSecrets(`${error.status ?? 'stream'} ${type ?? error.name}: ${error.message}`);
  }
  return scrubSecrets(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
}
