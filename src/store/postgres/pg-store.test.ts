import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { describePostgres, freshDatabase } from '../../../test/support/postgres.js';
import { ExternalError } from '../../core/errors.js';
import { describeStoreContract, draftIncident } from '../store.contract.js';
import { MIGRATIONS } from './migrations.js';
import { PostgresStore } from './pg-store.js';

/** Undone last first: stores close before their database is dropped. */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describePostgres('PostgreSQL store', (base) => {
  describeStoreContract('PostgreSQL', async () => {
    const db = await freshDatabase(base);
    // Two pools, as two instances would hold them: the concurrency cases write through both.
    const store = await PostgresStore.open(db.url);
    const peer = await PostgresStore.open(db.url);
    return {
      store,
      sessions: store.sessions,
      messages: store.messages,
      peer: { store: peer, sessions: peer.sessions, messages: peer.messages },
      dispose: async () => {
        await peer.close();
        await store.close();
        await db.drop();
      },
    };
  });

  /** A fresh database with the store open on it; closed and dropped after the test. */
  async function opened(options: Parameters<typeof PostgresStore.open>[1] = {}) {
    const db = await freshDatabase(base);
    const store = await PostgresStore.open(db.url, options);
    cleanups.push(async () => {
      await store.close();
      await db.drop();
    });
    return { db, store };
  }

  it('migrates once when several instances start together, under the advisory lock', async () => {
    const db = await freshDatabase(base);
    cleanups.push(() => db.drop());
    const stores = await Promise.all(Array.from({ length: 6 }, () => PostgresStore.open(db.url)));
    cleanups.push(async () => {
      for (const s of stores) await s.close();
    });
    const ledger = await stores[0]!.pool.query('SELECT version FROM incident_commander_migrations ORDER BY version');
    expect(ledger.rows.map((r: { version: number }) => r.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    // Every instance works on the one schema.
    await Promise.all(stores.map((s, i) => s.openIncident(draftIncident({ title: `from instance ${i}` }))));
    expect((await stores[5]!.listIncidents()).map((i) => i.id).sort()).toEqual(
      ['INC-1', 'INC-2', 'INC-3', 'INC-4', 'INC-5', 'INC-6'].sort(),
    );
  });

  it('numbers each timeline from its incident row, not from a sequence, and NOTIFYs only what commits', async () => {
    const { db, store } = await opened();
    const a = await store.openIncident(draftIncident());
    const b = await store.openIncident(draftIncident({ title: 'other' }));
    await store.appendEvents(a.id, [{ at: a.createdAt, author: 'x', kind: 'note', text: 'a1' }]);
    await store.appendEvents(b.id, [{ at: b.createdAt, author: 'x', kind: 'note', text: 'b1' }]);
    await store.appendEvents(a.id, [
      { at: a.createdAt, author: 'x', kind: 'note', text: 'a2' },
      { at: a.createdAt, author: 'x', kind: 'note', text: 'a3' },
    ]);
    expect((await store.listTimeline(a.id, { afterSeq: 0 })).map((e) => [e.text, e.seq])).toEqual([
      ['a1', 1],
      ['a2', 2],
      ['a3', 3],
    ]);
    expect((await store.listTimeline(b.id, { afterSeq: 0 })).map((e) => e.seq)).toEqual([1]);
    const sequences = await store.pool.query(
      "SELECT count(*)::int AS n FROM pg_class WHERE relkind = 'S' AND relname LIKE 'timeline%'",
    );
    expect(sequences.rows[0].n).toBe(0);

    // A listener of its own on the channel: a write that rolls back (a poisoned event) notifies nothing.
    const listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    cleanups.push(() => listener.end());
    const heard: string[] = [];
    listener.on('notification', (m) => heard.push(m.payload ?? ''));
    await listener.query('LISTEN incident_commander_changes');
    await expect(
      store.appendEvents(a.id, [
        { at: a.createdAt, author: 'x', kind: 'note', text: 'fine' },
        { at: 'yesterday', author: 'x', kind: 'note', text: 'not a time' },
      ]),
    ).rejects.toThrow(/iso_time/);
    expect(await store.countTimeline(a.id)).toBe(3);
    await store.appendEvents(a.id, [{ at: a.createdAt, author: 'x', kind: 'note', text: 'a4' }]);
    await expect.poll(() => heard.length).toBe(1);
    expect(JSON.parse(heard[0]!)).toEqual({ i: a.id, v: (await store.incidentVersion(a.id))!, s: 4 });
  });

  it('refuses to create a schema for a command that only reads, and names a database that is not there', async () => {
    const db = await freshDatabase(base);
    cleanups.push(() => db.drop());
    await expect(PostgresStore.open(db.url, { mustExist: true })).rejects.toThrow(
      /no incident record in the PostgreSQL database ic_t_/,
    );
    const tables = new pg.Client({ connectionString: db.url });
    await tables.connect();
    const { rows } = await tables.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'");
    await tables.end();
    expect(rows[0].n).toBe(0);

    const missing = new URL(base);
    missing.pathname = '/no_such_database';
    const error = await PostgresStore.open(missing.href).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExternalError);
    expect((error as ExternalError).message).toMatch(/database "no_such_database" does not exist/);
    expect((error as ExternalError).hint).toMatch(/createdb no_such_database/);
  });

  it('says who refused a login and where nothing listens, without the password', async () => {
    const wrong = new URL(base);
    wrong.password = 'not-the-password';
    const refused = await PostgresStore.open(wrong.href).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ExternalError);
    expect((refused as Error).message).toMatch(/refused the login of user "postgres" \(wrong password\)/);
    expect(JSON.stringify(refused)).not.toContain('not-the-password');

    const closed = new URL(base);
    closed.port = '1';
    const unreachable = await PostgresStore.open(closed.href).catch((e: unknown) => e);
    expect((unreachable as Error).message).toMatch(/cannot reach PostgreSQL at 127\.0\.0\.1:1 \(ECONNREFUSED\)/);
  });

  it('refuses a schema newer than this build', async () => {
    const { db, store } = await opened();
    await store.pool.query('INSERT INTO incident_commander_migrations (version) VALUES ($1)', [MIGRATIONS.length + 1]);
    await expect(PostgresStore.open(db.url)).rejects.toThrow(/newer than this build knows/);
  });

  it('rolls back the whole change when one of its rows breaks the schema', async () => {
    const { store } = await opened();
    const inc = await store.openIncident(draftIncident());
    await expect(
      store.updateIncident(
        inc.id,
        { status: 'resolved', resolvedAt: '2026-11-26T11:00:00.000Z' },
        [
          { at: '2026-11-26T11:00:00.000Z', author: 'x', kind: 'status', text: 'resolved' },
          { at: '2026-11-26T11:00:00.000Z', author: 'x', kind: 'bogus' as 'note', text: 'bad kind' },
        ],
        '2026-11-26T11:00:00.000Z',
      ),
    ).rejects.toThrow(/timeline_kind_check/);
    expect(await store.getIncident(inc.id)).toEqual(inc);
    expect(await store.countTimeline(inc.id)).toBe(0);
  });
});
