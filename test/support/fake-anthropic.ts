/**
 * A local fake of the Anthropic Messages API (`POST /v1/messages`) over real HTTP on 127.0.0.1,
 * so tests can drive the real `@anthropic-ai/sdk` (1.14.0) against scripted answers.
 *
 * What SDK 1.14.0 throws for each failure (pinned by test/support/fake-anthropic.test.ts; the
 * agent loop must branch on these):
 *
 * - `stream_error` (HTTP 200, then an SSE `event: error` mid-stream): NOT retried by the SDK
 *   (one request). `stream.finalMessage()` rejects with a plain `APIError` (constructor and
 *   `name` 'APIError'; not a status subclass such as InternalServerError/OverloadedError, not an
 *   `APIConnectionError`) whose `status` is `undefined`; `message` is the JSON of the event body,
 *   e.g. `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}` (no status
 *   prefix); `error` = that parsed body; `type` = 'overloaded_error'; `apiMessage` = 'Overloaded';
 *   `headers` = the headers of the 200 response (so `requestID` is set). Text before the error
 *   has already been emitted through `stream.on('text')`. So
 *   `error instanceof APIError && typeof error.status === 'number'` is false for it: whoever wants
 *   it retried must retry it.
 *
 * - `drop` (HTTP 200, some SSE, then the socket is destroyed): NOT retried by the SDK (one
 *   request). `stream.finalMessage()` rejects with a plain `AnthropicError` (constructor and
 *   `name` 'AnthropicError'; NOT an `APIError`, NOT an `APIConnectionError`, so there is no
 *   `status` property at all); `message` = 'terminated'; `cause` = undici's `TypeError: terminated`
 *   whose own `cause` is `SocketError: other side closed`. Text before the cut has been emitted.
 *   (Non-streaming `messages.create` gets the bare undici `TypeError: terminated` instead, not even
 *   an AnthropicError; also not retried.)
 *
 * - A connection that dies before any response header (`hang` with a small `ms`: the socket is
 *   destroyed unanswered) IS retried by the SDK, each retry consuming a step, and finally throws
 *   `APIConnectionError` (`status` undefined, `message` 'Connection error.', `cause` TypeError
 *   'fetch failed'). A `hang` longer than the client `timeout` ends in `APIConnectionTimeoutError`
 *   ('Request timed out.', a subclass of APIConnectionError), also retried.
 *
 * - `http_error` 408/409/429/5xx/529: retried by the SDK itself up to `maxRetries`, honouring
 *   `retry-after` (a `retry-after` of 0 is ignored and the SDK's own backoff of ~0.4-0.5 s is
 *   used; give e.g. 0.01 for a fast test). Every retry is a new request that consumes the next
 *   queued step. When retries run out it throws the status class: `RateLimitError` (429),
 *   `InternalServerError` (500), `OverloadedError` (529, a subclass of InternalServerError), all
 *   `APIError`s with `status` set and `message` = status + the whole JSON body, e.g.
 *   `529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_fake_3"}`.
 *   Other 4xx are not retried (400 -> `BadRequestError`, 401 -> `AuthenticationError`).
 *
 * - `malformed` (200 SSE with invalid JSON in `data:`): not retried; `finalMessage()` rejects with
 *   an `AnthropicError` whose `cause` is the `SyntaxError` (the SDK also logs it via its logger;
 *   pass `logLevel: 'off'` to keep test output clean). Non-streaming: a bare `SyntaxError`.
 *
 * - Auth: SDK 1.14.0 sends `apiKey` as `authorization: Bearer <key>`, not `x-api-key`.
 *
 * Requests answered by the fake's own checks (404 for other routes, 401 without a key, 400 for a
 * bad body, a missing field or unpaired tool_use / tool_result) are recorded but consume no step
 * and carry `x-should-retry: false`, so the SDK does not retry them.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { MessageCreateParamsBase } from '@anthropic-ai/sdk/resources/messages';

export type FakeStopReason =
  | 'end_turn'
  | 'tool_use'
  | 'max_tokens'
  | 'pause_turn'
  | 'refusal'
  | 'stop_sequence'
  | 'model_context_window_exceeded';

export type FakeUsage = Partial<{
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}>;

export type FakeBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id?: string; name: string; input: Record<string, unknown> };

export type FakeStep =
  /** A normal answer: streamed as SSE when the request has `stream: true`, else a JSON Message. */
  | {
      kind: 'message';
      content: FakeBlock[];
      stopReason?: FakeStopReason;
      usage?: FakeUsage;
      model?: string;
      chunkSize?: number;
      delayMs?: number;
      /** With stopReason 'refusal': sent on message_delta, as the API does. */
      stopDetails?: { category: string | null; explanation: string | null };
    }
  /**
   * An HTTP error with the real error body. 429, 529 and 5xx also carry `x-should-retry: true`.
   * NOTE: the SDK retries 408/409/429/5xx (and 529) by itself up to `maxRetries` times, and every
   * retry is a fresh request that consumes the NEXT queued step: script one step per attempt.
   */
  | { kind: 'http_error'; status: number; errorType: string; message?: string; retryAfterSeconds?: number }
  /**
   * HTTP 200, message_start, `afterText` streamed in a text block, then `event: error` and the end.
   * A non-streaming request gets the equivalent HTTP error instead (529 for overloaded_error,
   * 429 rate_limit_error, 504 timeout_error, else 500), since the real API cannot send it mid-body.
   */
  | { kind: 'stream_error'; afterText: string; errorType: string; message?: string }
  /** HTTP 200, message_start, `afterText` (if any) in a text block, then the socket is destroyed. */
  | { kind: 'drop'; afterText?: string }
  /** No answer for `ms`, then the socket is destroyed (no status line is ever sent). The SDK retries this. */
  | { kind: 'hang'; ms: number }
  /** HTTP 200 with a body that is not valid JSON (SSE `data:` for streams, the body otherwise). */
  | { kind: 'malformed' }
  /** HTTP 200, message_start, `afterText` (if any), then silence for `ms` (no ping either), then the socket is destroyed. */
  | { kind: 'stall'; ms: number; afterText?: string }
  /** HTTP 200, message_start, then only `ping` events every `everyMs` (200) for `ms`, then the socket is destroyed. */
  | { kind: 'pings'; ms: number; everyMs?: number };

