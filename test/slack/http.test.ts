import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { eventCallback, slashCommand } from '../support/slack-events.js';
import { PEOPLE, SIGNING_SECRET, type SlackHarness, startSlackHarness } from '../support/slack-harness.js';

/** The Events API mode: every request signed (v0 HMAC-SHA256, 5-minute window), replays refused, loopback by default. */

let h: SlackHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

interface Sent {
  status: number;
  body: string;
}

function sign(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

async function post(
  url: string,
  body: string,
  contentType: string,
  headers: Record<string, string> = {},
  timestamp = Math.floor(Date.now() / 1000),
): Promise<Sent> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': sign(body, timestamp),
      ...headers,
    },
    body,
  });
  return { status: res.status, body: await res.text() };
}

const form = (fields: Record<string, unknown>): string =>
  new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)])).toString();

describe('Slack: Events API over signed HTTP', () => {
  it('serves on loopback, answers a signed slash command within the deadline and does the work after', async () => {
    h = await startSlackHarness({ mode: 'http' });
    expect(h.handle.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/slack\/events$/);
    const command = form(
      slashCommand(
        h.responses,
        PEOPLE.alice,
        'CGENERAL1',
        'declare Payment API returning 500s, customers cannot check out',
      ),
    );
    const res = await post(h.handle.url!, command, 'application/x-www-form-urlencoded');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/Declaring/),
    });
    await h.settle();
    expect(await h.runtime.store.getIncident('INC-1')).not.toBeNull();
    expect(h.fake.channels.size).toBe(1);

    const challenge = JSON.stringify({ type: 'url_verification', challenge: 'abc123', token: 't' });
    expect(await post(h.handle.url!, challenge, 'application/json')).toEqual({
      status: 200,
      body: '{"challenge":"abc123"}',
    });
  });

  it('refuses a failed signature, a stale or future timestamp and a replayed request with 401, writing nothing', async () => {
    h = await startSlackHarness({ mode: 'http' });
    const url = h.handle.url!;
    const body = form(
      slashCommand(
        h.responses,
        PEOPLE.alice,
        'CGENERAL1',
        'declare Payment API returning 500s, customers cannot check out',
      ),
    );
    const now = Math.floor(Date.now() / 1000);
    const callsBefore = h.fake.calls.length;

    const tampered = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(now),
        'x-slack-signature': sign(`${body}x`, now),
      },
      body,
    });
    expect(tampered.status).toBe(401);
    const wrongSecret = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(now),
        'x-slack-signature': sign(body, now, 'f'.repeat(32)),
      },
      body,
    });
    expect(wrongSecret.status).toBe(401);
    const unsigned = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(unsigned.status).toBe(401);
    expect((await post(url, body, 'application/x-www-form-urlencoded', {}, now - 301)).status).toBe(401);
    expect((await post(url, body, 'application/x-www-form-urlencoded', {}, now + 301)).status).toBe(401);
    await h.settle();
    expect(await h.runtime.store.listIncidents()).toEqual([]);
    expect(h.fake.calls.length).toBe(callsBefore);

    // The same signed bytes twice: the first is served, the copy is a replay.
    const event = JSON.stringify(
      eventCallback({
        type: 'app_mention',
        user: PEOPLE.alice,
        text: '<@UBOT0001> status?',
        ts: '1764165601.000100',
        channel: 'CGENERAL1',
      }),
    );
    const first = await post(url, event, 'application/json', {}, now);
    const replay = await post(url, event, 'application/json', {}, now);
    expect([first.status, replay.status]).toEqual([200, 401]);
    await h.settle();
    expect(h.fake.posts('CGENERAL1')).toHaveLength(1);
  });

  it('refuses oversized bodies, other paths and methods, and unreadable bodies', async () => {
    h = await startSlackHarness({ mode: 'http' });
    const url = h.handle.url!;
    expect((await post(url, 'x'.repeat(1024 * 1024 + 1), 'application/json')).status).toBe(413);
    expect((await fetch(url.replace('/slack/events', '/admin'))).status).toBe(404);
    expect((await fetch(url)).status).toBe(405);
    expect((await post(url, '{not json', 'application/json')).status).toBe(400);
  });
});
