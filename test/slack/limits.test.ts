import { afterEach, describe, expect, it } from 'vitest';
import { startFakeSlack } from '../support/fake-slack.js';
import { eventCallback, messageEvent, slashCommand } from '../support/slack-events.js';
import { PEOPLE, type SlackHarness, startSlackHarness } from '../support/slack-harness.js';

/** Slack's limits and errors, answered by the fake as Slack answers them. */

const harnesses: SlackHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0).reverse()) await h.close();
});

async function start(options: Parameters<typeof startSlackHarness>[0] = {}): Promise<SlackHarness> {
  const h = await startSlackHarness(options);
  harnesses.push(h);
  return h;
}

async function declared(h: SlackHarness): Promise<string> {
  await h.fake.deliver(
    'slash_commands',
    slashCommand(
      h.responses,
      PEOPLE.alice,
      'CGENERAL1',
      'declare Payment API returning 500s, customers cannot check out',
    ),
  );
  await h.settle();
  return [...h.fake.channels.keys()][0]!;
}

describe('Slack: limits and errors', () => {
  it('retries a rate-limited write after the Retry-After it was given, holding that channel, then posts it', async () => {
    const waits: number[] = [];
    const h = await start({ sleep: async (ms) => void waits.push(ms) });
    const channel = await declared(h);
    h.fake.fail('chat.postMessage', { error: 'ratelimited', retryAfter: 3, when: (a) => a['channel'] === channel });
    h.fake.fail('chat.postMessage', { error: 'ratelimited', when: (a) => a['channel'] === channel });
    await h.fake.deliver(
      'slash_commands',
      slashCommand(h.responses, PEOPLE.dave, channel, 'note rolled back the 14:02 deploy'),
    );
    await h.settle();
    const attempts = h.fake.calls
      .filter((c) => c.method === 'chat.postMessage' && c.args['channel'] === channel)
      .slice(-3);
    expect(attempts.map((c) => c.error)).toEqual(['ratelimited', 'ratelimited', null]);
    expect(String(attempts[2]!.args['text'])).toMatch(/rolled back the 14:02 deploy/);
    // 429 with Retry-After: 3 → 3 s; the header-less `ratelimited` answer → backoff of 2 s on the second try.
    expect(waits).toEqual([3000, 2000]);
  });

  it('gives up on a channel Slack keeps rate-limiting and tells the person, with the record written', async () => {
    const h = await start({ sleep: async () => undefined });
    const channel = await declared(h);
    h.fake.fail('chat.postMessage', {
      error: 'ratelimited',
      retryAfter: 1,
      times: 10,
      when: (a) => a['channel'] === channel,
    });
    await h.fake.deliver('slash_commands', slashCommand(h.responses, PEOPLE.dave, channel, 'note cache flushed'));
    await h.settle();
    expect(h.fake.calls.filter((c) => c.error === 'ratelimited')).toHaveLength(5);
    expect(JSON.stringify(h.fake.responses.at(-1)!.body)).toMatch(/rate-limiting/);
    expect((await h.runtime.store.listTimeline('INC-1')).some((e) => e.text === 'cache flushed')).toBe(true);
  });

  it('joins and retries on not_in_channel, resends as text on msg_blocks_too_long, and explains channel_not_found', async () => {
    const h = await start();
    const channel = await declared(h);
    h.fake.fail('chat.postMessage', { error: 'not_in_channel', when: (a) => a['channel'] === channel });
    await h.fake.deliver('slash_commands', slashCommand(h.responses, PEOPLE.dave, channel, 'note first'));
    await h.settle();
    expect(h.fake.callsOf('conversations.join').map((c) => c.args['channel'])).toEqual([channel]);
    expect(h.fake.posts(channel).some((c) => /first/.test(String(c.args['text'])))).toBe(true);

    h.fake.fail('chat.postMessage', { error: 'msg_blocks_too_long', when: (a) => a['channel'] === channel });
    await h.fake.deliver('slash_commands', slashCommand(h.responses, PEOPLE.dave, channel, 'note second'));
    await h.settle();
    const resent = h.fake.posts(channel).at(-1)!;
    expect(resent.args['blocks']).toBeUndefined();
    expect(String(resent.args['text'])).toMatch(/second/);

    h.fake.fail('chat.postMessage', { error: 'channel_not_found', when: (a) => a['channel'] === channel });
    await h.fake.deliver('slash_commands', slashCommand(h.responses, PEOPLE.dave, channel, 'note third'));
    await h.settle();
    const told = JSON.stringify(h.fake.responses.at(-1)!.body);
    expect(told).toMatch(/channel_not_found/);
    expect(told).toMatch(/invite the app/);
  });

  it('two instances receiving the same event record it once, and both acknowledge it with its envelope_id', async () => {
    const fake = await startFakeSlack();
    try {
      const a = await start({ fake });
      const b = await start({ fake, db: a.db, clock: a.clock });
      const channel = await declared(a);
      const finding = fake.addMessage(channel, PEOPLE.dave, 'pool exhausted on every pod');
      const pin = eventCallback(
        {
          type: 'pin_added',
          user: PEOPLE.erin,
          channel_id: channel,
          item: {
            type: 'message',
            channel,
            message: { type: 'message', ts: finding.ts, text: finding.text, user: PEOPLE.dave },
          },
        },
        'EvSAMEEVENT1',
      );
      const said = fake.addMessage(channel, PEOPLE.carol, "I'll scribe");
      const message = eventCallback(messageEvent(channel, PEOPLE.carol, "I'll scribe", said.ts), 'EvSAMEEVENT2');
      const acks = await Promise.all([
        fake.deliver('events_api', pin, { to: 0, envelopeId: 'env-pin' }),
        fake.deliver('events_api', pin, { to: 1, envelopeId: 'env-pin', retryAttempt: 1 }),
        fake.deliver('events_api', message, { to: 0, envelopeId: 'env-msg' }),
        // The same message as another event (a retry with a new event id) reaches the other instance.
        fake.deliver('events_api', eventCallback(messageEvent(channel, PEOPLE.carol, "I'll scribe", said.ts)), {
          to: 1,
        }),
      ]);
      expect(acks.map((x) => x.envelope_id)).toEqual(['env-pin', 'env-pin', 'env-msg', expect.any(String)]);
      await Promise.all([a.settle(), b.settle()]);
      const timeline = await a.runtime.store.listTimeline('INC-1');
      expect(timeline.filter((e) => e.text.includes('pool exhausted on every pod'))).toHaveLength(1);
      expect(timeline.filter((e) => e.kind === 'roles' && /Scribe: Carol/.test(e.text))).toHaveLength(1);
      expect(fake.posts(channel).filter((c) => c.args['thread_ts'] === said.ts)).toHaveLength(1);
      // Every envelope either instance saw was acknowledged, each with its own id.
      expect(fake.acks.every((x) => typeof x.envelope_id === 'string' && x.envelope_id.length > 0)).toBe(true);
    } finally {
      for (const h of harnesses.splice(0).reverse()) await h.close();
      await fake.close();
    }
  });

  it("one incident's broken channel does not hold up another's reminders", async () => {
    const h = await start();
    const first = await declared(h);
    await h.fake.deliver(
      'slash_commands',
      slashCommand(h.responses, PEOPLE.bob, 'CGENERAL1', 'declare Search API returning 503 for every query'),
    );
    await h.settle();
    const second = [...h.fake.channels.keys()].find((c) => c !== first)!;
    // INC-2 is the newest, so it is looked at first: its channel is the broken one.
    h.fake.fail('chat.postMessage', { error: 'channel_not_found', times: 50, when: (a) => a['channel'] === second });
    h.fake.fail('chat.update', { error: 'channel_not_found', times: 50, when: (a) => a['channel'] === second });
    h.clock.advanceMinutes(16);
    await h.handle.tick();
    expect(h.fake.calls.some((c) => c.args['channel'] === second && c.error === 'channel_not_found')).toBe(true);
    expect(h.fake.posts(first).some((c) => /^INC-1: .*update due/.test(String(c.args['text'])))).toBe(true);
  });

  it('a message from the app itself, or from another bot, is not a turn', async () => {
    const h = await start();
    const channel = await declared(h);
    const before = h.fake.posts(channel).length;
    const own = h.fake.addMessage(channel, 'UBOT0001', 'INC-1 headline');
    await h.fake.deliver(
      'events_api',
      eventCallback(messageEvent(channel, 'UBOT0001', 'INC-1 headline', own.ts, { bot_id: 'BBOT0001' })),
    );
    await h.fake.deliver(
      'events_api',
      eventCallback(
        messageEvent(channel, 'UOTHERBOT', 'deploy finished', h.fake.nextTs(), {
          subtype: 'bot_message',
          bot_id: 'BOTHER001',
        }),
      ),
    );
    await h.settle();
    expect(h.fake.posts(channel)).toHaveLength(before);
  });
});
