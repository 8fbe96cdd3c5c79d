import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { blocksProblem } from '../support/fake-slack.js';
import {
  blockAction,
  eventCallback,
  mentionEvent,
  messageEvent,
  messageShortcut,
  slashCommand,
  viewSubmission,
} from '../support/slack-events.js';
import { PEOPLE, type SlackHarness, startSlackHarness } from '../support/slack-harness.js';

/**
 * The Slack front door end to end: the real Bolt client (Socket Mode) against the fake Slack on
 * loopback, over a real runtime (SQLite file, the offline playbook). Every envelope must be
 * acknowledged with its own envelope_id.
 */

let h: SlackHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const REPORT = 'Payment API returning 500s, customers cannot check out';

/** Declares through the slash command and returns the incident channel. */
async function declared(harness: SlackHarness): Promise<string> {
  const ack = await harness.fake.deliver(
    'slash_commands',
    slashCommand(harness.responses, PEOPLE.alice, 'CGENERAL1', `declare ${REPORT}`),
  );
  expect(ack.envelope_id).toBeTruthy();
  await harness.settle();
  const [channel] = [...harness.fake.channels.keys()];
  expect(channel).toBeDefined();
  return channel!;
}

function texts(harness: SlackHarness, channel: string): string[] {
  return harness.fake.posts(channel).map((c) => String(c.args['text']));
}

function blocksText(call: { args: Record<string, unknown> }): string {
  return String(call.args['blocks'] ?? '');
}

describe('Slack: declare', () => {
  it('creates inc-<n>-<slug>, invites the declarer, sets the topic, pins the headline and posts the first reply', async () => {
    h = await startSlackHarness();
    const channel = await declared(h);
    const [create] = h.fake.callsOf('conversations.create');
    expect(create!.args['name']).toMatch(/^inc-1-payment-api/);
    expect(String(create!.args['name']).length).toBeLessThanOrEqual(80);
    expect(h.fake.callsOf('conversations.invite')[0]!.args['users']).toBe(PEOPLE.alice);
    const topic = h.fake.channels.get(channel)!.topic;
    expect(topic).toMatch(/INC-1 SEV1 · investigating · IC: Alice · next update \d\d:\d\d UTC/);

    const [headline, reply] = h.fake.posts(channel);
    expect(blocksText(headline!)).toContain('INC-1 · SEV1');
    expect(
      h.fake.messages.find((m) => m.ts === h!.fake.calls.find((c) => c.method === 'pins.add')!.args['timestamp'])?.text,
    ).toBe(String(headline!.args['text']));
    // The commander's first reply: severity with escalation, roles, immediate actions, the first update.
    const first = blocksText(reply!);
    expect(first).toMatch(/Severity: SEV1/);
    expect(first).toMatch(/Escalation triggered/);
    expect(first).toMatch(/Roles assigned/);
    expect(first).toMatch(/Immediate actions/);
    expect(first).toMatch(/Next update/i);
    expect(h.fake.responses.at(-1)!.body['text']).toMatch(/INC-1 is declared/);

    const incident = await h.runtime.store.getIncident('INC-1');
    expect(incident).toMatchObject({ severity: 'SEV1', declaredBy: 'Alice' });
    expect(await h.runtime.store.findRef('slack', 'channel', channel)).toMatchObject({ incidentId: 'INC-1' });
  });

  it('takes the next name when one is taken, and opens the form when declare has no text', async () => {
    h = await startSlackHarness();
    h.fake.takenNames.add('inc-1-payment-api-returning-500s');
    h.fake.fail('conversations.create', {
      error: 'name_taken',
      when: (a) => a['name'] === 'inc-1-payment-api-returning-500s-2',
    });
    await declared(h);
    const names = h.fake.calls.filter((c) => c.method === 'conversations.create').map((c) => [c.args['name'], c.error]);
    expect(names).toEqual([
      ['inc-1-payment-api-returning-500s', 'name_taken'],
      ['inc-1-payment-api-returning-500s-2', 'name_taken'],
      ['inc-1-payment-api-returning-500s-3', null],
    ]);

    const command = slashCommand(h.responses, PEOPLE.bob, 'CGENERAL1', 'declare');
    await h.fake.deliver('slash_commands', command);
    const [open] = await h.fake.until(
      () => h!.fake.callsOf('views.open').at(0) && h!.fake.callsOf('views.open'),
      'the form',
    );
    expect(open!.args['trigger_id']).toBe(command['trigger_id']);
    const view = JSON.parse(String(open!.args['view'])) as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe('ic_declare');

    // A form missing what is broken stays open with the error under that field.
    const empty = await h.fake.deliver(
      'interactive',
      viewSubmission(PEOPLE.bob, 'ic_declare', view.private_metadata, {
        title: { value: 'Search down' },
        broken: { value: '' },
      }),
    );
    expect(empty.payload).toMatchObject({ response_action: 'errors', errors: { broken: expect.any(String) } });
    const ack = await h.fake.deliver(
      'interactive',
      viewSubmission(PEOPLE.bob, 'ic_declare', view.private_metadata, {
        title: { value: 'Search returning errors' },
        broken: { value: 'Search API returns 503 for every query since 14:00' },
        affected: { value: 'all customers using search' },
      }),
    );
    expect(ack.envelope_id).toBeTruthy();
    await h.settle();
    expect(await h.runtime.store.getIncident('INC-2')).toMatchObject({ title: expect.stringMatching(/Search/i) });
    expect(h.fake.channels.size).toBe(2);
  });

  it('answers a report the commander cannot act on with its question and the form', async () => {
    h = await startSlackHarness();
    await h.fake.deliver('slash_commands', slashCommand(h.responses, PEOPLE.alice, 'CGENERAL1', 'declare hmm'));
    await h.settle();
    expect(h.fake.channels.size).toBe(0);
    const last = h.fake.responses.at(-1)!.body;
    expect(JSON.stringify(last['blocks'])).toContain('ic_open_declare');
    expect(await h.runtime.store.listIncidents()).toEqual([]);
  });
});

