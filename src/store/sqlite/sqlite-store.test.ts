import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { describeStoreContract, draftIncident } from '../store.contract.js';
import { MIGRATIONS } from './migrations.js';
import { SqliteStore, sqliteStores } from './sqlite-store.js';
import { lazyStores } from '../lazy-store.js';
import { MemoryMessageStore } from '../memory-messages.js';

const dirs: string[] = [];
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ic-store-'));
  dirs.push(dir);
  return join(dir, 'nested', 'state.db');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describeStoreContract('SQLite file', async () => {
  const path = tempDb();
  const store = new SqliteStore(path);
  const peer = new SqliteStore(path);
  return {
    store,
    sessions: store.sessions,
    messages: store.messages,
    peer: { store: peer, sessions: peer.sessions, messages: peer.messages },
    dispose: async () => {
      await peer.close();
      await store.close();
    },
  };
});

describeStoreContract('SQLite behind lazyStores', async () => {
  const path = tempDb();
  const stores = lazyStores(async () => sqliteStores(new SqliteStore(path)));
  const peer = lazyStores(async () => sqliteStores(new SqliteStore(path)));
  return {
    store: stores.incidents,
    sessions: stores.sessions,
    messages: stores.messages,
    peer: { store: peer.incidents, sessions: peer.sessions, messages: peer.messages },
    dispose: async () => {
      await peer.close();
      await stores.close();
    },
  };
});

describeStoreContract('SQLite in memory', async () => {
  const store = new SqliteStore(':memory:');
  return { store, sessions: store.sessions, messages: store.messages, dispose: () => store.close() };
});

describeStoreContract('SQLite in memory, queues in memory (MemoryMessageStore)', async () => {
  const store = new SqliteStore(':memory:');
  return { store, sessions: store.sessions, messages: new MemoryMessageStore(), dispose: () => store.close() };
});

