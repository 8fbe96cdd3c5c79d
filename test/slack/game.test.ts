import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { IncidentRecord } from '../../src/store/types.js';
import { blockAction, eventCallback, messageEvent, slashCommand } from '../support/slack-events.js';
import { PEOPLE, type SlackHarness, startSlackHarness } from '../support/slack-harness.js';

/**
 * A game of one incident, from declare to resolve with updates on the cadence: once driven
 * entirely through Slack events (the real Bolt client, the fake Slack, a simulated clock), once
 * through the CLI with the same moves at the same times. Both leave the same record.
 */

const START = Date.parse('2026-11-26T14:00:00.000Z');
const REPORT = 'Payment API returning 500s, customers cannot check out';

type Actor = 'Alice' | 'Bob' | 'Carol' | 'Dave';
const ID: Record<Actor, string> = { Alice: PEOPLE.alice, Bob: PEOPLE.bob, Carol: PEOPLE.carol, Dave: PEOPLE.dave };

/** One move: when, who, and how it is made in Slack and with the CLI. */
interface Move {
  minute: number;
  actor: Actor;
  slack:
    | { command: string }
    | { message: string }
    | { button: { action_id: string; value?: string; selected?: string }; fromReminder?: RegExp }
    /** Approve the pending customer card at the revision it shows. */
    | { approveCard: true };
  cli: string[];
}

const tool = (name: string, args: Record<string, unknown>, actor: Actor): string[] => [
  'tools',
  'call',
  name,
  JSON.stringify({ incidentId: 'INC-1', ...args }),
  '--actor',
  actor,
];
const ask = (text: string, actor: Actor, first = false): string[] => [
  'ask',
  '--offline',
  '--as',
  actor,
  ...(first ? [] : ['--incident', 'INC-1']),
  text,
];

const MOVES: readonly Move[] = [
  { minute: 0, actor: 'Alice', slack: { command: `declare ${REPORT}` }, cli: ask(REPORT, 'Alice', true) },
  {
    minute: 1,
    actor: 'Bob',
    slack: { button: { action_id: 'ic_claim_role', selected: 'INC-1|communications_lead' } },
    cli: tool('assign_roles', { communicationsLead: 'Bob' }, 'Bob'),
  },
  { minute: 2, actor: 'Carol', slack: { message: "I'll take scribe" }, cli: ask("I'll take scribe", 'Carol') },
  {
    minute: 4,
    actor: 'Dave',
    slack: { message: 'the 14:02 deploy looks suspicious, checking the connection pool' },
    cli: ask('the 14:02 deploy looks suspicious, checking the connection pool', 'Dave'),
  },
  {
    minute: 16,
    actor: 'Bob',
    slack: {
      button: { action_id: 'ic_post_update:engineering', value: 'INC-1|engineering' },
      fromReminder: /Engineering update due/,
    },
    cli: tool('draft_stakeholder_update', { audience: 'engineering' }, 'Bob'),
  },
  {
    minute: 17,
    actor: 'Bob',
    slack: { button: { action_id: 'ic_draft_customer', value: 'INC-1' } },
    cli: tool('draft_stakeholder_update', { audience: 'customer' }, 'Bob'),
  },
  {
    minute: 18,
    actor: 'Carol',
    slack: { approveCard: true },
    // The draft the commander made at declaration (SD-1) was superseded by Bob's (SD-2).
    cli: ['updates', 'approve', 'SD-2', '--as', 'Carol', '--revision', '1'],
  },
  {
    minute: 20,
    actor: 'Alice',
    slack: { command: 'sev SEV2 only EU customers affected now' },
    cli: tool('update_incident', { severity: 'SEV2', reason: 'only EU customers affected now' }, 'Alice'),
  },
  {
    minute: 25,
    actor: 'Dave',
    slack: { command: 'note rolled back the 14:02 deploy' },
    cli: tool('log_event', { kind: 'note', text: 'rolled back the 14:02 deploy' }, 'Dave'),
  },
  {
    minute: 51,
    actor: 'Bob',
    slack: {
      button: { action_id: 'ic_post_update:engineering', value: 'INC-1|engineering' },
      fromReminder: /Engineering update due/,
    },
    cli: tool('draft_stakeholder_update', { audience: 'engineering' }, 'Bob'),
  },
  {
    minute: 52,
    actor: 'Alice',
    slack: { command: 'update executive checkout recovering in the EU' },
    cli: tool(
      'draft_stakeholder_update',
      { audience: 'executive', whatChanged: 'checkout recovering in the EU' },
      'Alice',
    ),
  },
  {
    minute: 55,
    actor: 'Alice',
    slack: { command: 'resolve rolled back the 14:02 deploy; error rate back to baseline' },
    cli: tool('resolve_incident', { resolution: 'rolled back the 14:02 deploy; error rate back to baseline' }, 'Alice'),
  },
];

/**
 * The record as both sides must agree on it: everything but the store's own write-time stamps and
 * the front door a person's decision came through (recorded as 'slack' on one side, 'cli' on the other).
 */
