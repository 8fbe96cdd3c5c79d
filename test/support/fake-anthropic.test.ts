import Anthropic from '@anthropic-ai/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from './fake-anthropic.js';

let fake: FakeAnthropic;
let client: Anthropic;
beforeEach(async () => {
  fake = await startFakeAnthropic();
  client = new Anthropic({ apiKey: 'test-key', baseURL: fake.url, maxRetries: 2, timeout: 2000 });
});
afterEach(async () => {
  await fake.close();
});

const MODEL = 'claude-test-model';
const hello: Anthropic.MessageCreateParamsNonStreaming = {
  model: MODEL,
  max_tokens: 256,
  messages: [{ role: 'user', content: 'hello' }],
};

/** The rejection of a promise (fails the test if it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

/** Streams `params` and returns the text events seen and how the stream ended. */
async function streamed(
  params: Anthropic.MessageCreateParamsNonStreaming,
  options?: Anthropic.RequestOptions,
): Promise<{ deltas: string[]; message?: Anthropic.Message; error?: unknown }> {
  const stream = client.messages.stream(params, options);
  const deltas: string[] = [];
  stream.on('text', (d) => deltas.push(d));
  try {
    return { deltas, message: await stream.finalMessage() };
  } catch (error) {
    return { deltas, error };
  }
}