describe('SqliteStore', () => {
  it('lazyStores opens nothing until the first call, retries a failed open, and refuses calls after close', async () => {
    let opens = 0;
    const path = tempDb();
    const lazy = lazyStores(async () => {
      opens++;
      if (opens === 1) throw new Error('disk not mounted yet');
      return sqliteStores(new SqliteStore(path));
    });
    expect(opens).toBe(0);
    await expect(lazy.incidents.listIncidents()).rejects.toThrow('disk not mounted yet');
    expect(await lazy.incidents.listIncidents()).toEqual([]);
    expect(await lazy.sessions.findByChannel('C1')).toBeNull();
    expect(opens).toBe(2);
    await lazy.close();
    await expect(lazy.incidents.listIncidents()).rejects.toThrow('the incident store is closed');
    await expect(lazy.sessions.load('x')).rejects.toThrow('the incident store is closed');
  });

  it('uses WAL mode and records the schema version', async () => {
    const store = new SqliteStore(tempDb());
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    await store.close();
  });

  it('reopens an existing file without re-running migrations and keeps the data', async () => {
    const path = tempDb();
    const first = new SqliteStore(path);
    await first.openIncident(draftIncident());
    await first.close();
    const second = new SqliteStore(path);
    expect((await second.getIncident('INC-1'))?.title).toBe('Payment API returning 500s');
    await second.close();
  });

  it('refuses a database written by a newer schema', () => {
    const path = tempDb();
    new SqliteStore(path).db.close();
    const raw = new BetterSqlite3(path);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    expect(() => new SqliteStore(path)).toThrow(/newer than this build knows/);
  });

  it('sees writes made through another connection (a second process) immediately', async () => {
    const path = tempDb();
    const server = new SqliteStore(path);
    const chat = new SqliteStore(path);
    const inc = await server.openIncident(draftIncident());
    await chat.appendEvents(inc.id, [
      { at: '2026-11-26T10:05:00.000Z', author: 'chat', kind: 'note', text: 'from chat' },
    ]);
    expect((await server.listTimeline(inc.id)).map((e) => e.text)).toEqual(['from chat']);
    await server.close();
    await chat.close();
  });

  it('reads a record in one transaction while another thread writes: every part agrees on one version', async () => {
    const path = tempDb();
    const store = new SqliteStore(path);
    const inc = await store.openIncident(draftIncident());
    const base = (await store.readRecord(inc.id))!;
    // A writer on its own thread and connection, as another process: one event and one version step per commit.
    const writer = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
       const db = new (require(workerData.driver))(workerData.path, { timeout: 5000 });
       const insert = db.prepare("INSERT INTO timeline (incident_id, at, recorded_at, author, kind, text) VALUES (?, '2026-11-26T10:05:00.000Z', '2026-11-26T10:05:00.000Z', 'w', 'note', ?)");
       const bump = db.prepare('UPDATE incidents SET version = version + 1, timeline_count = timeline_count + 1 WHERE id = ?');
       const write = db.transaction((i) => { insert.run(workerData.id, 'w' + i); bump.run(workerData.id); });
       for (let i = 0; i < workerData.writes; i++) write(i);
       db.close();
       parentPort.postMessage('done');`,
      {
        eval: true,
        workerData: {
          driver: createRequire(import.meta.url).resolve('better-sqlite3'),
          path,
          id: inc.id,
          writes: 3000,
        },
      },
    );
    const done = new Promise((resolve, reject) => {
      writer.once('message', resolve);
      writer.once('error', reject);
    });
    let finished = false;
    void done.then(() => (finished = true));
    const seen = new Set<number>();
    while (!finished) {
      const r = (await store.readRecord(inc.id))!;
      const writes = r.version - base.version;
      expect(r.timelineTotal - base.timelineTotal).toBe(writes);
      expect(r.timeline.length).toBe(r.timelineTotal);
      seen.add(writes);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await done;
    expect((await store.readRecord(inc.id))!.timelineTotal).toBe(base.timelineTotal + 3000);
    // The reads really ran during the writes, not only before or after them.
    expect([...seen].some((n) => n > 0 && n < 3000)).toBe(true);
    await store.close();
  });

  it('sees a write through another connection of this process at once, even after a read in the same turn', async () => {
    const path = tempDb();
    const server = new SqliteStore(path);
    const chat = new SqliteStore(path);
    const inc = await chat.openIncident(draftIncident());
    expect(await server.countTimeline(inc.id)).toBe(0);
    await chat.appendEvents(inc.id, [
      { at: '2026-11-26T10:05:00.000Z', author: 'chat', kind: 'note', text: 'from chat' },
    ]);
    expect(await server.countTimeline(inc.id)).toBe(1);
    expect((await server.getIncident(inc.id))?.version).toBe((await chat.getIncident(inc.id))?.version);
    await server.close();
    await chat.close();
  });

  it('rolls back the whole change when one of its timeline events cannot be written', async () => {
    const store = new SqliteStore(tempDb());
    const inc = await store.openIncident(draftIncident());
    store.db.exec(
      `CREATE TRIGGER refuse_poison BEFORE INSERT ON timeline WHEN NEW.text = 'poison' BEGIN SELECT RAISE(ABORT, 'refused'); END`,
    );
    await expect(
      store.updateIncident(
        inc.id,
        { status: 'resolved', resolvedAt: '2026-11-26T11:00:00.000Z' },
        [
          { at: '2026-11-26T11:00:00.000Z', author: 'x', kind: 'status', text: 'resolved' },
          { at: '2026-11-26T11:00:00.000Z', author: 'x', kind: 'note', text: 'poison' },
        ],
        '2026-11-26T11:00:00.000Z',
      ),
    ).rejects.toThrow(/refused/);
    expect((await store.getIncident(inc.id))?.status).toBe('investigating');
    expect(await store.countTimeline(inc.id)).toBe(0);
    await store.close();
  });

  it('rejects rows that break the schema even if a caller skips validation', async () => {
    const store = new SqliteStore(tempDb());
    expect(() =>
      store.db
        .prepare(`INSERT INTO incidents (id, title, summary, severity, status, services, impact, signals, declared_by, started_at, detected_at, created_at, updated_at)
      VALUES ('INC-X', 'x', '', 'SEV9', 'investigating', '[]', '{}', '{}', 'a', 't', 't', 't', 't')`)
        .run(),
    ).toThrow(/CHECK constraint/);
    await store.close();
  });
});
