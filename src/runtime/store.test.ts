import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../../test/support/cli.js';
import { describePostgres, freshDatabase } from '../../test/support/postgres.js';
import { draftIncident } from '../store/store.contract.js';
import { ConfigError } from '../core/errors.js';
import { describeLocation, openStore } from './store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ic-open-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('openStore', () => {
  it('keeps the record in SQLite at a path or a file: URL, creating nothing until first use', async () => {
    const path = join(dir, 'nested', 'state.db');
    const stores = openStore(path);
    expect(existsSync(path)).toBe(false);
    expect(await stores.incidents.listIncidents()).toEqual([]);
    expect(existsSync(path)).toBe(true);
    await stores.close();
    const again = openStore(pathToFileURL(path).href);
    expect(await again.incidents.incidentVersion('INC-1')).toBeNull();
    expect(await again.sessions.findByChannel('C1')).toBeNull();
    await again.close();
  });

  it('refuses a location no store keeps, with a clear error that hides the password', () => {
    let error: unknown;
    try {
      openStore('mysql://ic:s3cret-pw@db/ic');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/no store keeps "mysql:\/\/" locations/);
    expect((error as ConfigError).message).not.toContain('s3cret-pw');
    expect(describeLocation('postgres://ic:pw@db:5432/ic')).toBe('postgres://***@db:5432/ic');
  });

  it('from the command line: --db postgres://… where nothing listens fails with the reason, creating no folder named postgres:', () => {
    const result = spawnSync(
      process.execPath,
      [CLI, 'incidents', 'list', '--db', 'postgres://ic:s3cret-pw@127.0.0.1:1/ic'],
      {
        cwd: dir,
        env: { ...process.env, INCIDENT_COMMANDER_HOME: join(dir, 'home'), INCIDENT_COMMANDER_DB: '' },
        encoding: 'utf8',
        timeout: 15_000,
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/cannot reach PostgreSQL at 127\.0\.0\.1:1 \(ECONNREFUSED\)/);
    expect(result.stderr).not.toContain('s3cret-pw');
    expect(result.stdout).toBe('');
    expect(readdirSync(dir)).toEqual([]);
  });
});

describePostgres('openStore on PostgreSQL', (base) => {
  it('keeps the record at a postgres:// or postgresql:// URL, connecting on first use', async () => {
    const db = await freshDatabase(base);
    try {
      const stores = openStore(db.url);
      const inc = await stores.incidents.openIncident(draftIncident());
      await stores.sessions.save({
        id: 'chat-1',
        incidentId: inc.id,
        channel: null,
        data: { turns: [] },
        createdAt: inc.createdAt,
        updatedAt: inc.createdAt,
      });
      await stores.close();
      const again = openStore(db.url.replace(/^postgres:/, 'postgresql:'));
      expect((await again.incidents.getIncident('INC-1'))?.title).toBe(inc.title);
      expect((await again.sessions.findByIncident('INC-1'))?.id).toBe('chat-1');
      await again.close();
    } finally {
      await db.drop();
    }
  });

  it('from the command line: --db and INCIDENT_COMMANDER_DB name it; a command that only reads creates no schema', async () => {
    const db = await freshDatabase(base);
    try {
      const env = { INCIDENT_COMMANDER_HOME: join(dir, 'home'), INCIDENT_COMMANDER_DB: '' };
      const list = await runCli(['incidents', 'list', '--db', db.url], { env });
      expect(list.code).toBe(1);
      expect(list.stderr).toMatch(/no incident record in the PostgreSQL database ic_t_/);
      const opened = await runCli(['tools', 'call', 'open_incident', '{"title":"Checkout failing"}', '--db', db.url], {
        env,
      });
      expect(opened.code, opened.stderr).toBe(0);
      const listed = await runCli(['incidents', 'list', '--json'], { env: { ...env, INCIDENT_COMMANDER_DB: db.url } });
      expect(listed.code, listed.stderr).toBe(0);
      expect(JSON.parse(listed.stdout).map((i: { id: string }) => i.id)).toEqual(['INC-1']);
    } finally {
      await db.drop();
    }
  });
});
