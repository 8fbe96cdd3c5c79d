import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { describePostgres, freshDatabase } from '../../../test/support/postgres.js';
import { draftIncident } from '../store.contract.js';
import type { IncidentChange } from '../types.js';
import { CHANGE_CHANNEL, parsePayload } from './pg-feed.js';
import { PostgresStore } from './pg-store.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('NOTIFY payloads', () => {
  it('reads the store’s own and refuses anything else on the channel', () => {
    expect(parsePayload('{"i":"INC-3","v":7,"s":12}')).toEqual({ incidentId: 'INC-3', version: 7, seq: 12 });
    for (const bad of [
      undefined,
      '',
      'INC-3 7',
      '{"i":3,"v":7,"s":1}',
      '{"i":"INC-3","v":"7","s":1}',
      '[]',
      'x'.repeat(2000),
    ])
      expect(parsePayload(bad)).toBeNull();
  });
});

describePostgres('the LISTEN connection', (base) => {
  async function setUp() {
    const db = await freshDatabase(base);
    cleanups.push(() => db.drop());
    const troubles: string[] = [];
    const watcher = await PostgresStore.open(db.url, {
      feed: { retryMs: 20, maxRetryMs: 100, onTrouble: (what) => troubles.push(what) },
    });
    cleanups.push(() => watcher.close());
    const writer = await PostgresStore.open(db.url);
    cleanups.push(() => writer.close());
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    cleanups.push(() => admin.end());
    return { watcher, writer, admin, troubles, database: db.name };
  }

  it('reconnects after its connection is cut and catches up on what committed meanwhile, once, at the newest version', async () => {
    const { watcher, writer, admin, troubles } = await setUp();
    const first = await writer.openIncident(draftIncident());
    const seen: IncidentChange[] = [];
    await watcher.watch((c) => seen.push(c));
    await writer.appendEvents(first.id, [{ at: first.createdAt, author: 'w', kind: 'note', text: 'before the cut' }]);
    await expect.poll(() => seen.length).toBe(1);
    expect(watcher.feed.connections).toBe(1);

    // Cut the listener and keep writing while it is away: a new incident too.
    const pid = watcher.feed.backendPid!;
    const cut = await admin.query('SELECT pg_terminate_backend($1) AS ok', [pid]);
    expect(cut.rows[0].ok).toBe(true);
    const second = await writer.openIncident(draftIncident({ title: 'opened while the listener was away' }));
    for (let i = 0; i < 5; i++)
      await writer.appendEvents(first.id, [{ at: first.createdAt, author: 'w', kind: 'note', text: `away ${i}` }]);

    const finalFirst = { version: (await writer.incidentVersion(first.id))!, seq: 6 };
    const finalSecond = { version: (await writer.incidentVersion(second.id))!, seq: 0 };
    await expect
      .poll(() => [seen.findLast((c) => c.incidentId === first.id), seen.findLast((c) => c.incidentId === second.id)], {
        timeout: 10_000,
      })
      .toEqual([
        { incidentId: first.id, ...finalFirst },
        { incidentId: second.id, ...finalSecond },
      ]);
    expect(watcher.feed.connections).toBeGreaterThanOrEqual(2);
    expect(watcher.feed.backendPid).not.toBe(pid);
    // Never a version twice, never an older one after a newer.
    for (const id of [first.id, second.id]) {
      const versions = seen.filter((c) => c.incidentId === id).map((c) => c.version);
      expect([...versions].sort((a, b) => a - b)).toEqual(versions);
      expect(new Set(versions).size).toBe(versions.length);
    }

    // And it listens again: the next write is notified as it commits.
    const before = seen.length;
    await writer.appendEvents(second.id, [{ at: second.createdAt, author: 'w', kind: 'note', text: 'after' }]);
    await expect
      .poll(() => seen.slice(before))
      .toEqual([{ incidentId: second.id, version: finalSecond.version + 1, seq: 1 }]);
    expect(troubles).toEqual(['lost the LISTEN connection; reconnecting']);
  });

  it('keeps trying while the database refuses it, and catches up once it is let back in', async () => {
    const { watcher, writer, admin, troubles, database } = await setUp();
    // ALTER DATABASE from a connection to another database (one cannot lock itself out).
    const outside = new pg.Client({ connectionString: base });
    await outside.connect();
    cleanups.push(() => outside.end());
    const inc = await writer.openIncident(draftIncident());
    const seen: IncidentChange[] = [];
    await watcher.watch((c) => seen.push(c));
    // New connections refused (the writer keeps the one its pool holds), then the listener cut.
    await outside.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend($1)', [watcher.feed.backendPid]);
    await writer.appendEvents(inc.id, [{ at: inc.createdAt, author: 'w', kind: 'note', text: 'while refused' }]);
    await expect.poll(() => troubles.filter((t) => /failed; trying again/.test(t)).length).toBeGreaterThanOrEqual(2);
    expect(watcher.feed.backendPid).toBeNull();
    expect(seen).toEqual([]);
    await outside.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`);
    const final = (await writer.incidentVersion(inc.id))!;
    await expect.poll(() => seen, { timeout: 10_000 }).toEqual([{ incidentId: inc.id, version: final, seq: 1 }]);
  });

  it('ignores what others NOTIFY on its channel', async () => {
    const { watcher, writer, admin } = await setUp();
    const inc = await writer.openIncident(draftIncident());
    const seen: IncidentChange[] = [];
    await watcher.watch((c) => seen.push(c));
    await admin.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, 'not json']);
    await admin.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, '{"i":"INC-1","v":"lots","s":0}']);
    await writer.appendEvents(inc.id, [{ at: inc.createdAt, author: 'w', kind: 'note', text: 'real' }]);
    await expect.poll(() => seen.length).toBe(1);
    expect(seen[0]).toEqual({ incidentId: inc.id, version: inc.version + 1, seq: 1 });
  });
});
