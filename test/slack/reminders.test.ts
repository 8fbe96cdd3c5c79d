import { afterEach, describe, expect, it } from 'vitest';
import type { SlackHarness } from '../support/slack-harness.js';
import { PEOPLE, startSlackHarness } from '../support/slack-harness.js';
import { blockAction, slashCommand } from '../support/slack-events.js';

/**
 * Reminders from the cadence engine on a simulated clock: one message per kind, posted when due,
 * edited while it stays due, done when not, snoozable. The real Bolt client and the fake Slack.
 */

let h: SlackHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function declared(harness: SlackHarness): Promise<string> {
  await harness.fake.deliver(
    'slash_commands',
    slashCommand(
      harness.responses,
      PEOPLE.alice,
      'CGENERAL1',
      'declare Payment API returning 500s, customers cannot check out',
    ),
  );
  await harness.settle();
  return [...harness.fake.channels.keys()][0]!;
}

/** Reminder messages (their text starts with the incident id) matching `kind`. */
const reminders = (harness: SlackHarness, channel: string, kind: RegExp) =>
  harness.fake
    .posts(channel)
    .filter((c) => /^INC-\d+: /.test(String(c.args['text'])) && kind.test(String(c.args['text'])));

describe('Slack: reminders on the cadence', () => {
  it('posts the engineering update reminder when it falls due, edits it rather than repeating it, and marks it done once the update is posted', async () => {
    h = await startSlackHarness();
    const channel = await declared(h);
    await h.handle.tick();
    expect(reminders(h, channel, /update due/)).toEqual([]);

    // SEV1: engineering every 15 minutes. At 16 minutes it is due (the customer one was sent at declaration and is due too).
    h.clock.advanceMinutes(16);
    await h.handle.tick();
    const first = reminders(h, channel, /Engineering update due/);
    expect(first).toHaveLength(1);
    expect(String(first[0]!.args['blocks'])).toMatch(/no change, still investigating/);
    const ts = h.fake.messages.find((m) => m.channel === channel && /Engineering update due/.test(m.text))!.ts;

    h.clock.advanceMinutes(3);
    await h.handle.tick();
    expect(reminders(h, channel, /Engineering update due/)).toHaveLength(1);
    const edits = h.fake.callsOf('chat.update').filter((c) => c.args['ts'] === ts);
    expect(edits.length).toBeGreaterThanOrEqual(1);
    expect(String(edits.at(-1)!.args['text'])).toMatch(/late/);

    // Bob posts the update from the reminder's button: recorded, posted, and the reminder is done.
    await h.fake.deliver(
      'interactive',
      blockAction(h.responses, PEOPLE.bob, channel, ts, {
        action_id: 'ic_post_update:engineering',
        value: 'INC-1|engineering',
      }),
    );
    await h.settle();
    const updates = await h.runtime.store.listUpdates('INC-1', 'engineering');
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ author: 'Bob', noChange: false });
    expect(h.fake.posts(channel).some((c) => /Engineering update for INC-1/.test(String(c.args['text'])))).toBe(true);
    await h.handle.tick();
    expect(
      String(
        h.fake
          .callsOf('chat.update')
          .filter((c) => c.args['ts'] === ts)
          .at(-1)!.args['text'],
      ),
    ).toMatch(/done/);

    // The next one falls due 15 minutes after that update: a new message, not the old one.
    h.clock.advanceMinutes(16);
    await h.handle.tick();
    expect(reminders(h, channel, /Engineering update due/)).toHaveLength(2);
  });

  it('snoozes a reminder and brings it back when the snooze ends with the thing still due; unfilled roles and the post-mortem are reminded too', async () => {
    h = await startSlackHarness();
    const channel = await declared(h);
    h.clock.advanceMinutes(16);
    await h.handle.tick();
    const roles = reminders(h, channel, /still unfilled/);
    expect(roles).toHaveLength(1);
    expect(String(roles[0]!.args['blocks'])).toMatch(/Technical Lead/);
    const engineering = h.fake.messages.find((m) => m.channel === channel && /Engineering update due/.test(m.text))!;

    await h.fake.deliver(
      'interactive',
      blockAction(h.responses, PEOPLE.carol, channel, engineering.ts, {
        action_id: 'ic_snooze',
        value: 'INC-1|update:engineering',
      }),
    );
    await h.settle();
    expect(h.fake.messages.find((m) => m.ts === engineering.ts)!.text).toMatch(/snoozed/);
    h.clock.advanceMinutes(5);
    await h.handle.tick();
    expect(reminders(h, channel, /Engineering update due/)).toHaveLength(1);
    h.clock.advanceMinutes(6);
    await h.handle.tick();
    expect(reminders(h, channel, /Engineering update due/)).toHaveLength(2);

    await h.fake.deliver(
      'slash_commands',
      slashCommand(h.responses, PEOPLE.alice, channel, 'resolve rolled back the 14:02 deploy; errors back to baseline'),
    );
    await h.settle();
    await h.handle.tick();
    const pm = reminders(h, channel, /Post-mortem due/);
    expect(pm).toHaveLength(1);
    // Resolved: nothing else is due any more, so every open reminder is marked done.
    const open = h.fake.messages.filter(
      (m) =>
        m.channel === channel &&
        /^INC-1: .*(update due|still unfilled)/.test(m.text) &&
        !/^INC-1: done|\(snoozed\)$/.test(m.text),
    );
    expect(open).toEqual([]);
  });
});