/** The parsed JSON request body, typed as the SDK sends it; nothing is guaranteed for hand-made requests. */
export type RecordedBody = Partial<MessageCreateParamsBase> & Record<string, unknown>;

export interface RecordedRequest {
  /** The parsed JSON body (`{}` when the body was not a JSON object; see `rawBody`). */
  body: RecordedBody;
  headers: Record<string, string | string[] | undefined>;
  method: string;
  /** Path without the query string, e.g. `/v1/messages`. */
  path: string;
  rawBody: string;
}

export interface FakeAnthropic {
  /** e.g. http://127.0.0.1:PORT, the SDK's `baseURL`. */
  url: string;
  /** Every request received, in order, including the ones answered with errors. */
  requests: RecordedRequest[];
  /** Scripted answers, consumed one per request (one per SDK retry, too), first in first out. */
  enqueue(...steps: FakeStep[]): void;
  /**
   * Fallback when the queue is empty: from the request body to a step. Without one, an empty
   * queue answers 500 `api_error` "the test script ran out of steps" with `x-should-retry: false`.
   */
  setResponder(fn: ((body: RecordedBody) => FakeStep) | undefined): void;
  /** Steps still queued. */
  readonly pending: number;
  /**
   * How `GET /v1/models/{id}` (a free reachability and key check) is answered: 200 with the model
   * by default, an HTTP status, or 'hang' (the socket is destroyed unanswered). It consumes no step.
   */
  setModelsAnswer(answer: number | 'hang'): void;
  close(): Promise<void>;
}

const MAX_OPEN_SOCKETS = 64;
const MAX_BODY_BYTES = 32 * 1024 * 1024;
const DEFAULT_CHUNK = 3;
const DEFAULT_INPUT_TOKENS = 100;