describe('fake Anthropic Messages API driven by the real @anthropic-ai/sdk', () => {
  it('streams a text reply that reassembles exactly, multi-byte characters included', async () => {
    const text = 'naïve — 15 min ✓ 🚨 … 日本語 done';
    fake.enqueue({
      kind: 'message',
      content: [{ type: 'text', text }],
      usage: { input_tokens: 42, cache_read_input_tokens: 7 },
    });
    const { deltas, message, error } = await streamed(hello);
    expect(error).toBeUndefined();
    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas.join('')).toBe(text);
    expect(message).toMatchObject({
      id: 'msg_fake_1',
      type: 'message',
      role: 'assistant',
      model: MODEL,
      content: [{ type: 'text', text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: 42,
        cache_read_input_tokens: 7,
        cache_creation_input_tokens: 0,
        output_tokens: Math.ceil(text.length / 4),
      },
    });
    expect(message?.content).toHaveLength(1);
  });

  it('puts awkward byte-level splits on the wire: inside UTF-8 characters and across SSE frames, with pings', async () => {
    const text = 'naïve — 15 min ✓ 🚨';
    fake.enqueue({
      kind: 'message',
      content: [
        { type: 'text', text },
        { type: 'tool_use', name: 't', input: { note: 'é✓' } },
      ],
    });
    const res = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ ...hello, stream: true }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const chunks: Uint8Array[] = [];
    for await (const chunk of res.body!) chunks.push(chunk);
    const strict = new TextDecoder('utf-8', { fatal: true });
    const cutInsideCharacter = chunks.filter((c) => {
      try {
        strict.decode(c);
        return false;
      } catch {
        return true;
      }
    });
    expect(cutInsideCharacter.length).toBeGreaterThan(0);
    const decoded = chunks.map((c) => new TextDecoder().decode(c));
    // A frame's closing newline travels with the start of the next frame's `event:` line.
    expect(decoded.some((s) => s.startsWith('\neve'))).toBe(true);

    const wire = new TextDecoder().decode(Buffer.concat(chunks));
    const frames = wire.split('\n\n').filter((f) => f !== '');
    const events = frames.map((f) => {
      const m = /^event: (\w+)\ndata: (.*)$/s.exec(f);
      if (!m) throw new Error(`not an SSE frame: ${JSON.stringify(f)}`);
      const data: unknown = JSON.parse(m[2]!);
      expect(data).toMatchObject({ type: m[1] });
      return m[1]!;
    });
    const shape = events.filter((e) => e !== 'ping' && e !== 'content_block_delta');
    expect(shape).toEqual([
      'message_start',
      'content_block_start',
      'content_block_stop',
      'content_block_start',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events.filter((e) => e === 'ping').length).toBeGreaterThan(1);
    expect(events[1]).toBe('ping');
    expect(wire).toContain('"partial_json":""');
    expect(wire).toContain('"delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":');
  });

  it('reassembles a tool_use with nested input to the same object', async () => {
    const input = {
      service: 'payment-api',
      window: { since: '2024-05-01T10:00:00Z', minutes: 90 },
      filters: [
        { field: 'author', op: 'in', values: ['alice', 'bøb ✓'] },
        { field: 'deep', value: { a: [1, 2.5, null, true], b: { c: '🚨"quoted"\\' } } },
      ],
      limit: 5,
      dryRun: false,
    };
    fake.enqueue({ kind: 'message', content: [{ type: 'tool_use', name: 'fetch_deploys', input }] });
    const { message, error } = await streamed(hello);
    expect(error).toBeUndefined();
    expect(message?.stop_reason).toBe('tool_use');
    const block = message?.content[0];
    expect(block).toMatchObject({ type: 'tool_use', id: 'toolu_fake_1', name: 'fetch_deploys' });
    if (block?.type !== 'tool_use') throw new Error('expected tool_use');
    expect(block.input).toEqual(input);
  });

  it('streams text then two tool_use blocks in one response, with distinct ids', async () => {
    fake.enqueue({
      kind: 'message',
      content: [
        { type: 'text', text: 'Checking both.' },
        { type: 'tool_use', name: 'fetch_deploys', input: { service: 'payment-api' } },
        {
          type: 'tool_use',
          id: 'toolu_custom',
          name: 'classify_severity',
          input: { impact: { users: 1200, revenue: true } },
        },
      ],
      chunkSize: 1,
    });
    const { deltas, message, error } = await streamed(hello);
    expect(error).toBeUndefined();
    expect(deltas).toHaveLength('Checking both.'.length);
    expect(message?.content).toEqual([
      { type: 'text', text: 'Checking both.' },
      { type: 'tool_use', id: 'toolu_fake_1', name: 'fetch_deploys', input: { service: 'payment-api' } },
      {
        type: 'tool_use',
        id: 'toolu_custom',
        name: 'classify_severity',
        input: { impact: { users: 1200, revenue: true } },
      },
    ]);
    expect(message?.stop_reason).toBe('tool_use');
  });

  it('records each request: parsed body and headers', async () => {
    fake.enqueue({ kind: 'message', content: [{ type: 'text', text: 'ok' }] });
    await streamed(hello);
    expect(fake.requests).toHaveLength(1);
    const [recorded] = fake.requests;
    expect(recorded?.path).toBe('/v1/messages');
    // SDK 1.14.0 sends `apiKey` as `authorization: Bearer <key>`, not as `x-api-key`.
    expect(recorded?.headers['authorization']).toBe('Bearer test-key');
    expect(recorded?.headers['anthropic-version']).toBeTruthy();
    expect(recorded?.body.stream).toBe(true);
    expect(recorded?.body.model).toBe(MODEL);
    expect(recorded?.body.messages).toEqual([{ role: 'user', content: 'hello' }]);
  });

  it('429 with retry-after 0 then a success: the SDK retries by itself and succeeds (2 requests)', async () => {
    fake.enqueue(
      { kind: 'http_error', status: 429, errorType: 'rate_limit_error', retryAfterSeconds: 0 },
      { kind: 'message', content: [{ type: 'text', text: 'after the limit' }] },
    );
    const { message, error } = await streamed(hello);
    expect(error).toBeUndefined();
    expect(message?.content).toEqual([{ type: 'text', text: 'after the limit' }]);
    expect(fake.requests).toHaveLength(2);
    expect(fake.pending).toBe(0);
  });

  it('529 three times exhausts maxRetries 2 and throws OverloadedError with status 529', async () => {
    const overloaded = {
      kind: 'http_error',
      status: 529,
      errorType: 'overloaded_error',
      retryAfterSeconds: 0.01,
    } as const;
    fake.enqueue(overloaded, overloaded, overloaded, {
      kind: 'message',
      content: [{ type: 'text', text: 'never reached' }],
    });
    const { error } = await streamed(hello);
    expect(error).toBeInstanceOf(Anthropic.OverloadedError);
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    if (!(error instanceof Anthropic.APIError)) throw error;
    expect(error.status).toBe(529);
    expect(error.type).toBe('overloaded_error');
    expect(error.apiMessage).toBe('Overloaded');
    expect(error.message).toMatch(/^529 \{"type":"error","error":\{"type":"overloaded_error","message":"Overloaded"\}/);
    expect(fake.requests).toHaveLength(3);
    expect(fake.pending).toBe(1);
  });

  it('stream_error: an `event: error` after HTTP 200 rejects with a status-less APIError, not retried', async () => {
    fake.enqueue(
      { kind: 'stream_error', afterText: 'Partial ✓ answ', errorType: 'overloaded_error' },
      { kind: 'message', content: [{ type: 'text', text: 'not used' }] },
    );
    const { deltas, error } = await streamed(hello);
    expect(deltas.join('')).toBe('Partial ✓ answ');
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error).not.toBeInstanceOf(Anthropic.InternalServerError);
    expect(error).not.toBeInstanceOf(Anthropic.APIConnectionError);
    if (!(error instanceof Anthropic.APIError)) throw error;
    expect(error.constructor.name).toBe('APIError');
    expect(error.name).toBe('APIError');
    expect(error.status).toBeUndefined();
    expect(error.type).toBe('overloaded_error');
    expect(error.apiMessage).toBe('Overloaded');
    expect(error.message).toBe('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}');
    expect(error.error).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    // The headers of the 200 response the error arrived in.
    expect(error.headers?.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(error.requestID).toBe('req_fake_1');
    expect(fake.requests).toHaveLength(1);
    expect(fake.pending).toBe(1);
  });

  it('drop: a socket cut mid-stream rejects with a plain AnthropicError "terminated", not retried', async () => {
    fake.enqueue(
      { kind: 'drop', afterText: 'Half an ans🚨' },
      { kind: 'message', content: [{ type: 'text', text: 'not used' }] },
    );
    const { deltas, error } = await streamed(hello);
    expect(deltas.join('')).toBe('Half an ans🚨');
    expect(error).toBeInstanceOf(Anthropic.AnthropicError);
    expect(error).not.toBeInstanceOf(Anthropic.APIError);
    if (!(error instanceof Anthropic.AnthropicError)) throw error;
    expect(error.constructor.name).toBe('AnthropicError');
    expect('status' in error).toBe(false);
    expect(error.message).toBe('terminated');
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(String(error.cause)).toBe('TypeError: terminated');
    expect(fake.requests).toHaveLength(1);
    expect(fake.pending).toBe(1);
  });

  it('a connection closed before any header is retried by the SDK, then APIConnectionError', async () => {
    fake.enqueue({ kind: 'hang', ms: 0 }, { kind: 'hang', ms: 0 });
    const { error } = await streamed(hello, { maxRetries: 1 });
    expect(error).toBeInstanceOf(Anthropic.APIConnectionError);
    expect(error).not.toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
    if (!(error instanceof Anthropic.APIError)) throw error;
    expect(error.status).toBeUndefined();
    expect(error.message).toBe('Connection error.');
    expect(fake.requests).toHaveLength(2);
  });

  it('hang longer than the client timeout gives APIConnectionTimeoutError', async () => {
    fake.enqueue({ kind: 'hang', ms: 1500 });
    const started = Date.now();
    const { error } = await streamed(hello, { maxRetries: 0, timeout: 150 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error).toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
    if (!(error instanceof Anthropic.APIError)) throw error;
    expect(error.message).toBe('Request timed out.');
  });

  it('malformed SSE JSON rejects with an AnthropicError wrapping the SyntaxError', async () => {
    const quiet = new Anthropic({
      apiKey: 'test-key',
      baseURL: fake.url,
      maxRetries: 2,
      timeout: 2000,
      logLevel: 'off',
    });
    fake.enqueue({ kind: 'malformed' });
    const error = await rejectionOf(quiet.messages.stream(hello).finalMessage());
    expect(error).toBeInstanceOf(Anthropic.AnthropicError);
    expect(error).not.toBeInstanceOf(Anthropic.APIError);
    if (!(error instanceof Error)) throw error;
    expect(error.cause).toBeInstanceOf(SyntaxError);
    expect(fake.requests).toHaveLength(1);
  });

  it('a dangling tool_use gets a 400 that mentions tool_result, and consumes no step', async () => {
    fake.enqueue({ kind: 'message', content: [{ type: 'text', text: 'kept for the next request' }] });
    const error = await rejectionOf(
      client.messages.create({
        model: MODEL,
        max_tokens: 256,
        messages: [
          { role: 'user', content: 'what changed?' },
          {
            role: 'assistant',
            content: [
              { type: 'text', text: 'Looking.' },
              { type: 'tool_use', id: 'toolu_a', name: 'fetch_deploys', input: {} },
              { type: 'tool_use', id: 'toolu_b', name: 'x', input: {} },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'toolu_a', content: 'ok' },
              { type: 'text', text: 'and?' },
            ],
          },
        ],
      }),
    );
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    if (!(error instanceof Anthropic.APIError)) throw error;
    expect(error.status).toBe(400);
    expect(error.type).toBe('invalid_request_error');
    expect(error.apiMessage).toBe(
      'messages.2: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_b. Each `tool_use` block must have a corresponding `tool_result` block in the next message.',
    );
    expect(error.message).toContain('tool_result');
    expect(fake.requests).toHaveLength(1);
    expect(fake.pending).toBe(1);

    // A tool_use as the last message (nothing after it) is dangling too.
    const last = await rejectionOf(
      client.messages.create({
        ...hello,
        messages: [
          ...hello.messages,
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_c', name: 'x', input: {} }] },
        ],
      }),
    );
    if (!(last instanceof Anthropic.APIError)) throw last;
    expect(last.apiMessage).toContain(
      'messages.2: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_c',
    );

    // The reverse mistake: a tool_result that answers no tool_use.
    const orphan = await rejectionOf(
      client.messages.create({
        ...hello,
        messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_zzz', content: 'x' }] }],
      }),
    );
    if (!(orphan instanceof Anthropic.APIError)) throw orphan;
    expect(orphan.status).toBe(400);
    expect(orphan.apiMessage).toContain(
      'messages.0.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_zzz',
    );

    // Properly paired, the request goes through and gets the queued step.
    const ok = await client.messages.create({
      ...hello,
      messages: [
        { role: 'user', content: 'what changed?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_a', name: 'fetch_deploys', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_a', content: 'nothing' }] },
      ],
    });
    expect(ok.content).toEqual([{ type: 'text', text: 'kept for the next request' }]);
    expect(fake.requests).toHaveLength(4);
  });

  it('answers 401 without a key and 400 without model / max_tokens / messages', async () => {
    const post = (headers: Record<string, string>, body: unknown): Promise<Response> =>
      fetch(`${fake.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const noKey = await post({}, hello);
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    const bearer = await post({ authorization: 'Bearer t' }, { model: MODEL, messages: [] });
    expect(bearer.status).toBe(400);
    expect(await bearer.json()).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'max_tokens: Field required' },
    });
    for (const field of ['model', 'messages'] as const) {
      const body: Record<string, unknown> = { ...hello };
      delete body[field];
      const res = await post({ 'x-api-key': 'k' }, body);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        error: { type: 'invalid_request_error', message: `${field}: Field required` },
      });
    }
    expect(fake.requests).toHaveLength(4);
    expect(fake.requests[0]?.body.model).toBe(MODEL);
  });

  it('non-streaming messages.create returns the same content as a JSON Message', async () => {
    fake.enqueue({
      kind: 'message',
      content: [
        { type: 'text', text: 'Sev2 — ✓' },
        { type: 'tool_use', name: 'assign_roles', input: { roles: ['IC', 'comms'], nested: { ok: true } } },
      ],
      stopReason: 'max_tokens',
      usage: { output_tokens: 9, cache_creation_input_tokens: 3 },
      model: 'claude-override',
    });
    const message = await client.messages.create(hello);
    expect(message).toMatchObject({
      id: 'msg_fake_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-override',
      content: [
        { type: 'text', text: 'Sev2 — ✓' },
        {
          type: 'tool_use',
          id: 'toolu_fake_1',
          name: 'assign_roles',
          input: { roles: ['IC', 'comms'], nested: { ok: true } },
        },
      ],
      stop_reason: 'max_tokens',
      stop_sequence: null,
      usage: { input_tokens: 100, output_tokens: 9, cache_creation_input_tokens: 3, cache_read_input_tokens: 0 },
    });
    expect(fake.requests[0]?.body.stream).toBeUndefined();
  });

  it('non-streaming: a drop gives a bare TypeError and malformed JSON a bare SyntaxError, neither retried', async () => {
    fake.enqueue(
      { kind: 'drop', afterText: 'cut' },
      { kind: 'malformed' },
      { kind: 'message', content: [{ type: 'text', text: 'not used' }] },
    );
    const dropped = await rejectionOf(client.messages.create(hello));
    expect(dropped).toBeInstanceOf(TypeError);
    expect(dropped).not.toBeInstanceOf(Anthropic.AnthropicError);
    if (!(dropped instanceof Error)) throw dropped;
    expect(dropped.message).toBe('terminated');
    const garbled = await rejectionOf(client.messages.create(hello));
    expect(garbled).toBeInstanceOf(SyntaxError);
    expect(fake.requests).toHaveLength(2);
    expect(fake.pending).toBe(1);
  });

  it('stream_error on a non-streaming request becomes the matching HTTP error (529 for overloaded_error)', async () => {
    fake.enqueue(
      { kind: 'stream_error', afterText: 'x', errorType: 'overloaded_error' },
      { kind: 'message', content: [{ type: 'text', text: 'second try' }] },
    );
    const message = await client.messages.create(hello, { maxRetries: 1 });
    expect(message.content).toEqual([{ type: 'text', text: 'second try' }]);
    expect(fake.requests).toHaveLength(2);
  });

  it('an empty queue answers a clear, non-retried 500; setResponder fills in', async () => {
    const error = await rejectionOf(client.messages.create(hello));
    if (!(error instanceof Anthropic.APIError)) throw error;
    expect(error.status).toBe(500);
    expect(error.apiMessage).toContain('ran out of steps');
    expect(fake.requests).toHaveLength(1);

    fake.setResponder((body) => {
      const last = body.messages?.at(-1);
      return {
        kind: 'message',
        content: [{ type: 'text', text: `echo: ${typeof last?.content === 'string' ? last.content : '?'}` }],
      };
    });
    fake.enqueue({ kind: 'message', content: [{ type: 'text', text: 'queued first' }] });
    expect((await client.messages.create(hello)).content).toEqual([{ type: 'text', text: 'queued first' }]);
    const { message } = await streamed(hello);
    expect(message?.content).toEqual([{ type: 'text', text: 'echo: hello' }]);
  });

  it('delayMs holds the first byte back', async () => {
    fake.enqueue({ kind: 'message', content: [{ type: 'text', text: 'late' }], delayMs: 150 });
    const started = Date.now();
    const { message } = await streamed(hello);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(message?.content).toEqual([{ type: 'text', text: 'late' }]);
  });

  it('close() ends hanging requests promptly', async () => {
    fake.enqueue({ kind: 'hang', ms: 10_000 });
    const pending = rejectionOf(client.messages.create(hello, { maxRetries: 0 }));
    while (fake.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    const started = Date.now();
    await fake.close();
    expect(await pending).toBeInstanceOf(Anthropic.APIConnectionError);
    expect(Date.now() - started).toBeLessThan(500);
  });
});
