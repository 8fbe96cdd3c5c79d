import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../test/support/harness.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { loadSnapshot, SnapshotCache } from './snapshot.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let h: Harness;
let dir: string;
afterEach(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('loadSnapshot', () => {
  it('serves a cached snapshot until any process writes, then reloads', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ic-snap-'));
    h = createHarness({ dbPath: join(dir, 'state.db') });
    await h.ok('open_incident', { title: 'Checkout down' });
    const cache = new SnapshotCache();
    const first = await loadSnapshot(h.store, cache, 'INC-1', 20);
    expect(await loadSnapshot(h.store, cache, 'INC-1', 20)).toBe(first);

    const other = new SqliteStore(join(dir, 'state.db'));
    await other.appendEvents('INC-1', [
      { at: '2026-11-26T14:01:00.000Z', author: 'chat', kind: 'note', text: 'from another process' },
    ]);
    await other.close();
    const second = await loadSnapshot(h.store, cache, 'INC-1', 20);
    expect(second).not.toBe(first);
    expect(second.timeline.map((e) => e.text)).toContain('from another process');
    expect(second.timelineTotal).toBe(first.timelineTotal + 1);
  });

  it('keeps a bounded number of snapshots', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ic-snap-'));
    h = createHarness();
    const cache = new SnapshotCache(2);
    for (let i = 0; i < 3; i++) await h.ok('open_incident', { title: `Incident ${i}` });
    const a = await loadSnapshot(h.store, cache, 'INC-1', 20);
    await loadSnapshot(h.store, cache, 'INC-2', 20);
    await loadSnapshot(h.store, cache, 'INC-3', 20);
    expect(await loadSnapshot(h.store, cache, 'INC-1', 20)).not.toBe(a);
  });
});