function comparable(record: IncidentRecord): unknown {
  const door = (data: unknown): unknown =>
    data && typeof data === 'object' && 'via' in data ? { ...(data as object), via: '(front door)' } : data;
  return {
    ...record,
    drafts: record.drafts.map((d) => ({ ...d, review: door(d.review) })),
    timeline: record.timeline.map(({ recordedAt: _recordedAt, ...rest }) => {
      const named = rest.data && 'via' in rest.data;
      return {
        ...rest,
        data: door(rest.data),
        text: named ? rest.text.replace(/ \((slack|cli)\) /, ' (front door) ') : rest.text,
      };
    }),
  };
}

const dirs: string[] = [];
let h: SlackHarness | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await h?.close();
  h = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function playInSlack(): Promise<{ record: IncidentRecord; reminders: string[] }> {
  h = await startSlackHarness();
  const harness = h;
  const reminders: string[] = [];
  let channel = 'CGENERAL1';
  for (const move of MOVES) {
    harness.clock.set(new Date(START + move.minute * 60_000));
    // The clock moved: reminders come first, as the tick would bring them.
    await harness.handle.tick();
    const user = ID[move.actor];
    if ('command' in move.slack) {
      await harness.fake.deliver('slash_commands', slashCommand(harness.responses, user, channel, move.slack.command));
    } else if ('message' in move.slack) {
      const ts = harness.fake.addMessage(channel, user, move.slack.message).ts;
      await harness.fake.deliver('events_api', eventCallback(messageEvent(channel, user, move.slack.message, ts)));
    } else if ('approveCard' in move.slack) {
      const card = harness.fake.messages
        .filter((m) => m.channel === channel && /^Customer update for INC-1 \(pending\)/.test(m.text))
        .at(-1);
      expect(card, 'the pending customer card').toBeDefined();
      const value = JSON.stringify(card!.blocks).match(/"value":"(SD-\d+\|\d+)"/)![1]!;
      await harness.fake.deliver(
        'interactive',
        blockAction(harness.responses, user, channel, card!.ts, { action_id: 'ic_customer_approve', value }),
      );
    } else {
      const pattern = move.slack.fromReminder;
      const source = pattern
        ? harness.fake.messages.find((m) => m.channel === channel && pattern.test(m.text) && !/done/.test(m.text))
        : harness.fake.messages.find((m) => m.channel === channel && m.pinned);
      expect(source, `the message to click for move at minute ${move.minute}`).toBeDefined();
      await harness.fake.deliver(
        'interactive',
        blockAction(harness.responses, user, channel, source!.ts, move.slack.button),
      );
    }
    await harness.settle();
    if (move.minute === 0) channel = [...harness.fake.channels.keys()][0]!;
  }
  harness.clock.set(new Date(START + 56 * 60_000));
  await harness.handle.tick();
  for (const m of harness.fake.messages) if (m.channel === channel && /^INC-1: /.test(m.text)) reminders.push(m.text);
  const record = (await harness.runtime.store.readRecord('INC-1'))!;
  return { record, reminders };
}

async function playWithCli(): Promise<IncidentRecord> {
  const home = mkdtempSync(join(tmpdir(), 'ic-game-cli-'));
  dirs.push(home);
  const env = { INCIDENT_COMMANDER_HOME: home, INCIDENT_COMMANDER_LOG_LEVEL: 'silent' };
  vi.useFakeTimers({ toFake: ['Date'] });
  try {
    for (const move of MOVES) {
      vi.setSystemTime(START + move.minute * 60_000);
      let err = '';
      const code = await runCli(move.cli, {
        stdout: () => undefined,
        stderr: (t) => void (err += t),
        readStdin: async () => '',
        env,
        cwd: home,
      });
      expect(code, `${move.cli.join(' ')}\n${err}`).toBe(0);
    }
  } finally {
    vi.useRealTimers();
  }
  const store = new SqliteStore(join(home, 'state.db'));
  try {
    return (await store.readRecord('INC-1'))!;
  } finally {
    await store.close();
  }
}

describe('a game of one incident', () => {
  it('through Slack events leaves the same record as the same moves through the CLI', async () => {
    const slack = await playInSlack();
    const cli = await playWithCli();

    // The cadence drove the Slack side: the engineering update was reminded when due, each time.
    expect(slack.reminders.filter((t) => /Engineering update due/.test(t)).length).toBe(2);
    expect(slack.reminders.some((t) => /Post-mortem due/.test(t))).toBe(true);

    expect(slack.record.incident).toMatchObject({ status: 'resolved', severity: 'SEV2' });
    expect(slack.record.roles.map((r) => [r.role, r.person])).toEqual(
      expect.arrayContaining([
        ['communications_lead', 'Bob'],
        ['scribe', 'Carol'],
      ]),
    );
    expect(slack.record.updates.map((u) => [u.audience, u.author])).toEqual(
      expect.arrayContaining([
        ['engineering', 'Bob'],
        ['executive', 'Alice'],
      ]),
    );
    expect(slack.record.timeline.length).toBeGreaterThan(12);
    // The customer update went through a person's approval on both sides.
    expect(slack.record.drafts.find((d) => d.id === 'SD-2')?.review).toMatchObject({
      by: 'Carol',
      via: 'slack',
      revision: 1,
    });
    expect(cli.drafts.find((d) => d.id === 'SD-2')?.review).toMatchObject({ by: 'Carol', via: 'cli', revision: 1 });
    expect(comparable(slack.record)).toEqual(comparable(cli));
  });
});