type ApiError = { status: number; type: string; message: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorBody(type: string, message: string, requestId: string): string {
  return JSON.stringify({ type: 'error', error: { type, message }, request_id: requestId });
}

function defaultErrorMessage(type: string): string {
  switch (type) {
    case 'overloaded_error':
      return 'Overloaded';
    case 'rate_limit_error':
      return 'Number of requests has exceeded your rate limit (fake).';
    case 'api_error':
      return 'Internal server error';
    default:
      return `${type} (fake)`;
  }
}

function statusForErrorType(type: string): number {
  switch (type) {
    case 'overloaded_error':
      return 529;
    case 'rate_limit_error':
      return 429;
    case 'timeout_error':
      return 504;
    default:
      return 500;
  }
}

/** Splits by code points (never inside a surrogate pair, as the real API never does); at least one piece. */
function pieces(text: string, size: number): string[] {
  const chars = Array.from(text);
  if (chars.length === 0) return [''];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

/** The real API's checks that matter to an agent loop; the first failure in message order wins. */
export function validateRequest(body: unknown): ApiError | undefined {
  const bad = (message: string): ApiError => ({ status: 400, type: 'invalid_request_error', message });
  if (!isRecord(body)) return bad('Request body must be a JSON object.');
  for (const field of ['model', 'max_tokens', 'messages']) {
    if (body[field] === undefined) return bad(`${field}: Field required`);
  }
  const messages = body['messages'];
  if (!Array.isArray(messages)) return bad('messages: Input should be a valid list');
  const toolUseIds = (m: unknown): string[] => {
    if (!isRecord(m) || m['role'] !== 'assistant' || !Array.isArray(m['content'])) return [];
    return m['content']
      .filter((b): b is Record<string, unknown> => isRecord(b) && b['type'] === 'tool_use')
      .map((b) => String(b['id']));
  };
  for (let i = 0; i < messages.length; i++) {
    const m: unknown = messages[i];
    // A tool_result must answer a tool_use of the message just before.
    if (isRecord(m) && m['role'] === 'user' && Array.isArray(m['content'])) {
      const previous = new Set(toolUseIds(messages[i - 1]));
      const content: unknown[] = m['content'];
      const unexpected = content.flatMap((b, j) =>
        isRecord(b) && b['type'] === 'tool_result' && !previous.has(String(b['tool_use_id']))
          ? [{ j, id: String(b['tool_use_id']) }]
          : [],
      );
      const first = unexpected[0];
      if (first) {
        return bad(
          `messages.${i}.content.${first.j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${unexpected.map((u) => u.id).join(', ')}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
        );
      }
    }
    // Every tool_use must be answered by a tool_result in the very next (user) message.
    const ids = toolUseIds(m);
    if (ids.length === 0) continue;
    const next: unknown = messages[i + 1];
    const answered = new Set<string>();
    if (isRecord(next) && next['role'] === 'user' && Array.isArray(next['content'])) {
      for (const b of next['content'])
        if (isRecord(b) && b['type'] === 'tool_result') answered.add(String(b['tool_use_id']));
    }
    const missing = ids.filter((id) => !answered.has(id));
    if (missing.length > 0) {
      return bad(
        `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
      );
    }
  }
  return undefined;
}

/** A response block as the API returns it (ids filled in). */
type OutBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

interface OutMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: OutBlock[];
  stop_reason: FakeStopReason;
  stop_details: { type: 'refusal'; category: string | null; explanation: string | null } | null;
  stop_sequence: string | null;
  usage: {
    input_tokens: number;
    cache_creation_input_tokens: number;
    cache_read_input_tokens: number;
    output_tokens: number;
  };
}

/**
 * Writes SSE frames the awkward way a real network can deliver them: every frame goes out in
 * several `res.write` calls, each on its own event-loop turn (so the client reads them as
 * separate chunks), cut inside the `event:` line, inside every multi-byte UTF-8 character (at the
 * byte level), and with the frame's final newline held back and sent with the next frame.
 */
class SseWriter {
  private carry: Buffer = Buffer.alloc(0);

  constructor(
    private readonly res: ServerResponse,
    private readonly alive: () => boolean,
  ) {}

  async frame(event: string, data: unknown): Promise<void> {
    await this.raw(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** Writes text in pieces; the last byte is held back until the next write or `flush()`. */
  async raw(text: string): Promise<void> {
    const frame = Buffer.from(text, 'utf8');
    const bytes = Buffer.concat([this.carry, frame]);
    const offset = this.carry.length;
    const cuts = new Set<number>([offset + 3]);
    let multiByte = false;
    for (let i = 0; i < frame.length; i++) {
      const b = frame[i]!;
      if (b >= 0xc0) {
        // Lead byte of a multi-byte sequence: cut right after it, inside the character.
        cuts.add(offset + i + 1);
        multiByte = true;
      }
    }
    if (!multiByte) cuts.add(offset + Math.floor(frame.length / 2));
    const end = bytes.length - 1;
    const sorted = [...cuts].filter((c) => c > 0 && c < end).sort((a, b) => a - b);
    let start = 0;
    for (const cut of [...sorted, end]) {
      if (cut <= start) continue;
      if (!(await this.write(bytes.subarray(start, cut)))) return;
      start = cut;
    }
    this.carry = Buffer.from(bytes.subarray(end));
  }

  async flush(): Promise<void> {
    if (this.carry.length > 0) await this.write(this.carry);
    this.carry = Buffer.alloc(0);
  }

  private async write(chunk: Buffer): Promise<boolean> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (!this.alive()) return false;
    const res = this.res;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        res.off('close', done);
        resolve();
      };
      res.once('close', done);
      res.write(chunk, done);
    });
    return this.alive();
  }
}