describe('Slack: the channel is the conversation', () => {
  it('a role claimed from the headline goes to the person who claimed it, and the headline follows', async () => {
    h = await startSlackHarness();
    const channel = await declared(h);
    const headlineTs = String(
      h.fake.posts(channel)[0]!.args['ts'] ?? h.fake.messages.find((m) => m.channel === channel)!.ts,
    );
    const ack = await h.fake.deliver(
      'interactive',
      blockAction(h.responses, PEOPLE.bob, channel, headlineTs, {
        action_id: 'ic_claim_role',
        selected: 'INC-1|communications_lead',
      }),
    );
    expect(ack.envelope_id).toBeTruthy();
    await h.settle();
    const roles = await h.runtime.store.listRoles('INC-1');
    expect(roles.find((r) => r.role === 'communications_lead')).toMatchObject({ person: 'Bob', assignedBy: 'Bob' });
    expect(texts(h, channel).some((t) => /\*Bob\* is Communications Lead/.test(t))).toBe(true);
    await h.handle.sync();
    await h.settle();
    const update = h.fake
      .callsOf('chat.update')
      .filter((c) => c.args['channel'] === channel && c.args['ts'] === headlineTs)
      .at(-1);
    expect(blocksText(update!)).toMatch(/Communications Lead\*\\n(Bob)/);
  });

  it('an @mention is a turn with the Slack user as the actor, once, even when the message event comes too', async () => {
    h = await startSlackHarness();
    const channel = await declared(h);
    const ts = h.fake.addMessage(channel, PEOPLE.carol, "<@UBOT0001> I'll take scribe").ts;
    const before = h.fake.posts(channel).length;
    await Promise.all([
      h.fake.deliver('events_api', eventCallback(mentionEvent(channel, PEOPLE.carol, "I'll take scribe", ts))),
      h.fake.deliver(
        'events_api',
        eventCallback(messageEvent(channel, PEOPLE.carol, "<@UBOT0001> I'll take scribe", ts)),
      ),
    ]);
    await h.settle();
    const roles = await h.runtime.store.listRoles('INC-1');
    expect(roles.find((r) => r.role === 'scribe')?.person).toBe('Carol');
    // One turn, one answer: in the channel, since it was an @mention at the top level.
    const replies = h.fake.posts(channel).slice(before);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.args['thread_ts']).toBeUndefined();
    expect(blocksText(replies[0]!)).toMatch(/Scribe: Carol/);
    const scribeEvents = (await h.runtime.store.listTimeline('INC-1', { kinds: ['roles'] })).filter((e) =>
      /Scribe: Carol/.test(e.text),
    );
    expect(scribeEvents).toHaveLength(1);
    expect(scribeEvents[0]!.author).toBe('Carol');
  });

  it('a plain message in the incident channel is a turn, answered in its thread; a person the roster does not know still works', async () => {
    h = await startSlackHarness();
    const channel = await declared(h);
    h.fake.addUser('UNEWBIE01', 'Zoltan');
    const ts = h.fake.addMessage(channel, 'UNEWBIE01', 'error rate is 40% on checkout, EU only').ts;
    await h.fake.deliver(
      'events_api',
      eventCallback(messageEvent(channel, 'UNEWBIE01', 'error rate is 40% on checkout, EU only', ts)),
    );
    await h.settle();
    const reply = h.fake.posts(channel).at(-1)!;
    expect(reply.args['thread_ts']).toBe(ts);
    const timeline = await h.runtime.store.listTimeline('INC-1');
    expect(timeline.some((e) => e.author === 'Zoltan')).toBe(true);
  });

  it('code blocks, files, huge pastes and other languages never crash a handler', async () => {
    h = await startSlackHarness();
    const channel = await declared(h);
    const inputs = [
      '```\nERROR 2026-11-26T14:02:11Z pool exhausted\n  at Pool.acquire (pool.js:42)\n```',
      `log dump: ${'GET /checkout 500 upstream timeout\n'.repeat(3000)}`,
      'Die Zahlungen schlagen fehl, Kunden können nicht bezahlen',
      '支付接口返回500错误，客户无法结账',
      '<!channel> <script>alert(1)</script> \u001b[2J \u202e reversed',
    ];
    for (const [i, text] of inputs.entries()) {
      const ts = h.fake.addMessage(channel, PEOPLE.dave, text).ts;
      await h.fake.deliver(
        'events_api',
        eventCallback(
          messageEvent(
            channel,
            PEOPLE.dave,
            text,
            ts,
            i === 1 ? { subtype: 'file_share', files: [{ name: 'trace.log' }] } : {},
          ),
        ),
      );
    }
    await h.settle();
    const posts = h.fake.posts(channel);
    for (const p of posts) expect(blocksProblem(JSON.parse(String(p.args['blocks'] ?? '[]')))).toBeNull();
    // Nothing the team typed comes back as a mention or a link.
    expect(posts.every((p) => !blocksText(p).includes('<!channel>'))).toBe(true);
    expect(h.fake.calls.filter((c) => c.error && c.error !== 'already_in_channel')).toEqual([]);
  });

  it('unknown subcommands answer with help; subcommands outside an incident channel say where they work', async () => {
    h = await startSlackHarness();
    const ack = await h.fake.deliver(
      'slash_commands',
      slashCommand(h.responses, PEOPLE.alice, 'CGENERAL1', 'decalre checkout down'),
    );
    expect(JSON.stringify(ack.payload)).toMatch(/Did you mean `\/ic declare`/);
    const outside = await h.fake.deliver(
      'slash_commands',
      slashCommand(h.responses, PEOPLE.alice, 'CGENERAL1', 'note hello'),
    );
    expect(JSON.stringify(outside.payload)).toMatch(/works in an incident's channel/);
    expect(await h.runtime.store.listIncidents()).toEqual([]);
  });
});

