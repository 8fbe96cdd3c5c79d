import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeHttp } from '../../test/support/fake-http.js';
import { silentLogger } from '../core/logger.js';
import { backoffMs, httpTransport, RequestSpacing, retryAfterMs } from './http.js';
import { Secret } from './secrets.js';

let fake: FakeHttp;
beforeEach(async () => {
  fake = await new FakeHttp()
    .route('GET', /^\/ok$/, () => ({ status: 200, body: { fine: true } }))
    .route('GET', /^\/slow$/, () => ({ status: 200 }))
    .start();
});
afterEach(() => fake.stop());

const token = new Secret('tok-0123456789abcdef', 'test');
const get = (path: string) => ({
  method: 'GET' as const,
  url: `${fake.url}${path}`,
  headers: { authorization: `Bearer ${token.reveal()}` },
  secrets: [token],
  purpose: 'test',
});

describe('the integrations’ HTTP transport', () => {
  it('classifies answers: 2xx ok, 429, 408 and 5xx worth a retry (with Retry-After), other 4xx refused, no answer a retry', async () => {
    const t = httpTransport({ logger: silentLogger(), dryRun: false, timeoutMs: 500 });
    fake.script(
      'GET',
      /^\/ok$/,
      { status: 429, headers: { 'retry-after': '3' } },
      { status: 503, body: { error: 'down' } },
      { status: 422, body: { error: 'bad component' } },
      { status: 408 },
    );
    expect(await t.send(get('/ok'))).toMatchObject({ kind: 'retry', status: 429, retryAfterMs: 3000 });
    expect(await t.send(get('/ok'))).toMatchObject({ kind: 'retry', status: 503, retryAfterMs: null });
    const refused = await t.send(get('/ok'));
    expect(refused).toMatchObject({ kind: 'refused', status: 422 });
    expect((refused as { problem: string }).problem).toBe(`GET ${fake.url}/ok: HTTP 422 — {"error":"bad component"}`);
    expect(await t.send(get('/ok'))).toMatchObject({ kind: 'retry', status: 408 });
    expect(await t.send(get('/ok'))).toEqual({ kind: 'ok', status: 200, body: { fine: true } });
    await fake.stop();
    const gone = await t.send(get('/ok'));
    expect(gone).toMatchObject({ kind: 'retry', status: null });
    expect(JSON.stringify(gone)).not.toContain(token.reveal());
  });

  it('sends nothing in a dry run', async () => {
    const t = httpTransport({ logger: silentLogger(), dryRun: true });
    expect(await t.send(get('/ok'))).toEqual({ kind: 'dry_run' });
    expect(fake.received).toEqual([]);
  });

  it('reads Retry-After as seconds or a date, and backs off exponentially with jitter up to five minutes', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(new Date(Date.now() + 10_000).toUTCString())).toBeGreaterThan(8_000);
    expect(retryAfterMs('soon')).toBeNull();
    expect(retryAfterMs(null)).toBeNull();
    expect(retryAfterMs('86400')).toBe(3_600_000);
    expect(backoffMs(1, null, () => 0.5)).toBe(1000);
    expect(backoffMs(3, null, () => 0.5)).toBe(4000);
    expect(backoffMs(20, null, () => 1)).toBe(360_000);
    expect(backoffMs(20, null, () => 0)).toBe(240_000);
    expect(backoffMs(2, 7000)).toBe(7000);
  });

  it('spaces the calls of one token an interval apart, counted from when each was answered', async () => {
    const slept: number[] = [];
    const spacing = new RequestSpacing(async (ms) => {
      slept.push(ms);
      await new Promise((r) => setTimeout(r, ms));
    });
    const starts: number[] = [];
    const call = () => spacing.around('token-a', 200, async () => void starts.push(Date.now()));
    await Promise.all([call(), call(), call(), spacing.around('token-b', 200, async () => undefined)]);
    expect(starts).toHaveLength(3);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(190);
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(190);
    expect(slept).toHaveLength(2);
  });
});
