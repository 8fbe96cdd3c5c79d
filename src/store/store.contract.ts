import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../core/errors.js';
import type { MessageStore } from './messages.js';
import type { SessionStore } from './sessions.js';
import type { IncidentChange, IncidentRecord, IncidentStore, NewIncident, NewStatusDraft } from './types.js';

/** A store under test and how to dispose of it. */
export interface StoreFixture {
  store: IncidentStore;
  sessions: SessionStore;
  messages: MessageStore;
  /**
   * A second connection to the same database, as another process would hold it, where the backend
   * has one (a file, a server); concurrency cases then write through both.
   */
  peer?: { store: IncidentStore; sessions: SessionStore; messages: MessageStore } | undefined;
  dispose(): Promise<void>;
}

/** One behaviour of the contract, runnable against any fixture (inside or outside a test framework). */
export interface ContractCase {
  name: string;
  run(fx: StoreFixture): Promise<void>;
}

const T0 = '2026-11-26T10:00:00.000Z';
const at = (minutes: number): string => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

/** Waits until `check` holds, for stores whose watchers hear of other connections' writes a moment later. */
async function eventually(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The newest version each incident was reported at, checking that each one's versions only rise. */
function newestReported(changes: readonly IncidentChange[]): Map<string, IncidentChange> {
  const newest = new Map<string, IncidentChange>();
  for (const c of changes) {
    const before = newest.get(c.incidentId);
    if (before && before.version >= c.version)
      throw new Error(`${c.incidentId} reported at version ${c.version} after version ${before.version}`);
    newest.set(c.incidentId, c);
  }
  return newest;
}

export function draftIncident(overrides: Partial<NewIncident> = {}): NewIncident {
  return {
    title: 'Payment API returning 500s',
    summary: 'Customers cannot check out',
    severity: 'SEV1',
    severityReason: 'revenue path down',
    severityCriteria: ['revenue_path_down'],
    status: 'investigating',
    services: ['payment-api'],
    impact: {
      customerFacing: true,
      usersAffectedPct: 100,
      usersAffected: null,
      revenueImpact: null,
      description: 'checkout unavailable',
    },
    signals: { customerFacing: true, revenuePath: true, state: 'down' },
    declaredBy: 'alice',
    startedAt: at(0),
    detectedAt: at(2),
    at: at(3),
    ...overrides,
  };
}

function draftFor(incidentId: string, overrides: Partial<NewStatusDraft> = {}): NewStatusDraft {
  return {
    incidentId,
    status: 'investigating',
    impact: 'critical',
    components: [{ name: 'Checkout', status: 'major_outage' }],
    title: 'Payments are failing',
    body: 'We are investigating failed payments. Next update in 15 minutes.',
    updateId: null,
    createdBy: 'comms',
    at: at(10),
    ...overrides,
  };
}

const review = (decision: 'approved' | 'discarded', revision: number, minutes = 20) => ({
  decision,
  by: 'priya',
  via: 'cli',
  at: at(minutes),
  revision,
  note: '',
});

/**
 * The behaviour every IncidentStore and SessionStore must have. Each case gets a fresh fixture.
 * Run it against each implementation with `describeStoreContract` (SQLite today; PostgreSQL joins
 * by passing its own fixture factory).
 */
export const STORE_CONTRACT: readonly ContractCase[] = [
  {
    name: 'opens incidents with sequential ids, the first severity in the history and the given events',
    async run({ store }) {
      const a = await store.openIncident(draftIncident(), [
        { at: at(3), author: 'alice', kind: 'declared', text: 'declared SEV1' },
      ]);
      const b = await store.openIncident(draftIncident({ title: 'Search slow', severity: 'SEV3' }));
      expect(a.id).toBe('INC-1');
      expect(b.id).toBe('INC-2');
      expect(a).toMatchObject({
        severity: 'SEV1',
        status: 'investigating',
        services: ['payment-api'],
        acknowledgedAt: null,
        createdAt: at(3),
      });
      expect(await store.severityHistory(a.id)).toEqual([
        {
          incidentId: 'INC-1',
          at: at(3),
          from: null,
          to: 'SEV1',
          reason: 'revenue path down',
          author: 'alice',
          criteria: ['revenue_path_down'],
        },
      ]);
      const timeline = await store.listTimeline(a.id);
      expect(timeline.map((e) => e.text)).toEqual(['declared SEV1']);
      expect(await store.listTimeline(b.id)).toEqual([]);
    },
  },
  {
    name: 'returns null for an unknown incident and throws NotFoundError on writes to it, writing nothing',
    async run({ store }) {
      expect(await store.getIncident('INC-404')).toBeNull();
      await expect(
        store.appendEvents('INC-404', [{ at: at(1), author: 'x', kind: 'note', text: 'hello' }]),
      ).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.updateIncident('INC-404', { status: 'resolved' }, [], at(1))).rejects.toBeInstanceOf(
        NotFoundError,
      );
      await expect(
        store.createActionItem(
          {
            incidentId: 'INC-404',
            title: 't',
            description: '',
            owner: 'bob',
            dueAt: at(10_000),
            kind: 'prevent',
            priority: 'P2',
            createdBy: 'x',
            at: at(1),
          },
          [],
        ),
      ).rejects.toBeInstanceOf(NotFoundError);
      expect(await store.listActionItems()).toEqual([]);
    },
  },
  {
    name: 'patches an incident and appends the events that describe the patch',
    async run({ store }) {
      const inc = await store.openIncident(draftIncident());
      const updated = await store.updateIncident(
        inc.id,
        { status: 'identified', services: ['payment-api', 'postgres'], acknowledgedAt: at(4) },
        [{ at: at(5), author: 'bob', kind: 'status', text: 'identified: bad config', data: { from: 'investigating' } }],
        at(5),
      );
      expect(updated).toMatchObject({
        status: 'identified',
        services: ['payment-api', 'postgres'],
        acknowledgedAt: at(4),
        updatedAt: at(5),
        title: inc.title,
      });
      expect(await store.getIncident(inc.id)).toEqual(updated);
      const [event] = await store.listTimeline(inc.id);
      expect(event).toMatchObject({
        incidentId: inc.id,
        kind: 'status',
        author: 'bob',
        data: { from: 'investigating' },
      });
    },
  },
  {
    name: 'keeps an audit trail of severity changes and writes nothing when the level is unchanged',
    async run({ store }) {
      const inc = await store.openIncident(draftIncident({ severity: 'SEV2' }));
      const same = await store.changeSeverity(
        inc.id,
        { to: 'SEV2', reason: 'recheck', author: 'bob', at: at(5), criteria: [] },
        [],
      );
      expect(same.change).toBeNull();
      const up = await store.changeSeverity(
        inc.id,
        { to: 'SEV1', reason: 'checkout now failing', author: 'bob', at: at(6), criteria: ['revenue_path_down'] },
        [{ at: at(6), author: 'bob', kind: 'severity', text: 'SEV2 → SEV1' }],
      );
      expect(up.change).toMatchObject({ from: 'SEV2', to: 'SEV1', reason: 'checkout now failing' });
      expect(up.incident.severity).toBe('SEV1');
      expect((await store.severityHistory(inc.id)).map((c) => [c.from, c.to])).toEqual([
        [null, 'SEV2'],
        ['SEV2', 'SEV1'],
      ]);
    },
  },
  {
    name: 'replaces the current holder of a role and keeps the earlier holder in history',
    async run({ store }) {
      const inc = await store.openIncident(draftIncident());
      await store.assignRoles(
        inc.id,
        [
          {
            role: 'incident_commander',
            person: 'alice',
            need: null,
            interim: true,
            assignedAt: at(4),
            assignedBy: 'alice',
          },
          {
            role: 'technical_lead',
            person: null,
            need: 'an engineer with payment-api ownership',
            interim: false,
            assignedAt: at(4),
            assignedBy: 'alice',
          },
        ],
        [{ at: at(4), author: 'alice', kind: 'roles', text: 'roles assigned' }],
      );
      const roles = await store.assignRoles(
        inc.id,
        [
          {
            role: 'incident_commander',
            person: 'carol',
            need: null,
            interim: false,
            assignedAt: at(9),
            assignedBy: 'carol',
          },
        ],
        [],
      );
      expect(roles.map((r) => [r.role, r.person, r.need])).toEqual([
        ['technical_lead', null, 'an engineer with payment-api ownership'],
        ['incident_commander', 'carol', null],
      ]);
      expect(await store.listRoles(inc.id)).toEqual(roles);
    },
  },
  {
    name: 'orders the timeline by event time, then by insertion, and returns the newest N on request',
    async run({ store }) {
      const inc = await store.openIncident(draftIncident());
      await store.appendEvents(inc.id, [
        { at: at(10), author: 'scribe', kind: 'note', text: 'b' },
        { at: at(10), author: 'scribe', kind: 'note', text: 'c' },
      ]);
      await store.appendEvents(inc.id, [{ at: at(5), author: 'scribe', kind: 'observation', text: 'a (backdated)' }]);
      await store.appendEvents(inc.id, [{ at: at(12), author: 'scribe', kind: 'decision', text: 'd' }]);
      expect((await store.listTimeline(inc.id)).map((e) => e.text)).toEqual(['a (backdated)', 'b', 'c', 'd']);
      expect((await store.listTimeline(inc.id, { limit: 2, newest: true })).map((e) => e.text)).toEqual(['c', 'd']);
      expect((await store.listTimeline(inc.id, { kinds: ['note'] })).map((e) => e.text)).toEqual(['b', 'c']);
      expect(await store.countTimeline(inc.id)).toBe(4);
      // Pages: skip from the newest end with `newest`, from the oldest otherwise.
      expect((await store.listTimeline(inc.id, { limit: 2, newest: true, offset: 1 })).map((e) => e.text)).toEqual([
        'b',
        'c',
      ]);
      expect((await store.listTimeline(inc.id, { limit: 2, offset: 3 })).map((e) => e.text)).toEqual(['d']);
      expect(await store.listTimeline(inc.id, { limit: 2, newest: true, offset: 4 })).toEqual([]);
    },
  },
  {
    name: 'records stakeholder updates per audience',
    async run({ store }) {
      const inc = await store.openIncident(draftIncident());
      const base = {
        incidentId: inc.id,
        author: 'comms',
        status: 'investigating' as const,
        headline: 'h',
        body: 'b',
        noChange: false,
      };
      const u1 = await store.recordUpdate({ ...base, audience: 'customer', at: at(5), nextUpdateAt: at(20) }, []);
      await store.recordUpdate({ ...base, audience: 'executive', at: at(6), nextUpdateAt: at(36) }, []);
      await store.recordUpdate({ ...base, audience: 'customer', at: at(20), nextUpdateAt: at(35), noChange: true }, []);
      expect(u1.id).toMatch(/^UPD-\d+$/);
      const customer = await store.listUpdates(inc.id, 'customer');
      expect(customer.map((u) => [u.at, u.noChange])).toEqual([
        [at(5), false],
        [at(20), true],
      ]);
      expect(await store.listUpdates(inc.id)).toHaveLength(3);
    },
  },
  {
    name: 'returns the unfinished item with the same title and owner instead of a duplicate, even from concurrent callers',
    async run({ store }) {
      const inc = await store.openIncident(draftIncident());
      const item = {
        incidentId: inc.id,
        title: 'Add a canary stage',
        description: '',
        owner: 'Priya',
        dueAt: at(20_000),
        kind: 'prevent' as const,
        priority: 'P2' as const,
        createdBy: 'ic',
        at: at(60),
      };
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          store.createActionItem(i % 2 ? { ...item, title: 'add a CANARY stage', owner: 'priya' } : item, [
            { at: at(60), author: 'ic', kind: 'action_item', text: 'created' },
          ]),
        ),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.item.id))).toEqual(new Set(['AI-1']));
      expect((await store.listTimeline(inc.id)).filter((e) => e.kind === 'action_item')).toHaveLength(1);
      // Done items do not block a new one, nor does another owner.
      await store.updateActionItem('AI-1', { status: 'done', at: at(70) }, []);
      expect((await store.createActionItem(item, [])).created).toBe(true);
      expect((await store.createActionItem({ ...item, owner: 'Omar' }, [])).created).toBe(true);
    },
  },
  {
    name: 'creates, filters and updates action items',
    async run({ store }) {
      const inc = await store.openIncident(draftIncident());
      const other = await store.openIncident(draftIncident({ title: 'other' }));
      const base = { description: '', kind: 'prevent' as const, priority: 'P2' as const, createdBy: 'ic', at: at(60) };
      const { item: a, created } = await store.createActionItem(
        { ...base, incidentId: inc.id, title: 'Add canary for payment-api', owner: 'Bob', dueAt: at(20_000) },
        [{ at: at(60), author: 'ic', kind: 'action_item', text: 'action item created' }],
      );
      expect(created).toBe(true);
      await store.createActionItem(
        {
          ...base,
          incidentId: inc.id,
          title: 'Alert on checkout error rate',
          owner: 'carol',
          dueAt: at(5_000),
          kind: 'detect',
        },
        [],
      );
      await store.createActionItem(
        { ...base, incidentId: other.id, title: 'Runbook', owner: 'bob', dueAt: at(1_000) },
        [],
      );
      expect(a).toMatchObject({ id: 'AI-1', status: 'open', owner: 'Bob', completedAt: null });
      expect((await store.listTimeline(inc.id))[0]?.data).toEqual({ actionItemId: 'AI-1' });

      expect((await store.listActionItems({ incidentId: inc.id })).map((i) => i.title)).toEqual([
        'Alert on checkout error rate',
        'Add canary for payment-api',
      ]);
      expect((await store.listActionItems({ owner: 'bob' })).map((i) => i.id).sort()).toEqual(['AI-1', 'AI-3']);
      expect((await store.listActionItems({ dueBefore: at(2_000) })).map((i) => i.id)).toEqual(['AI-3']);

      const done = await store.updateActionItem('AI-1', { status: 'done', at: at(100) }, []);
      expect(done).toMatchObject({ status: 'done', completedAt: at(100), updatedAt: at(100), owner: 'Bob' });
      expect((await store.listActionItems({ status: ['open'] })).map((i) => i.id)).toEqual(['AI-3', 'AI-2']);
      const reopened = await store.updateActionItem('AI-1', { status: 'open', owner: 'dave', at: at(200) }, []);
      expect(reopened).toMatchObject({ status: 'open', completedAt: null, owner: 'dave' });
      await expect(store.updateActionItem('AI-99', { status: 'done', at: at(1) }, [])).rejects.toBeInstanceOf(
        NotFoundError,
      );
    },
  },
  {
    name: 'raises the incident version with every kind of write, and only then',
    async run({ store }) {
      const inc = await store.openIncident(draftIncident());
      const versions = [inc.version];
      const seen = async (): Promise<void> => {
        const v = await store.incidentVersion(inc.id);
        expect(v).toBeGreaterThan(versions.at(-1)!);
        versions.push(v!);
      };
      await store.appendEvents(inc.id, [{ at: at(1), author: 'a', kind: 'note', text: 'n' }]);
      await seen();
      await store.updateIncident(inc.id, { status: 'identified' }, [], at(2));
      await seen();
      await store.changeSeverity(inc.id, { to: 'SEV2', reason: 'r', author: 'a', at: at(3), criteria: [] }, []);
      await seen();
      await store.assignRoles(
        inc.id,
        [{ role: 'scribe', person: 'kim', need: null, interim: false, assignedAt: at(4), assignedBy: 'a' }],
        [],
      );
      await seen();
      await store.recordUpdate(
        {
          incidentId: inc.id,
          audience: 'customer',
          at: at(5),
          author: 'a',
          status: 'identified',
          headline: 'h',
          body: 'b',
          noChange: false,
          nextUpdateAt: null,
        },
        [],
      );
      await seen();
      const { item } = await store.createActionItem(
        {
          incidentId: inc.id,
          title: 't',
          description: '',
          owner: 'bo',
          dueAt: at(9000),
          kind: 'detect',
          priority: 'P2',
          createdBy: 'a',
          at: at(6),
        },
        [],
      );
      await seen();
      await store.updateActionItem(item.id, { status: 'done', at: at(7) }, []);
      await seen();
      await store.listTimeline(inc.id);
      await store.getIncident(inc.id);
      expect(await store.incidentVersion(inc.id)).toBe(versions.at(-1));
      expect((await store.getIncident(inc.id))?.version).toBe(versions.at(-1));
      expect(await store.incidentVersion('INC-404')).toBeNull();
    },
  },
  {
    name: 'saves, replaces and finds chat sessions, by id, by incident and by channel',
    async run({ sessions }) {
      const base = { channel: null, createdAt: at(0) };
      await sessions.save({ ...base, id: 'chat-1', incidentId: null, data: { messages: [] }, updatedAt: at(0) });
      await sessions.save({ ...base, id: 'chat-1', incidentId: 'INC-7', data: { messages: [1] }, updatedAt: at(5) });
      await sessions.save({
        ...base,
        id: 'chat-2',
        incidentId: 'INC-7',
        data: { messages: [2] },
        createdAt: at(1),
        updatedAt: at(9),
      });
      expect(await sessions.load('chat-1')).toEqual({
        id: 'chat-1',
        incidentId: 'INC-7',
        channel: null,
        data: { messages: [1] },
        createdAt: at(0),
        updatedAt: at(5),
      });
      expect((await sessions.findByIncident('INC-7'))?.id).toBe('chat-2');
      expect(await sessions.findByIncident('INC-8')).toBeNull();
      expect(await sessions.load('nope')).toBeNull();

      // A channel names one conversation: a new one for the channel takes it over.
      await sessions.save({ ...base, id: 'chat-3', incidentId: null, channel: 'C42', data: {}, updatedAt: at(10) });
      expect((await sessions.findByChannel('C42'))?.id).toBe('chat-3');
      await sessions.save({ ...base, id: 'chat-4', incidentId: 'INC-7', channel: 'C42', data: {}, updatedAt: at(11) });
      expect((await sessions.findByChannel('C42'))?.id).toBe('chat-4');
      expect((await sessions.load('chat-3'))?.channel).toBeNull();
      expect(await sessions.findByChannel('C43')).toBeNull();
    },
  },
  {
    name: 'lists incidents newest first, filtered by status and service',
    async run({ store }) {
      await store.openIncident(draftIncident({ services: ['search'] }));
      const b = await store.openIncident(draftIncident());
      await store.updateIncident(b.id, { status: 'resolved', resolvedAt: at(50) }, [], at(50));
      expect((await store.listIncidents()).map((i) => i.id)).toEqual(['INC-2', 'INC-1']);
      expect((await store.listIncidents({ status: ['resolved'] })).map((i) => i.id)).toEqual(['INC-2']);
      expect((await store.listIncidents({ service: 'search' })).map((i) => i.id)).toEqual(['INC-1']);
      expect(await store.listIncidents({ limit: 1 })).toHaveLength(1);
    },
  },
  {
    name: 'starts, lists and resolves time-boxed hypotheses, each on the timeline, refusing a second resolution',
    async run({ store }) {
      const inc = await store.openIncident(draftIncident());
      const versionBefore = (await store.incidentVersion(inc.id))!;
      const h1 = await store.startHypothesis(
        {
          incidentId: inc.id,
          statement: 'DB pool exhausted',
          owner: 'priya',
          startedAt: at(5),
          timeboxMinutes: 15,
          evidence: '',
        },
        [{ at: at(5), author: 'priya', kind: 'hypothesis', text: 'Hypothesis: DB pool exhausted' }],
      );
      const h2 = await store.startHypothesis(
        {
          incidentId: inc.id,
          statement: 'bad deploy',
          owner: 'sam',
          startedAt: at(6),
          timeboxMinutes: 10,
          evidence: 'v2.14 at 13:48',
        },
        [],
      );
      expect(h1).toMatchObject({ id: 'H-1', status: 'open', resolvedAt: null, resolvedBy: null, timeboxMinutes: 15 });
      expect(h2.id).toBe('H-2');
      expect((await store.incidentVersion(inc.id))!).toBeGreaterThan(versionBefore);
      const closed = await store.resolveHypothesis(
        'H-1',
        { status: 'ruled_out', resolvedAt: at(12), resolvedBy: 'priya', evidence: 'pool at 40%' },
        [{ at: at(12), author: 'priya', kind: 'hypothesis', text: 'H-1 ruled out' }],
      );
      expect(closed).toMatchObject({
        status: 'ruled_out',
        resolvedAt: at(12),
        resolvedBy: 'priya',
        evidence: 'pool at 40%',
      });
      expect(await store.getHypothesis('H-1')).toEqual(closed);
      expect((await store.listHypotheses(inc.id)).map((h) => [h.id, h.status])).toEqual([
        ['H-1', 'ruled_out'],
        ['H-2', 'open'],
      ]);
      const events = (await store.listTimeline(inc.id)).filter((e) => e.kind === 'hypothesis');
      expect(events.map((e) => e.data)).toEqual([{ hypothesisId: 'H-1' }, { hypothesisId: 'H-1' }]);
      const count = await store.countTimeline(inc.id);
      await expect(
        store.resolveHypothesis('H-1', { status: 'confirmed', resolvedAt: at(13), resolvedBy: 'x', evidence: 'e' }, [
          { at: at(13), author: 'x', kind: 'hypothesis', text: 'again' },
        ]),
      ).rejects.toBeInstanceOf(ConflictError);
      await expect(
        store.resolveHypothesis(
          'H-99',
          { status: 'confirmed', resolvedAt: at(13), resolvedBy: 'x', evidence: 'e' },
          [],
        ),
      ).rejects.toBeInstanceOf(NotFoundError);
      await expect(
        store.startHypothesis(
          { incidentId: 'INC-404', statement: 's', owner: 'o', startedAt: at(1), timeboxMinutes: 15, evidence: '' },
          [{ at: at(1), author: 'o', kind: 'hypothesis', text: 'nowhere' }],
        ),
      ).rejects.toBeInstanceOf(NotFoundError);
      expect(await store.countTimeline(inc.id)).toBe(count);
      expect(await store.getHypothesis('H-3')).toBeNull();
      expect(await store.listHypotheses('INC-404')).toEqual([]);
    },
  },
  {
    name: "reads one incident's whole record in one call, as of one version, with the newest N timeline entries",
    async run({ store }) {
      const inc = await store.openIncident(draftIncident(), [
        { at: at(3), author: 'alice', kind: 'declared', text: 'declared' },
      ]);
      await store.assignRoles(
        inc.id,
        [
          {
            role: 'incident_commander',
            person: 'alice',
            need: null,
            interim: true,
            assignedAt: at(4),
            assignedBy: 'alice',
          },
        ],
        [{ at: at(4), author: 'alice', kind: 'roles', text: 'IC: alice' }],
      );
      await store.changeSeverity(
        inc.id,
        { to: 'SEV2', reason: 'smaller than feared', author: 'alice', at: at(5), criteria: [] },
        [],
      );
      await store.recordUpdate(
        {
          incidentId: inc.id,
          audience: 'customer',
          at: at(6),
          author: 'comms',
          status: 'investigating',
          headline: 'h',
          body: 'b',
          noChange: false,
          nextUpdateAt: at(36),
        },
        [{ at: at(6), author: 'comms', kind: 'update', text: 'customer update' }],
      );
      await store.createActionItem(
        {
          incidentId: inc.id,
          title: 'Canary',
          description: '',
          owner: 'bo',
          dueAt: at(9000),
          kind: 'prevent',
          priority: 'P2',
          createdBy: 'a',
          at: at(7),
        },
        [],
      );
      await store.startHypothesis(
        { incidentId: inc.id, statement: 'pool', owner: 'sam', startedAt: at(8), timeboxMinutes: 15, evidence: '' },
        [{ at: at(8), author: 'sam', kind: 'hypothesis', text: 'pool' }],
      );
      await store.appendEvents(inc.id, [{ at: at(2), author: 'sam', kind: 'observation', text: 'backdated' }]);

      const record = await store.readRecord(inc.id);
      expect(record).not.toBeNull();
      const r = record!;
      expect(r.version).toBe(await store.incidentVersion(inc.id));
      expect(r.incident).toEqual(await store.getIncident(inc.id));
      expect(r.roles).toEqual(await store.listRoles(inc.id));
      expect(r.history).toEqual(await store.severityHistory(inc.id));
      expect(r.updates).toEqual(await store.listUpdates(inc.id));
      expect(r.items).toEqual(await store.listActionItems({ incidentId: inc.id }));
      expect(r.hypotheses).toEqual(await store.listHypotheses(inc.id));
      expect(r.timeline).toEqual(await store.listTimeline(inc.id));
      expect(r.timeline.map((e) => e.text)).toEqual(['backdated', 'declared', 'IC: alice', 'customer update', 'pool']);
      expect(r.timelineTotal).toBe(5);

      const newest = await store.readRecord(inc.id, { timelineLimit: 2 });
      expect(newest?.timeline.map((e) => e.text)).toEqual(['customer update', 'pool']);
      expect(newest?.timelineTotal).toBe(5);
      expect((await store.readRecord(inc.id, { timelineLimit: 0 }))?.timeline).toEqual([]);
      expect(await store.readRecord('INC-404')).toBeNull();
    },
  },
  {
    name: 'keeps every write of concurrent writers (through this connection and another), and each record read meanwhile is one version',
    async run({ store, peer }) {
      const other = peer?.store ?? store;
      const inc = await store.openIncident(draftIncident());
      const base = (await store.readRecord(inc.id))!;
      const writers = 24;
      const reads: Promise<IncidentRecord | null>[] = [];
      const writes = Array.from({ length: writers }, (_, i) => {
        const target = i % 2 ? other : store;
        const write =
          i % 3 === 0
            ? target.createActionItem(
                {
                  incidentId: inc.id,
                  title: `fix ${i}`,
                  description: '',
                  owner: 'bo',
                  dueAt: at(9000),
                  kind: 'detect',
                  priority: 'P3',
                  createdBy: 'w',
                  at: at(10),
                },
                [{ at: at(10), author: `w${i}`, kind: 'action_item', text: `item ${i}` }],
              )
            : i % 3 === 1
              ? target.startHypothesis(
                  {
                    incidentId: inc.id,
                    statement: `h ${i}`,
                    owner: `w${i}`,
                    startedAt: at(10),
                    timeboxMinutes: 15,
                    evidence: '',
                  },
                  [{ at: at(10), author: `w${i}`, kind: 'hypothesis', text: `hypothesis ${i}` }],
                )
              : target.appendEvents(inc.id, [{ at: at(10), author: `w${i}`, kind: 'note', text: `note ${i}` }]);
        reads.push((i % 2 ? store : other).readRecord(inc.id));
        return write;
      });
      await Promise.all(writes);
      const final = (await store.readRecord(inc.id))!;
      // Nothing lost, nothing duplicated: one event, one version step and one unique id per write.
      expect(final.timelineTotal - base.timelineTotal).toBe(writers);
      expect(final.version - base.version).toBe(writers);
      expect(new Set(final.timeline.map((e) => e.seq)).size).toBe(final.timeline.length);
      expect(new Set(final.timeline.map((e) => e.text)).size).toBe(final.timeline.length);
      expect(new Set(final.items.map((i) => i.id)).size).toBe(8);
      expect(new Set(final.hypotheses.map((h) => h.id)).size).toBe(8);
      // Every record read while the writes ran is one version: its parts agree with each other.
      for (const r of await Promise.all(reads)) {
        expect(r).not.toBeNull();
        const writesSeen = r!.version - base.version;
        expect(r!.timelineTotal - base.timelineTotal).toBe(writesSeen);
        expect(r!.timeline.length).toBe(r!.timelineTotal);
        expect(r!.items.length + r!.hypotheses.length).toBe(
          r!.timeline.filter((e) => e.kind === 'action_item' || e.kind === 'hypothesis').length,
        );
      }
    },
  },
  {
    name: 'shows sessions saved through another connection, and a channel held by one session across connections',
    async run({ sessions, peer }) {
      const other = peer?.sessions ?? sessions;
      const base = { incidentId: null, data: { turns: 1 }, createdAt: at(0) };
      await other.save({ ...base, id: 'chat-a', channel: 'C-1', updatedAt: at(1) });
      expect((await sessions.findByChannel('C-1'))?.id).toBe('chat-a');
      await sessions.save({ ...base, id: 'chat-b', channel: 'C-1', updatedAt: at(2) });
      expect((await other.findByChannel('C-1'))?.id).toBe('chat-b');
      expect((await other.load('chat-a'))?.channel).toBeNull();
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? other : sessions).save({ ...base, id: `chat-${i}`, channel: 'C-2', updatedAt: at(3 + i) }),
        ),
      );
      const holder = await sessions.findByChannel('C-2');
      expect(holder).not.toBeNull();
      let holders = 0;
      for (let i = 0; i < 10; i++) if ((await other.load(`chat-${i}`))?.channel === 'C-2') holders++;
      expect(holders).toBe(1);
    },
  },
  {
    name: 'keeps one reference per (system, kind, key), even from concurrent callers, without raising the version',
    async run({ store, peer }) {
      const inc = await store.openIncident(draftIncident());
      const other = await store.openIncident(draftIncident({ title: 'Search slow' }));
      const version = await store.incidentVersion(inc.id);
      const first = await store.putRef({
        incidentId: inc.id,
        system: 'slack',
        kind: 'channel',
        key: 'C-1',
        data: { name: 'inc-1-payment-api' },
        at: at(1),
      });
      expect(first).toEqual({
        created: true,
        ref: {
          incidentId: inc.id,
          system: 'slack',
          kind: 'channel',
          key: 'C-1',
          data: { name: 'inc-1-payment-api' },
          createdAt: at(1),
          updatedAt: at(1),
        },
      });
      // The same key again, for another incident too: the first one stays and nothing is written.
      const again = await store.putRef({
        incidentId: other.id,
        system: 'slack',
        kind: 'channel',
        key: 'C-1',
        data: { name: 'other' },
        at: at(2),
      });
      expect(again).toEqual({ created: false, ref: first.ref });
      // Concurrent callers through both connections agree on one winner.
      const writers = [store, peer?.store ?? store];
      const raced = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          writers[i % 2]!.putRef({
            incidentId: inc.id,
            system: 'slack',
            kind: 'reminder',
            key: `${inc.id}:update:customer`,
            data: { writer: i },
            at: at(3),
          }),
        ),
      );
      expect(raced.filter((r) => r.created)).toHaveLength(1);
      const winner = raced.find((r) => r.created)!.ref;
      for (const r of raced) expect(r.ref).toEqual(winner);

      const updated = await store.updateRef(
        'slack',
        'channel',
        'C-1',
        { name: 'inc-1-renamed', headlineTs: '1.2' },
        at(4),
      );
      expect(updated).toMatchObject({
        data: { name: 'inc-1-renamed', headlineTs: '1.2' },
        createdAt: at(1),
        updatedAt: at(4),
      });
      expect(await (peer?.store ?? store).findRef('slack', 'channel', 'C-1')).toEqual(updated);
      expect(await store.findRef('slack', 'channel', 'C-404')).toBeNull();
      expect((await store.listRefs(inc.id)).map((r) => `${r.system}/${r.kind}/${r.key}`)).toEqual([
        'slack/channel/C-1',
        `slack/reminder/${inc.id}:update:customer`,
      ]);
      expect((await store.listRefs(inc.id, { kind: 'reminder' })).map((r) => r.kind)).toEqual(['reminder']);
      expect(await store.listRefs(inc.id, { system: 'pagerduty' })).toEqual([]);
      expect(await store.listRefs(other.id)).toEqual([]);
      // Bookkeeping, not incident state: the version and the record do not move.
      expect(await store.incidentVersion(inc.id)).toBe(version);

      await expect(
        store.putRef({ incidentId: 'INC-404', system: 'slack', kind: 'channel', key: 'C-9', data: {}, at: at(5) }),
      ).rejects.toBeInstanceOf(NotFoundError);
      expect(await store.findRef('slack', 'channel', 'C-9')).toBeNull();
      await expect(store.updateRef('slack', 'channel', 'C-9', {}, at(5))).rejects.toBeInstanceOf(NotFoundError);
    },
  },
  {
    name: 'grants each claim once across connections, again after it is given back, and forgets claims older than asked',
    async run({ store, peer }) {
      const writers = [store, peer?.store ?? store];
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => writers[i % 2]!.claim('slack-event', 'Ev-1', at(i))),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.claim('slack-event', 'Ev-2', at(20))).toBe(true);
      // Scopes are apart: the same key in another scope is a new claim.
      expect(await store.claim('pagerduty-delivery', 'Ev-1', at(20))).toBe(true);
      expect(await (peer?.store ?? store).claim('slack-event', 'Ev-2', at(21))).toBe(false);
      // Claims made before the cutoff go; later ones stay claimed.
      expect(await store.forgetClaims(at(20))).toBe(1);
      expect(await store.claim('slack-event', 'Ev-1', at(30))).toBe(true);
      expect(await store.claim('slack-event', 'Ev-2', at(30))).toBe(false);
      // A claim given back (its work failed) is granted again, once.
      await store.releaseClaim('slack-event', 'Ev-2');
      await store.releaseClaim('slack-event', 'never-claimed');
      expect(await (peer?.store ?? store).claim('slack-event', 'Ev-2', at(31))).toBe(true);
      expect(await store.claim('slack-event', 'Ev-2', at(32))).toBe(false);
    },
  },
  {
    name: 'opens an incident with references to the records it came from, in the same write, refusing a record another incident holds',
    async run({ store }) {
      const pd = { system: 'pagerduty', kind: 'incident', key: 'PT4KHLK', data: { state: 'triggered' } };
      const a = await store.openIncident(draftIncident({ refs: [pd] }));
      expect(await store.findRef('pagerduty', 'incident', 'PT4KHLK')).toEqual({
        incidentId: a.id,
        ...pd,
        createdAt: at(3),
        updatedAt: at(3),
      });
      // A second incident for the same record is refused, and nothing of it is written.
      await expect(
        store.openIncident(draftIncident({ title: 'again', refs: [{ ...pd, key: 'other' }, pd] }), [
          { at: at(3), author: 'x', kind: 'declared', text: 'again' },
        ]),
      ).rejects.toBeInstanceOf(ConflictError);
      expect((await store.listIncidents()).map((i) => i.title)).toEqual([a.title]);
      expect(await store.findRef('pagerduty', 'incident', 'other')).toBeNull();
      expect((await store.listRefs(a.id)).map((r) => r.key)).toEqual(['PT4KHLK']);
    },
  },
  {
    name: 'keeps customer drafts for a person to decide on: a newer draft supersedes a pending one, and a decision names the revision it saw',
    async run({ store }) {
      const inc = await store.openIncident(draftIncident());
      const other = await store.openIncident(draftIncident({ title: 'other' }));
      const v0 = (await store.incidentVersion(inc.id))!;
      const first = await store.createDraft(draftFor(inc.id), [
        { at: at(10), author: 'comms', kind: 'update', text: 'customer draft' },
      ]);
      expect(first).toMatchObject({
        incidentId: inc.id,
        state: 'pending',
        revision: 1,
        status: 'investigating',
        impact: 'critical',
        components: [{ name: 'Checkout', status: 'major_outage' }],
        review: null,
        published: null,
        createdAt: at(10),
      });
      expect(first.id).toMatch(/^SD-\d+$/);
      expect((await store.incidentVersion(inc.id))!).toBeGreaterThan(v0);
      expect((await store.listTimeline(inc.id)).at(-1)?.data).toEqual({ draftId: first.id });

      const second = await store.createDraft(draftFor(inc.id, { status: 'identified', at: at(12) }), []);
      await store.createDraft(draftFor(other.id), []);
      expect((await store.getDraft(first.id))?.state).toBe('superseded');
      expect((await store.listDrafts({ incidentId: inc.id, states: ['pending'] })).map((d) => d.id)).toEqual([
        second.id,
      ]);
      await expect(store.reviewDraft(first.id, review('approved', 1), [])).rejects.toBeInstanceOf(ConflictError);

      const edited = await store.editDraft(
        second.id,
        { revision: 1, body: 'We have found the cause.', components: [], by: 'priya', at: at(14) },
        [],
      );
      expect(edited).toMatchObject({
        revision: 2,
        body: 'We have found the cause.',
        components: [],
        title: second.title,
      });
      // Approving (or editing) what one read before someone else's edit is refused.
      await expect(store.reviewDraft(second.id, review('approved', 1), [])).rejects.toBeInstanceOf(ConflictError);
      await expect(
        store.editDraft(second.id, { revision: 1, title: 'x', by: 'omar', at: at(15) }, []),
      ).rejects.toBeInstanceOf(ConflictError);
      const approved = await store.reviewDraft(second.id, review('approved', 2), [
        { at: at(20), author: 'priya', kind: 'decision', text: 'approved' },
      ]);
      expect(approved).toMatchObject({ state: 'approved', review: review('approved', 2) });
      await expect(store.reviewDraft(second.id, review('discarded', 2), [])).rejects.toBeInstanceOf(ConflictError);
      await expect(
        store.editDraft(second.id, { revision: 2, title: 'x', by: 'p', at: at(21) }, []),
      ).rejects.toBeInstanceOf(ConflictError);
      await expect(store.markDraftPublished(first.id, { at: at(22), ref: 'x', url: null }, [])).rejects.toBeInstanceOf(
        ConflictError,
      );
      const published = await store.markDraftPublished(
        second.id,
        { at: at(22), ref: 'sp-1', url: 'https://status.example.com/incidents/sp-1' },
        [],
      );
      expect(published).toMatchObject({
        state: 'published',
        published: { at: at(22), ref: 'sp-1', url: 'https://status.example.com/incidents/sp-1' },
      });
      await expect(
        store.markDraftPublished(second.id, { at: at(23), ref: 'sp-1', url: null }, []),
      ).rejects.toBeInstanceOf(ConflictError);

      const third = await store.createDraft(draftFor(inc.id, { at: at(30) }), []);
      expect((await store.reviewDraft(third.id, review('discarded', 1, 31), [])).state).toBe('discarded');
      expect((await store.getDraft(second.id))?.state).toBe('published');
      const record = (await store.readRecord(inc.id))!;
      expect(record.drafts.map((d) => [d.id, d.state])).toEqual([
        [first.id, 'superseded'],
        [second.id, 'published'],
        [third.id, 'discarded'],
      ]);
      expect((await store.listDrafts({ states: ['pending'] })).map((d) => d.incidentId)).toEqual([other.id]);
      expect(await store.listDrafts({ limit: 1 })).toHaveLength(1);
      expect(await store.getDraft('SD-999')).toBeNull();
      await expect(store.reviewDraft('SD-999', review('approved', 1), [])).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.createDraft(draftFor('INC-404'), [])).rejects.toBeInstanceOf(NotFoundError);
    },
  },
  {
    name: 'lets exactly one of several people deciding on a draft at once win (through this connection and another)',
    async run({ store, peer }) {
      const other = peer?.store ?? store;
      const inc = await store.openIncident(draftIncident());
      const draft = await store.createDraft(draftFor(inc.id), []);
      const outcomes = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) =>
          (i % 2 ? other : store).reviewDraft(
            draft.id,
            { ...review(i % 3 ? 'approved' : 'discarded', 1), by: `person-${i}` },
            [{ at: at(20), author: `person-${i}`, kind: 'decision', text: `decided ${i}` }],
          ),
        ),
      );
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(ConflictError);
      const decided = (await store.getDraft(draft.id))!;
      expect(decided.review?.by).toBe((won[0] as PromiseFulfilledResult<{ review: { by: string } }>).value.review.by);
      expect((await store.listTimeline(inc.id)).filter((e) => e.kind === 'decision')).toHaveLength(1);
    },
  },
  {
    name: 'queues messages once per key and hands out one message per partition at a time, in order, under a lease',
    async run({ messages }) {
      const q = 'test.inbox';
      const a1 = await messages.enqueue({ queue: q, key: 'a1', partition: 'A', payload: { n: 1 }, at: at(0) });
      await messages.enqueue({ queue: q, key: 'a2', partition: 'A', payload: { n: 2 }, at: at(0) });
      await messages.enqueue({ queue: q, key: 'b1', partition: 'B', payload: { n: 3 }, at: at(0) });
      await messages.enqueue({ queue: 'other', key: 'a1', partition: 'A', payload: null, at: at(0) });
      expect(a1.created).toBe(true);
      expect(a1.message).toMatchObject({
        key: 'a1',
        state: 'pending',
        attempts: 0,
        payload: { n: 1 },
        leasedUntil: null,
      });
      const dup = await messages.enqueue({ queue: q, key: 'a1', partition: 'A', payload: { n: 99 }, at: at(1) });
      expect(dup).toEqual({ message: a1.message, created: false });

      const first = await messages.claim(q, { at: at(1), leaseMs: 60_000, limit: 10 });
      expect(first.map((m) => [m.key, m.attempts, m.leasedUntil])).toEqual([
        ['a1', 1, at(2)],
        ['b1', 1, at(2)],
      ]);
      // Leased heads hold their partitions: nothing more until they are settled or the lease runs out.
      expect(await messages.claim(q, { at: at(1.5), leaseMs: 60_000, limit: 10 })).toEqual([]);
      const done = await messages.settle(first[0]!.seq, 1, { state: 'done', at: at(1.5), note: 'INC-1' });
      expect(done).toMatchObject({ state: 'done', finishedAt: at(1.5), note: 'INC-1', leasedUntil: null });
      // b1 fails this time and is retried later: its partition waits for it.
      await messages.settle(first[1]!.seq, 1, { state: 'pending', at: at(1.5), availableAt: at(10), note: '503' });
      await messages.enqueue({ queue: q, key: 'b2', partition: 'B', payload: null, at: at(1.6) });
      const [a2] = await messages.claim(q, { at: at(2), leaseMs: 60_000, limit: 10 });
      expect(a2?.key).toBe('a2');
      await messages.settle(a2!.seq, 1, { state: 'pending', at: at(2), availableAt: at(20), note: 'later' });
      const retried = await messages.claim(q, { at: at(10), leaseMs: 60_000, limit: 10 });
      expect(retried.map((m) => [m.key, m.attempts, m.note])).toEqual([['b1', 2, '503']]);
      await expect(messages.settle(retried[0]!.seq, 1, { state: 'done', at: at(10) })).rejects.toBeInstanceOf(
        ConflictError,
      );
      await messages.settle(retried[0]!.seq, 2, { state: 'failed', at: at(10), note: 'gave up' });
      // A failed message no longer holds its partition.
      expect((await messages.claim(q, { at: at(11), leaseMs: 60_000, limit: 10 })).map((m) => m.key)).toEqual(['b2']);

      expect((await messages.listMessages(q)).map((m) => [m.key, m.state])).toEqual([
        ['a1', 'done'],
        ['a2', 'pending'],
        ['b1', 'failed'],
        ['b2', 'pending'],
      ]);
      expect((await messages.listMessages(q, { partition: 'B', states: ['failed'] })).map((m) => m.key)).toEqual([
        'b1',
      ]);
      expect((await messages.listMessages(q, { limit: 1, newest: true })).map((m) => m.key)).toEqual(['b2']);
      expect(await messages.prune(q, at(10.5))).toBe(2);
      expect((await messages.listMessages(q)).map((m) => [m.key, m.note])).toEqual([
        ['a2', 'later'],
        ['b2', null],
      ]);
      expect(await messages.listMessages('other')).toHaveLength(1);
    },
  },
  {
    name: 'gives a message whose lease ran out to the next claimer, and refuses the old holder’s settlement',
    async run({ messages, peer }) {
      const other = peer?.messages ?? messages;
      const q = 'test.outbox';
      await messages.enqueue({ queue: q, key: 'page:INC-1', partition: 'INC-1', payload: {}, at: at(0) });
      const [held] = await messages.claim(q, { at: at(0), leaseMs: 30_000, limit: 1 });
      expect(await other.claim(q, { at: at(0.25), leaseMs: 30_000, limit: 1 })).toEqual([]);
      const [taken] = await other.claim(q, { at: at(0.5), leaseMs: 30_000, limit: 1 });
      expect(taken).toMatchObject({ key: 'page:INC-1', attempts: 2 });
      await expect(messages.settle(held!.seq, held!.attempts, { state: 'done', at: at(0.6) })).rejects.toBeInstanceOf(
        ConflictError,
      );
      expect((await other.settle(taken!.seq, 2, { state: 'done', at: at(0.7) })).state).toBe('done');
      await expect(messages.settle(9_999_999, 1, { state: 'done', at: at(1) })).rejects.toBeInstanceOf(NotFoundError);
    },
  },
  {
    name: 'never hands one message to two concurrent claimers, nor enqueues one key twice (through this connection and another)',
    async run({ messages, peer }) {
      const other = peer?.messages ?? messages;
      const q = 'test.race';
      const enqueued = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 ? other : messages).enqueue({
            queue: q,
            key: `k${i % 20}`,
            partition: `p${i % 20}`,
            payload: { i },
            at: at(0),
          }),
        ),
      );
      expect(enqueued.filter((e) => e.created)).toHaveLength(20);
      const claims = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          (i % 2 ? other : messages).claim(q, { at: at(1), leaseMs: 60_000, limit: 5 }),
        ),
      );
      const keys = claims.flat().map((m) => m.key);
      expect(keys.length).toBe(new Set(keys).size);
      expect(keys.length).toBe(20);
    },
  },
  {
    name: 'tails one timeline after a seq in commit order, missing nothing while writers on two connections race',
    async run({ store, peer }) {
      const other = peer?.store ?? store;
      const inc = await store.openIncident(draftIncident());
      const elsewhere = await store.openIncident(draftIncident({ title: 'elsewhere' }));
      await store.appendEvents(inc.id, [
        { at: at(10), author: 'scribe', kind: 'note', text: 'b' },
        { at: at(5), author: 'scribe', kind: 'observation', text: 'a (backdated)' },
      ]);
      const first = await store.listTimeline(inc.id, { afterSeq: 0 });
      // In the order they were written, not by time; only this incident's.
      expect(first.map((e) => e.text)).toEqual(['b', 'a (backdated)']);
      expect(first[1]!.seq).toBeGreaterThan(first[0]!.seq);
      expect((await store.listTimeline(inc.id, { afterSeq: first[0]!.seq })).map((e) => e.text)).toEqual([
        'a (backdated)',
      ]);
      expect(await store.listTimeline(inc.id, { afterSeq: first[1]!.seq })).toEqual([]);
      expect((await store.listTimeline(inc.id, { afterSeq: 0, limit: 1 })).map((e) => e.text)).toEqual(['b']);

      // A tailer that asks for what follows the last seq it saw, while 40 writes race through both connections.
      const writes = Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? other : store).appendEvents(
          i % 5 === 0 ? elsewhere.id : inc.id,
          Array.from({ length: 1 + (i % 3) }, (_, j) => ({
            at: at(20 + ((i * 7) % 13)),
            author: `w${i}`,
            kind: 'note' as const,
            text: `race ${i}.${j}`,
          })),
        ),
      );
      let done = false;
      const all = Promise.all(writes).finally(() => (done = true));
      const tailed = [...first];
      for (;;) {
        const finished = done;
        const next = await (tailed.length % 2 ? other : store).listTimeline(inc.id, { afterSeq: tailed.at(-1)!.seq });
        tailed.push(...next);
        if (finished) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      await all;
      const timeline = await store.listTimeline(inc.id);
      expect(tailed.map((e) => e.text).sort()).toEqual(timeline.map((e) => e.text).sort());
      expect(new Set(tailed.map((e) => e.seq)).size).toBe(tailed.length);
      for (let i = 1; i < tailed.length; i++) expect(tailed[i]!.seq).toBeGreaterThan(tailed[i - 1]!.seq);
      expect(tailed.every((e) => e.incidentId === inc.id)).toBe(true);
    },
  },
  {
    name: 'reports committed writes to every watcher, its own and another connection’s, in version order, until unwatched',
    async run({ store, peer }) {
      const other = peer?.store ?? store;
      const inc = await store.openIncident(draftIncident());
      const here: IncidentChange[] = [];
      const stopped: IncidentChange[] = [];
      const there: IncidentChange[] = [];
      const stopHere = await store.watch((c) => here.push(c));
      const stopEarly = await store.watch((c) => stopped.push(c));
      const stopThere = await other.watch((c) => there.push(c));
      const unrelated = await store.watch(() => {
        throw new Error('a watcher that fails');
      });
      try {
        await store.appendEvents(inc.id, [{ at: at(1), author: 'a', kind: 'note', text: 'one' }]);
        await other.appendEvents(inc.id, [{ at: at(2), author: 'b', kind: 'note', text: 'two' }]);
        const second = await other.openIncident(draftIncident({ title: 'second' }));
        // A write without events still moves the version; its seq stays.
        await store.changeSeverity(inc.id, { to: 'SEV2', reason: 'r', author: 'a', at: at(3), criteria: [] }, []);
        await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            (i % 2 ? other : store).appendEvents(i % 3 ? inc.id : second.id, [
              { at: at(4), author: 'c', kind: 'note', text: `n${i}` },
            ]),
          ),
        );
        const finals = new Map<string, { version: number; seq: number }>();
        for (const id of [inc.id, second.id])
          finals.set(id, {
            version: (await store.incidentVersion(id))!,
            seq: (await store.listTimeline(id, { afterSeq: 0 })).at(-1)!.seq,
          });
        for (const [name, seen] of [
          ['this connection', here],
          ['the other connection', there],
        ] as const) {
          await eventually(`${name}'s watcher hears of the newest versions`, () =>
            [...finals].every(([id, f]) => newestReported(seen).get(id)?.version === f.version),
          );
          const newest = newestReported(seen);
          for (const [id, f] of finals) expect(newest.get(id), `${name}: ${id}`).toEqual({ incidentId: id, ...f });
          expect(seen.every((c) => c.version > inc.version || c.incidentId !== inc.id)).toBe(true);
        }

        stopEarly();
        stopEarly();
        const before = stopped.length;
        await other.appendEvents(inc.id, [{ at: at(5), author: 'b', kind: 'note', text: 'after' }]);
        const after = (await store.incidentVersion(inc.id))!;
        await eventually('the remaining watcher hears of the write', () => here.at(-1)?.version === after);
        expect(stopped).toHaveLength(before);
      } finally {
        stopHere();
        stopThere();
        unrelated();
      }
    },
  },
];

export function describeStoreContract(name: string, makeFixture: () => Promise<StoreFixture>): void {
  describe(`store contract: ${name}`, () => {
    for (const c of STORE_CONTRACT) {
      it(c.name, async () => {
        const fx = await makeFixture();
        try {
          await c.run(fx);
        } finally {
          await fx.dispose();
        }
      });
    }
  });
}

export interface CaseOutcome {
  name: string;
  /** Why the case failed; null when it passed. */
  failure: string | null;
}

/** Runs every case against fresh fixtures and reports each outcome instead of throwing. */
export async function runStoreContract(makeFixture: () => Promise<StoreFixture>): Promise<CaseOutcome[]> {
  const outcomes: CaseOutcome[] = [];
  for (const c of STORE_CONTRACT) {
    let failure: string | null = null;
    try {
      const fx = await makeFixture();
      try {
        await c.run(fx);
      } finally {
        await fx.dispose();
      }
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    outcomes.push({ name: c.name, failure });
  }
  return outcomes;
}