describe('Slack: the channel is the timeline', () => {
  it('pins, the reaction and the shortcut put a message on the timeline once, with its time, author and permalink; edits and deletions follow', async () => {
    h = await startSlackHarness();
    const channel = await declared(h);
    const finding = h.fake.addMessage(channel, PEOPLE.dave, 'connection pool at 100% since the 14:02 deploy');
    const sentAt = new Date(Math.floor(Number(finding.ts) * 1000)).toISOString();
    const pin = {
      type: 'pin_added',
      user: PEOPLE.erin,
      channel_id: channel,
      item: {
        type: 'message',
        channel,
        created: 1,
        created_by: PEOPLE.erin,
        message: { type: 'message', ts: finding.ts, text: finding.text, user: PEOPLE.dave },
      },
      event_ts: '1.1',
    };
    await h.fake.deliver('events_api', eventCallback(pin));
    await h.fake.deliver('events_api', eventCallback(pin));
    await h.fake.deliver(
      'events_api',
      eventCallback({
        type: 'reaction_added',
        user: PEOPLE.bob,
        reaction: 'pushpin',
        item: { type: 'message', channel, ts: finding.ts },
        event_ts: '1.2',
      }),
    );
    await h.fake.deliver(
      'interactive',
      messageShortcut(h.responses, PEOPLE.carol, channel, { ts: finding.ts, text: finding.text, user: PEOPLE.dave }),
    );
    await h.settle();
    const captured = (await h.runtime.store.listTimeline('INC-1')).filter((e) =>
      e.text.includes('connection pool at 100%'),
    );
    expect(captured).toHaveLength(1);
    expect(captured[0]).toMatchObject({
      kind: 'note',
      author: 'Dave',
      at: sentAt,
      data: {
        source: {
          system: 'slack',
          ref: `${channel}:${finding.ts}`,
          via: 'pin',
          capturedBy: 'Erin',
          url: expect.stringContaining('/archives/'),
        },
      },
    });
    expect(h.fake.responses.at(-1)!.body['text']).toMatch(/already/);
    expect(h.fake.callsOf('reactions.add')).toHaveLength(1);

    const edited = { ...finding, text: 'connection pool at 100% since the 14:02 deploy (confirmed on all 3 pods)' };
    await h.fake.deliver(
      'events_api',
      eventCallback(
        messageEvent(channel, PEOPLE.dave, '', '1764165999.000001', {
          subtype: 'message_changed',
          user: undefined,
          message: {
            type: 'message',
            ts: finding.ts,
            user: PEOPLE.dave,
            text: edited.text,
            edited: { user: PEOPLE.dave, ts: '1.3' },
          },
          previous_message: { type: 'message', ts: finding.ts, user: PEOPLE.dave, text: finding.text },
        }),
      ),
    );
    // A thread reply changes the parent without new words: not an edit.
    await h.fake.deliver(
      'events_api',
      eventCallback(
        messageEvent(channel, PEOPLE.dave, '', '1764165999.000002', {
          subtype: 'message_changed',
          user: undefined,
          message: { type: 'message', ts: finding.ts, user: PEOPLE.dave, text: edited.text, reply_count: 1 },
          previous_message: { type: 'message', ts: finding.ts, user: PEOPLE.dave, text: edited.text },
        }),
      ),
    );
    await h.fake.deliver(
      'events_api',
      eventCallback(
        messageEvent(channel, PEOPLE.dave, '', '1764165999.000003', {
          subtype: 'message_deleted',
          user: undefined,
          deleted_ts: finding.ts,
          hidden: true,
        }),
      ),
    );
    await h.settle();
    const after = await h.runtime.store.listTimeline('INC-1');
    expect(after.filter((e) => /Edited in Slack/.test(e.text)).map((e) => e.text)).toEqual([
      expect.stringContaining('confirmed on all 3 pods'),
    ]);
    expect(after.filter((e) => /Deleted in Slack/.test(e.text))).toHaveLength(1);
    expect(after.find((e) => e.seq === captured[0]!.seq)?.text).toContain('connection pool at 100%');
  });
});