export async function startFakeAnthropic(): Promise<FakeAnthropic> {
  const requests: RecordedRequest[] = [];
  const queue: FakeStep[] = [];
  let responder: ((body: RecordedBody) => FakeStep) | undefined;
  let modelsAnswer: number | 'hang' = 200;
  let closed = false;
  let requestCount = 0;
  let messageCount = 0;
  let toolCount = 0;
  const sockets = new Set<Socket>();
  const timers = new Map<NodeJS.Timeout, () => void>();

  /** A timer that close() cancels (and resolves, so no handler waits forever). */
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.set(timer, resolve);
    });

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        sendJson(res, 500, errorBody('api_error', `fake-anthropic crashed: ${String(error)}`, 'req_fake_crash'), {
          'x-should-retry': 'false',
        });
      } else {
        res.destroy();
      }
    });
  });
  server.maxConnections = MAX_OPEN_SOCKETS;
  server.on('connection', (socket: Socket) => {
    if (closed || sockets.size >= MAX_OPEN_SOCKETS) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  function sendJson(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      ...headers,
    });
    res.end(body);
  }

  function readBody(req: IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          reject(new Error('request body too large'));
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });
  }

  function buildMessage(step: Extract<FakeStep, { kind: 'message' }>, body: RecordedBody): OutMessage {
    messageCount += 1;
    const content: OutBlock[] = step.content.map((b) =>
      b.type === 'text'
        ? { type: 'text', text: b.text }
        : { type: 'tool_use', id: b.id ?? `toolu_fake_${++toolCount}`, name: b.name, input: b.input },
    );
    const chars = content.reduce((n, b) => n + (b.type === 'text' ? b.text.length : JSON.stringify(b.input).length), 0);
    const stopReason: FakeStopReason =
      step.stopReason ?? (content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn');
    const stopSequences = body.stop_sequences;
    return {
      id: `msg_fake_${messageCount}`,
      type: 'message',
      role: 'assistant',
      model: step.model ?? (typeof body.model === 'string' ? body.model : 'claude-fake'),
      content,
      stop_reason: stopReason,
      stop_details: stopReason === 'refusal' && step.stopDetails ? { type: 'refusal', ...step.stopDetails } : null,
      stop_sequence:
        stopReason === 'stop_sequence' ? (Array.isArray(stopSequences) ? (stopSequences[0] ?? null) : null) : null,
      usage: {
        input_tokens: step.usage?.input_tokens ?? DEFAULT_INPUT_TOKENS,
        cache_creation_input_tokens: step.usage?.cache_creation_input_tokens ?? 0,
        cache_read_input_tokens: step.usage?.cache_read_input_tokens ?? 0,
        output_tokens: step.usage?.output_tokens ?? Math.max(1, Math.ceil(chars / 4)),
      },
    };
  }

  function startSse(res: ServerResponse, requestId: string): SseWriter {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'request-id': requestId,
    });
    return new SseWriter(res, () => !closed && !res.destroyed && !res.writableEnded);
  }

  function messageStart(message: OutMessage): unknown {
    const { usage } = message;
    return {
      type: 'message_start',
      message: {
        id: message.id,
        type: 'message',
        role: 'assistant',
        model: message.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: usage.input_tokens,
          cache_creation_input_tokens: usage.cache_creation_input_tokens,
          cache_read_input_tokens: usage.cache_read_input_tokens,
          output_tokens: 1,
        },
      },
    };
  }

  async function streamText(sse: SseWriter, index: number, text: string, chunkSize: number): Promise<void> {
    await sse.frame('content_block_start', {
      type: 'content_block_start',
      index,
      content_block: { type: 'text', text: '' },
    });
    let n = 0;
    for (const piece of pieces(text, chunkSize)) {
      await sse.frame('content_block_delta', {
        type: 'content_block_delta',
        index,
        delta: { type: 'text_delta', text: piece },
      });
      if (++n % 4 === 0) await sse.frame('ping', { type: 'ping' });
    }
  }

  async function streamMessage(
    res: ServerResponse,
    requestId: string,
    message: OutMessage,
    chunkSize: number,
  ): Promise<void> {
    const sse = startSse(res, requestId);
    await sse.frame('message_start', messageStart(message));
    await sse.frame('ping', { type: 'ping' });
    for (const [index, block] of message.content.entries()) {
      if (block.type === 'text') {
        await streamText(sse, index, block.text, chunkSize);
      } else {
        await sse.frame('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
        });
        // The real API opens every tool input with an empty partial_json.
        const parts = ['', ...pieces(JSON.stringify(block.input), chunkSize)];
        let n = 0;
        for (const partial of parts) {
          await sse.frame('content_block_delta', {
            type: 'content_block_delta',
            index,
            delta: { type: 'input_json_delta', partial_json: partial },
          });
          if (++n % 4 === 0) await sse.frame('ping', { type: 'ping' });
        }
      }
      await sse.frame('content_block_stop', { type: 'content_block_stop', index });
      await sse.frame('ping', { type: 'ping' });
    }
    await sse.frame('message_delta', {
      type: 'message_delta',
      delta: {
        stop_reason: message.stop_reason,
        stop_sequence: message.stop_sequence,
        ...(message.stop_details ? { stop_details: message.stop_details } : {}),
      },
      usage: { output_tokens: message.usage.output_tokens },
    });
    await sse.frame('message_stop', { type: 'message_stop' });
    await sse.flush();
    if (!res.destroyed) res.end();
  }

  function emptyMessage(body: RecordedBody): OutMessage {
    return buildMessage({ kind: 'message', content: [] }, body);
  }

  async function answer(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    step: FakeStep,
    body: RecordedBody,
  ): Promise<void> {
    const streaming = body.stream === true;
    switch (step.kind) {
      case 'message': {
        if (step.delayMs) await sleep(step.delayMs);
        if (closed) return;
        const message = buildMessage(step, body);
        if (streaming) await streamMessage(res, requestId, message, Math.max(1, step.chunkSize ?? DEFAULT_CHUNK));
        else sendJson(res, 200, JSON.stringify(message), { 'request-id': requestId });
        return;
      }
      case 'http_error': {
        const headers: Record<string, string> = { 'request-id': requestId };
        if (step.retryAfterSeconds !== undefined) headers['retry-after'] = String(step.retryAfterSeconds);
        if (step.status === 429 || step.status >= 500) headers['x-should-retry'] = 'true';
        sendJson(
          res,
          step.status,
          errorBody(step.errorType, step.message ?? defaultErrorMessage(step.errorType), requestId),
          headers,
        );
        return;
      }
      case 'stream_error': {
        const message = step.message ?? defaultErrorMessage(step.errorType);
        if (!streaming) {
          const status = statusForErrorType(step.errorType);
          sendJson(res, status, errorBody(step.errorType, message, requestId), {
            'request-id': requestId,
            'x-should-retry': 'true',
          });
          return;
        }
        const sse = startSse(res, requestId);
        await sse.frame('message_start', messageStart(emptyMessage(body)));
        await sse.frame('ping', { type: 'ping' });
        await streamText(sse, 0, step.afterText, DEFAULT_CHUNK);
        // The real API sends the error body without request_id here.
        await sse.frame('error', { type: 'error', error: { type: step.errorType, message } });
        await sse.flush();
        if (!res.destroyed) res.end();
        return;
      }
      case 'drop': {
        if (!streaming) {
          const full = JSON.stringify(
            buildMessage({ kind: 'message', content: [{ type: 'text', text: step.afterText ?? '' }] }, body),
          );
          res.writeHead(200, {
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(full)),
            'request-id': requestId,
          });
          await new Promise<void>((resolve) => res.write(full.slice(0, Math.floor(full.length / 2)), () => resolve()));
          req.socket.destroy();
          return;
        }
        const sse = startSse(res, requestId);
        await sse.frame('message_start', messageStart(emptyMessage(body)));
        await sse.frame('ping', { type: 'ping' });
        if (step.afterText !== undefined) await streamText(sse, 0, step.afterText, DEFAULT_CHUNK);
        await sse.flush();
        req.socket.destroy();
        return;
      }
      case 'hang': {
        await sleep(step.ms);
        req.socket.destroy();
        return;
      }
      case 'stall': {
        const sse = startSse(res, requestId);
        await sse.frame('message_start', messageStart(emptyMessage(body)));
        if (step.afterText !== undefined) await streamText(sse, 0, step.afterText, DEFAULT_CHUNK);
        await sse.flush();
        await sleep(step.ms);
        req.socket.destroy();
        return;
      }
      case 'pings': {
        const sse = startSse(res, requestId);
        await sse.frame('message_start', messageStart(emptyMessage(body)));
        await sse.flush();
        const until = Date.now() + step.ms;
        while (Date.now() < until && !closed && !res.destroyed) {
          await sse.frame('ping', { type: 'ping' });
          await sse.flush();
          await sleep(Math.min(step.everyMs ?? 200, Math.max(1, until - Date.now())));
        }
        req.socket.destroy();
        return;
      }
      case 'malformed': {
        if (!streaming) {
          res.writeHead(200, { 'content-type': 'application/json', 'request-id': requestId });
          res.end('{"id":"msg_fake_garbage","type":"message",,, this is not JSON');
          return;
        }
        const sse = startSse(res, requestId);
        await sse.raw('event: message_start\ndata: {"type":"message_start","message":{"id": oops this is not JSON\n\n');
        await sse.flush();
        if (!res.destroyed) res.end();
        return;
      }
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.on('error', () => {});
    req.on('error', () => {});
    requestCount += 1;
    const requestId = `req_fake_${requestCount}`;
    const rawBody = await readBody(req);
    let parsed: unknown;
    let parseError = false;
    try {
      parsed = rawBody === '' ? undefined : JSON.parse(rawBody);
    } catch {
      parseError = true;
    }
    const body: RecordedBody = isRecord(parsed) ? parsed : {};
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    requests.push({ body, headers: { ...req.headers }, method, path, rawBody });
    if (closed) {
      res.destroy();
      return;
    }

    const fail = (status: number, type: string, message: string): void =>
      sendJson(res, status, errorBody(type, message, requestId), {
        'request-id': requestId,
        'x-should-retry': 'false',
      });
    const modelRoute = /^\/v1\/models\/([^/]+)$/.exec(path);
    if (method === 'GET' && modelRoute) {
      if (modelsAnswer === 'hang') {
        req.socket.destroy();
        return;
      }
      if (req.headers['x-api-key'] === undefined && req.headers['authorization'] === undefined)
        return fail(401, 'authentication_error', 'x-api-key header is required');
      if (modelsAnswer !== 200)
        return fail(
          modelsAnswer,
          modelsAnswer === 401 ? 'authentication_error' : 'api_error',
          `models: ${modelsAnswer}`,
        );
      return sendJson(
        res,
        200,
        JSON.stringify({
          type: 'model',
          id: decodeURIComponent(modelRoute[1]!),
          display_name: 'Fake model',
          created_at: '2026-01-01T00:00:00Z',
        }),
        { 'request-id': requestId },
      );
    }
    if (method !== 'POST' || path !== '/v1/messages')
      return fail(404, 'not_found_error', `fake-anthropic: no route for ${method} ${path}`);
    if (req.headers['x-api-key'] === undefined && req.headers['authorization'] === undefined) {
      return fail(401, 'authentication_error', 'x-api-key header is required');
    }
    if (parseError) return fail(400, 'invalid_request_error', 'There was an error parsing the body: not valid JSON');
    const invalid = validateRequest(parsed);
    if (invalid) return fail(invalid.status, invalid.type, invalid.message);

    const step = queue.shift() ?? responder?.(body);
    if (!step) {
      return fail(
        500,
        'api_error',
        `fake-anthropic: the test script ran out of steps at request #${requestCount} (${requests.length} recorded). Enqueue more steps or call setResponder().`,
      );
    }
    await answer(req, res, requestId, step, body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...steps) => {
      queue.push(...steps);
    },
    setResponder: (fn) => {
      responder = fn;
    },
    get pending() {
      return queue.length;
    },
    setModelsAnswer: (answer) => {
      modelsAnswer = answer;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      for (const [timer, resolve] of timers) {
        clearTimeout(timer);
        resolve();
      }
      timers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      server.closeAllConnections();
      await done;
    },
  };
}
