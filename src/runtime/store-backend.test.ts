import { describe, expect, it } from 'vitest';
import type { Stores } from '../store/lazy-store.js';
import type { MessageStore } from '../store/messages.js';
import type { SessionStore } from '../store/sessions.js';
import { SqliteStore, sqliteStores } from '../store/sqlite/sqlite-store.js';
import { runStoreContract, type StoreFixture } from '../store/store.contract.js';
import type { IncidentStore, TimelineEvent, TimelineQuery } from '../store/types.js';
import { BACKENDS, openStore, type StoreBackend } from './store.js';

const missing = (method: string) => (): Promise<never> =>
  Promise.reject(new Error(`stub backend: ${method} is not implemented`));

/**
 * A second backend as it starts life: it has the contract's type (the compiler checks every method),
 * and no behaviour yet. The contract suite must fail it on every case, for that reason.
 */
class StubIncidentStore implements IncidentStore {
  openIncident = missing('openIncident');
  getIncident = missing('getIncident');
  readRecord = missing('readRecord');
  incidentVersion = missing('incidentVersion');
  listIncidents = missing('listIncidents');
  updateIncident = missing('updateIncident');
  changeSeverity = missing('changeSeverity');
  severityHistory = missing('severityHistory');
  assignRoles = missing('assignRoles');
  listRoles = missing('listRoles');
  appendEvents = missing('appendEvents');
  listTimeline = missing('listTimeline');
  countTimeline = missing('countTimeline');
  recordUpdate = missing('recordUpdate');
  listUpdates = missing('listUpdates');
  createActionItem = missing('createActionItem');
  getActionItem = missing('getActionItem');
  listActionItems = missing('listActionItems');
  updateActionItem = missing('updateActionItem');
  startHypothesis = missing('startHypothesis');
  resolveHypothesis = missing('resolveHypothesis');
  getHypothesis = missing('getHypothesis');
  listHypotheses = missing('listHypotheses');
  putRef = missing('putRef');
  updateRef = missing('updateRef');
  findRef = missing('findRef');
  listRefs = missing('listRefs');
  claim = missing('claim');
  releaseClaim = missing('releaseClaim');
  forgetClaims = missing('forgetClaims');
  createDraft = missing('createDraft');
  getDraft = missing('getDraft');
  listDrafts = missing('listDrafts');
  editDraft = missing('editDraft');
  reviewDraft = missing('reviewDraft');
  markDraftPublished = missing('markDraftPublished');
  watch = missing('watch');
  close = (): Promise<void> => Promise.resolve();
}

class StubSessionStore implements SessionStore {
  save = missing('save');
  load = missing('load');
  findByIncident = missing('findByIncident');
  findByChannel = missing('findByChannel');
}

class StubMessageStore implements MessageStore {
  enqueue = missing('enqueue');
  claim = missing('claim');
  settle = missing('settle');
  listMessages = missing('listMessages');
  prune = missing('prune');
}

const stubBackend: StoreBackend = {
  name: 'stub',
  accepts: (location) => location.startsWith('stub://'),
  open: async (): Promise<Stores> => ({
    incidents: new StubIncidentStore(),
    sessions: new StubSessionStore(),
    messages: new StubMessageStore(),
    close: () => Promise.resolve(),
  }),
};

/** The one line a new backend needs in openStore's list. */
const WITH_STUB = [...BACKENDS, stubBackend];

function fixtureOf(stores: Stores): StoreFixture {
  return {
    store: stores.incidents,
    sessions: stores.sessions,
    messages: stores.messages,
    dispose: () => stores.close(),
  };
}

describe('a second store backend', () => {
  it('joins openStore with one entry in its list of backends, chosen by the location', async () => {
    expect(() => openStore('stub://ops-db')).toThrow(/no store keeps "stub:\/\/" locations/);
    const stores = openStore('stub://ops-db', {}, WITH_STUB);
    await expect(stores.incidents.listIncidents()).rejects.toThrow('stub backend: listIncidents is not implemented');
    await expect(stores.sessions.findByChannel('C1')).rejects.toThrow('stub backend: findByChannel is not implemented');
    await stores.close();
  });

  it('fails every case of the contract suite, each for what the backend does not do', async () => {
    const outcomes = await runStoreContract(async () => fixtureOf(openStore('stub://ops-db', {}, WITH_STUB)));
    expect(outcomes.length).toBeGreaterThanOrEqual(16);
    for (const o of outcomes) expect(o.failure, o.name).toMatch(/^stub backend: \w+ is not implemented$/);
  });

  it('is told apart from a backend that breaks one promise, and from one that keeps them all', async () => {
    // SQLite with one defect: the timeline in insertion order, not by event time.
    const insertionOrder = (store: SqliteStore): IncidentStore =>
      Object.assign(Object.create(store) as IncidentStore, {
        listTimeline: async (id: string, query?: TimelineQuery): Promise<TimelineEvent[]> =>
          (await store.listTimeline(id, query)).sort((a, b) => a.seq - b.seq),
      });
    const broken = await runStoreContract(async () => {
      const store = new SqliteStore(':memory:');
      return {
        store: insertionOrder(store),
        sessions: store.sessions,
        messages: store.messages,
        dispose: () => store.close(),
      };
    });
    const failing = broken.filter((o) => o.failure).map((o) => o.name);
    expect(failing).toContain(
      'orders the timeline by event time, then by insertion, and returns the newest N on request',
    );
    expect(failing.length).toBeLessThan(broken.length / 2);

    const sound = await runStoreContract(async () => fixtureOf(sqliteStores(new SqliteStore(':memory:'))));
    expect(sound.filter((o) => o.failure)).toEqual([]);
  });
});