describe('Slack: updates and forms', () => {
  it('customer text is only drafted: the card waits for a person, who edits it, then approves the revision they read', async () => {
    h = await startSlackHarness();
    const channel = await declared(h);
    await h.fake.deliver('slash_commands', slashCommand(h.responses, PEOPLE.bob, channel, 'update customer'));
    await h.settle();
    const card = h.fake.messages
      .filter((m) => m.channel === channel && /^Customer update for INC-1 \(pending\)/.test(m.text))
      .at(-1)!;
    expect(card).toBeDefined();
    expect(JSON.stringify(card.blocks)).toMatch(/needs a person's approval/);
    const [draftId] = JSON.stringify(card.blocks)
      .match(/"value":"([A-Za-z0-9_-]+)\|1"/)!
      .slice(1);
    // A draft waiting for a person: nothing is approved or published by drafting it.
    expect(await h.runtime.store.getDraft(draftId!)).toMatchObject({
      state: 'pending',
      revision: 1,
      createdBy: 'Bob',
      review: null,
    });

    await h.fake.deliver(
      'interactive',
      blockAction(h.responses, PEOPLE.bob, channel, card.ts, { action_id: 'ic_customer_edit', value: `${draftId}|1` }),
    );
    const [open] = await h.fake.until(
      () => h!.fake.callsOf('views.open').at(0) && h!.fake.callsOf('views.open'),
      'the edit form',
    );
    const view = JSON.parse(String(open!.args['view'])) as { private_metadata: string };
    await h.fake.deliver(
      'interactive',
      viewSubmission(PEOPLE.bob, 'ic_customer_edit_view', view.private_metadata, {
        text: {
          value: 'Checkout is failing for some customers. We are rolling back a change. Next update in 15 minutes.',
        },
      }),
    );
    await h.settle();
    expect(JSON.stringify(h.fake.messages.find((m) => m.ts === card.ts)!.blocks)).toMatch(
      /rolling back a change.*revision 2|revision 2.*rolling back a change/s,
    );

    // A click on the card as it was before the edit is refused: nobody approves text they did not read.
    await h.fake.deliver(
      'interactive',
      blockAction(h.responses, PEOPLE.carol, channel, card.ts, {
        action_id: 'ic_customer_approve',
        value: `${draftId}|1`,
      }),
    );
    await h.settle();
    expect(JSON.stringify(h.fake.responses.at(-1)!.body)).toMatch(/revision/);
    expect((await h.runtime.store.getDraft(draftId!))!.state).toBe('pending');

    await h.fake.deliver(
      'interactive',
      blockAction(h.responses, PEOPLE.carol, channel, card.ts, {
        action_id: 'ic_customer_approve',
        value: `${draftId}|2`,
      }),
    );
    await h.settle();
    expect(await h.runtime.store.getDraft(draftId!)).toMatchObject({
      state: 'approved',
      body: expect.stringContaining('rolling back a change'),
      review: { decision: 'approved', by: 'Carol', via: 'slack', revision: 2 },
    });
    expect(h.fake.messages.find((m) => m.ts === card.ts)!.text).toMatch(/approved/);
    expect(JSON.stringify(h.fake.messages.find((m) => m.ts === card.ts)!.blocks)).toMatch(/waiting to be published/);
    // The person who approved is told what became of it: no status page is configured here.
    expect(JSON.stringify(h.fake.responses.at(-1)!.body)).toMatch(
      /not published yet: this process has no Statuspage configured/,
    );

    // A second decision on the same draft is refused and said so.
    await h.fake.deliver(
      'interactive',
      blockAction(h.responses, PEOPLE.dave, channel, card.ts, {
        action_id: 'ic_customer_discard',
        value: `${draftId}|2`,
      }),
    );
    await h.settle();
    expect(JSON.stringify(h.fake.responses.at(-1)!.body)).toMatch(/approved/);
    expect((await h.runtime.store.getDraft(draftId!))!.review).toMatchObject({ by: 'Carol' });
  });

  it('engineering updates also go to the stakeholder channels; hypotheses and action items come from their forms', async () => {
    h = await startSlackHarness({
      settings: { stakeholderChannels: { engineering: ['CENGSTAKE1'], executive: ['CEXECSTAK1'] } },
    });
    const channel = await declared(h);
    await h.fake.deliver(
      'slash_commands',
      slashCommand(h.responses, PEOPLE.bob, channel, 'update engineering pool resized'),
    );
    await h.fake.deliver(
      'slash_commands',
      slashCommand(h.responses, PEOPLE.alice, channel, 'update executive revenue recovering'),
    );
    await h.settle();
    expect(texts(h, 'CENGSTAKE1')).toEqual([expect.stringMatching(/^Engineering update for INC-1/)]);
    expect(texts(h, 'CEXECSTAK1')).toEqual([expect.stringMatching(/^Executive update for INC-1/)]);
    expect(blocksText(h.fake.posts('CENGSTAKE1')[0]!)).toMatch(/pool resized/);

    const meta = JSON.stringify({ channel, incidentId: 'INC-1' });
    await h.fake.deliver(
      'interactive',
      viewSubmission(PEOPLE.dave, 'ic_hypothesis', meta, {
        statement: { value: 'the 14:02 deploy exhausted the pool' },
        evidence: { value: '' },
      }),
    );
    const refused = await h.fake.deliver(
      'interactive',
      viewSubmission(PEOPLE.dave, 'ic_action_item', meta, {
        title: { value: 'Alert on pool saturation' },
        owner: {},
        due: {},
      }),
    );
    expect(refused.payload).toMatchObject({ response_action: 'errors', errors: { owner: expect.any(String) } });
    await h.fake.deliver(
      'interactive',
      viewSubmission(PEOPLE.dave, 'ic_action_item', meta, {
        title: { value: 'Alert on pool saturation' },
        owner: { selected_user: PEOPLE.erin },
        due: { selected_date: '2026-12-03' },
        kind: { selected_option: { value: 'detect' } },
      }),
    );
    await h.settle();
    expect((await h.runtime.store.listHypotheses('INC-1')).map((x) => [x.statement, x.owner])).toEqual([
      ['the 14:02 deploy exhausted the pool', 'Dave'],
    ]);
    expect(
      (await h.runtime.store.listActionItems({ incidentId: 'INC-1' })).map((i) => [i.title, i.owner, i.kind]),
    ).toEqual([['Alert on pool saturation', 'Erin', 'detect']]);
  });
});

describe('Slack: following the store', () => {
  it('the headline follows a write made by another process, and an incident declared elsewhere gets its channel', async () => {
    h = await startSlackHarness();
    const channel = await declared(h);
    const other = new SqliteStore(h.db);
    try {
      const headlineTs = h.fake.messages.find((m) => m.channel === channel && m.pinned)!.ts;
      const editsBefore = h.fake.callsOf('chat.update').filter((c) => c.args['ts'] === headlineTs).length;
      await other.updateIncident(
        'INC-1',
        { status: 'identified' },
        [{ at: h.clock.now().toISOString(), author: 'cli-user', kind: 'status', text: 'Status: identified' }],
        h.clock.now().toISOString(),
      );
      // The store's change feed reports the other connection's commit: no poll needed.
      const edits = await h.fake.until(() => {
        const found = h!.fake.callsOf('chat.update').filter((c) => c.args['ts'] === headlineTs);
        return found.length > editsBefore && found;
      }, 'the headline edit');
      await h.settle();
      await h.handle.sync();
      expect(h.fake.callsOf('chat.update').filter((c) => c.args['ts'] === headlineTs).length).toBe(editsBefore + 1);
      expect(String(edits.at(-1)!.args['text'])).toMatch(/identified/);
      expect(h.fake.channels.get(channel)!.topic).toMatch(/· identified ·/);
      // Nothing changed since: no further edit.
      await h.handle.sync();
      expect(h.fake.callsOf('chat.update').filter((c) => c.args['ts'] === headlineTs).length).toBe(editsBefore + 1);

      await other.openIncident(
        {
          title: 'Search index lagging',
          summary: 'results 20 minutes stale',
          severity: 'SEV3',
          severityReason: 'degraded internal',
          severityCriteria: [],
          status: 'investigating',
          services: ['search'],
          impact: {
            customerFacing: false,
            usersAffectedPct: null,
            usersAffected: null,
            revenueImpact: null,
            description: 'stale',
          },
          signals: {},
          declaredBy: 'mcp-client',
          startedAt: h.clock.now().toISOString(),
          detectedAt: h.clock.now().toISOString(),
          at: h.clock.now().toISOString(),
        },
        [],
      );
      await h.handle.sync();
      await h.settle();
      // Not at once: a declaration in Slack may still be making the channel.
      expect(await h.runtime.store.listRefs('INC-2', { system: 'slack', kind: 'channel' })).toEqual([]);
      h.clock.advanceMinutes(1);
      await h.handle.sync();
      await h.settle();
      const adopted = await h.runtime.store.listRefs('INC-2', { system: 'slack', kind: 'channel' });
      expect(adopted).toHaveLength(1);
      expect(h.fake.channels.get(adopted[0]!.key)!.name).toBe('inc-2-search-index-lagging');
      expect(texts(h, adopted[0]!.key).some((t) => /declared outside Slack by mcp-client/.test(t))).toBe(true);
    } finally {
      await other.close();
    }
  });
});

describe('Slack: subcommands and direct messages', () => {
  it('role, sev, status and action work from the incident channel, each as its service with the Slack user as the actor', async () => {
    h = await startSlackHarness({ roster: true });
    const channel = await declared(h);
    await h.fake.deliver(
      'slash_commands',
      slashCommand(h.responses, PEOPLE.alice, channel, `role tech <@${PEOPLE.dave}|dave>`),
    );
    await h.fake.deliver('slash_commands', slashCommand(h.responses, PEOPLE.carol, channel, 'role scribe me'));
    const noReason = await h.fake.deliver(
      'slash_commands',
      slashCommand(h.responses, PEOPLE.alice, channel, 'sev SEV2'),
    );
    await h.settle();
    expect(JSON.stringify(h.fake.responses.at(-1)!.body)).toMatch(/reason.*is required/);
    expect(noReason.envelope_id).toBeTruthy();
    const roles = await h.runtime.store.listRoles('INC-1');
    expect(roles.find((r) => r.role === 'technical_lead')).toMatchObject({ person: 'Dave', assignedBy: 'Alice' });
    expect(roles.find((r) => r.role === 'scribe')).toMatchObject({ person: 'Carol', assignedBy: 'Carol' });
    expect((await h.runtime.store.getIncident('INC-1'))!.severity).toBe('SEV1');

    const unknownRole = await h.fake.deliver(
      'slash_commands',
      slashCommand(h.responses, PEOPLE.alice, channel, 'role chef me'),
    );
    expect(JSON.stringify(unknownRole.payload)).toMatch(/Which role\?/);

    await h.fake.deliver('slash_commands', slashCommand(h.responses, PEOPLE.alice, channel, 'status'));
    await h.settle();
    expect(JSON.stringify(h.fake.responses.at(-1)!.body)).toMatch(/Technical Lead\*\\nDave/);

    await h.fake.deliver(
      'slash_commands',
      slashCommand(
        h.responses,
        PEOPLE.alice,
        channel,
        'action add an alert on connection-pool saturation, owner Dave, due in 7 days',
      ),
    );
    await h.settle();
    const items = await h.runtime.store.listActionItems({ incidentId: 'INC-1' });
    expect(items.map((i) => [i.owner, i.createdBy])).toEqual([['Dave', 'Alice']]);
  });

  it('a direct message is a conversation of its own, and one that reports an incident opens it with a channel', async () => {
    h = await startSlackHarness();
    const dm = 'DALICE001';
    const ask = h.fake.addMessage(dm, PEOPLE.alice, 'how do I set up an on-call rotation for a team of 4?');
    await h.fake.deliver(
      'events_api',
      eventCallback(messageEvent(dm, PEOPLE.alice, ask.text, ask.ts, { channel_type: 'im' })),
    );
    await h.settle();
    expect(h.fake.posts(dm)).toHaveLength(1);
    expect(await h.runtime.store.listIncidents()).toEqual([]);
    const report = h.fake.addMessage(
      dm,
      PEOPLE.alice,
      'checkout is down for every customer since 10 minutes, 500s everywhere',
    );
    await h.fake.deliver(
      'events_api',
      eventCallback(messageEvent(dm, PEOPLE.alice, report.text, report.ts, { channel_type: 'im' })),
    );
    await h.settle();
    const incidents = await h.runtime.store.listIncidents();
    expect(incidents).toHaveLength(1);
    const [channel] = [...h.fake.channels.keys()];
    expect(h.fake.channels.get(channel!)!.members.has(PEOPLE.alice)).toBe(true);
    expect(h.fake.posts(channel).some((p) => /Severity: SEV1/.test(blocksText(p)))).toBe(true);
    // The customer update the commander drafted waits on its card in the channel.
    expect(
      h.fake.posts(channel).some((p) => /^Customer update for INC-1 \(pending\)/.test(String(p.args['text']))),
    ).toBe(true);
    expect(String(h.fake.posts(dm).at(-1)!.args['text'])).toMatch(/INC-1 is declared/);
  });
});
