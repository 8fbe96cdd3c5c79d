import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../test/support/harness.js';

type Item = { id: string; owner: string; dueAt: string; status: string; overdue: boolean; completedAt: string | null };
type Created = {
  created: boolean;
  item: Item;
  possibleDuplicates: { id: string; incidentId: string }[];
  warnings: string[];
};

let h: Harness;
let inc: string;
beforeEach(async () => {
  h = createHarness({ start: '2026-11-26T14:00:00Z' });
  inc = (await h.ok<{ incident: { id: string } }>('open_incident', { title: 'Checkout failing' })).incident.id;
});
afterEach(() => h.close());

const base = (over: Record<string, unknown> = {}) => ({
  incidentId: inc,
  title: 'Alert on checkout error rate above 2% for 5 minutes',
  owner: 'Priya',
  due: '2026-12-10',
  kind: 'detect',
  ...over,
});

describe('create_action_item', () => {
  it('creates an item with owner, due date (end of that day, UTC), kind and priority, on the timeline', async () => {
    const out = await h.ok<Created>('create_action_item', base());
    expect(out.created).toBe(true);
    expect(out.item).toMatchObject({
      id: 'AI-1',
      owner: 'Priya',
      dueAt: '2026-12-10T23:59:59.999Z',
      status: 'open',
      overdue: false,
    });
    const [event] = await h.store.listTimeline(inc, { kinds: ['action_item'] });
    expect(event?.text).toBe(
      'Action item (detect, P2): Alert on checkout error rate above 2% for 5 minutes — owner Priya, due 2026-12-10',
    );
  });

  it.each([
    [{ owner: undefined }, 'field "owner": is required'],
    [{ due: undefined }, 'field "due": is required'],
    [{ owner: '' }, 'field "owner": must be at least 1 characters'],
    [{ owner: 'TBD' }, 'field "owner": "TBD" is not an owner'],
    [{ owner: 'the team' }, 'field "owner": "the team" is not an owner'],
    [{ due: 'soon' }, 'field "due": "soon" is not a date'],
    [{ due: '2026-11-01' }, 'field "due": 2026-11-01T23:59:59.999Z is in the past'],
    [{ kind: 'blame' }, 'field "kind": expected one of "prevent", "detect", "mitigate", "process"'],
    [{ priority: 'P1', due: '90d' }, 'field "due": P1 items must be due within 56 days'],
  ])('refuses %j and writes nothing', async (over, message) => {
    const args = base(over);
    for (const [k, v] of Object.entries(over)) if (v === undefined) delete (args as Record<string, unknown>)[k];
    const result = await h.call('create_action_item', args);
    expect(result.ok).toBe(false);
    expect(result.text).toContain(message);
    expect(await h.store.listActionItems()).toEqual([]);
    expect(await h.store.listTimeline(inc, { kinds: ['action_item'] })).toEqual([]);
  });

  it('accepts a duration from now as the due date', async () => {
    const out = await h.ok<Created>('create_action_item', base({ due: '14d' }));
    expect(out.item.dueAt).toBe('2026-12-10T14:00:00.000Z');
  });

  it('returns the existing item for a repeated call instead of creating a twin', async () => {
    const first = await h.ok<Created>('create_action_item', base());
    const again = await h.ok<Created>('create_action_item', base());
    expect(again).toMatchObject({ created: false, item: { id: first.item.id } });
    expect(await h.store.listActionItems()).toHaveLength(1);
  });

  it('names an unfinished similar item from an earlier incident', async () => {
    await h.ok(
      'create_action_item',
      base({ title: 'Add alert on checkout error rate', owner: 'Sam', due: '2026-11-28' }),
    );
    h.clock.set('2026-12-01T09:00:00Z');
    const later = (await h.ok<{ incident: { id: string } }>('open_incident', { title: 'Checkout failing again' }))
      .incident.id;
    const out = await h.ok<Created>(
      'create_action_item',
      base({ incidentId: later, title: 'Alert on checkout error rate', due: '2026-12-20' }),
    );
    expect(out.created).toBe(true);
    expect(out.possibleDuplicates).toEqual([expect.objectContaining({ id: 'AI-1', incidentId: inc })]);
    expect(out.warnings[0]).toMatch(
      /similar to AI-1 "Add alert on checkout error rate" — proposed in INC-1, still open, owner Sam, due .* \(OVERDUE\)/,
    );
  });
});

describe('list_action_items and update_action_item', () => {
  it('filters by owner and overdue, and moves items through their states', async () => {
    await h.ok(
      'create_action_item',
      base({ title: 'Canary deploys for payment-api', owner: 'Sam', due: '2026-11-28', kind: 'prevent' }),
    );
    await h.ok('create_action_item', base());
    h.clock.set('2026-11-30T00:00:00Z');
    const overdue = await h.ok<{ items: Item[]; total: number; overdue: number }>('list_action_items', {
      overdue: true,
    });
    expect(overdue.items.map((i) => i.id)).toEqual(['AI-1']);
    expect((await h.ok<{ items: Item[] }>('list_action_items', { owner: 'priya' })).items.map((i) => i.id)).toEqual([
      'AI-2',
    ]);

    const moved = await h.ok<{ item: Item; changes: string[] }>('update_action_item', {
      id: 'ai-1',
      due: '7d',
      owner: 'Omar',
      note: 'Sam is on leave',
    });
    expect(moved.changes).toEqual(['owner Sam → Omar', 'due 2026-11-28 → 2026-12-07']);
    expect(moved.item.overdue).toBe(false);
    const done = await h.ok<{ item: Item }>('update_action_item', { id: 'AI-1', status: 'done' });
    expect(done.item).toMatchObject({ status: 'done', completedAt: '2026-11-30T00:00:00.000Z' });
    expect((await h.ok<{ items: Item[] }>('list_action_items', { incidentId: inc })).items.map((i) => i.id)).toEqual([
      'AI-2',
    ]);
    const texts = (await h.store.listTimeline(inc, { kinds: ['action_item'] })).map((e) => e.text);
    expect(texts.at(-2)).toBe(
      'AI-1 Canary deploys for payment-api: owner Sam → Omar, due 2026-11-28 → 2026-12-07 — Sam is on leave',
    );
  });

  it('never lets an item lose its owner or move into the past', async () => {
    await h.ok('create_action_item', base());
    expect((await h.call('update_action_item', { id: 'AI-1', owner: 'nobody' })).text).toContain(
      '"nobody" is not an owner',
    );
    expect((await h.call('update_action_item', { id: 'AI-1', due: '2020-01-01' })).text).toContain('is in the past');
    expect((await h.call('update_action_item', { id: 'AI-1' })).text).toContain('nothing to change');
    expect((await h.call('update_action_item', { id: 'AI-9', status: 'done' })).text).toContain(
      'action item "AI-9" does not exist',
    );
    expect((await h.store.getActionItem('AI-1'))?.owner).toBe('Priya');
  });
});
