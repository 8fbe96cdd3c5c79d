import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI } from '../../test/support/cli.js';
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

  it('refuses a postgres:// URL now, with a clear error that hides the password and writes nothing', () => {
    for (const url of ['postgres://ic:s3cret-pw@127.0.0.1:5432/ic', 'postgresql://ic:s3cret-pw@db/ic']) {
      let error: unknown;
      try {
        openStore(url);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toMatch(/PostgreSQL is not supported yet/);
      expect((error as ConfigError).message).not.toContain('s3cret-pw');
    }
    expect(() => openStore('mysql://db/ic')).toThrow(/no store keeps "mysql:\/\/" locations/);
    expect(describeLocation('postgres://ic:pw@db:5432/ic')).toBe('postgres://***@db:5432/ic');
  });

  it('from the command line: --db postgres://… fails with the reason instead of creating a folder named postgres:', () => {
    const result = spawnSync(process.execPath, [CLI, 'incidents', 'list', '--db', 'postgres://ic@127.0.0.1:5432/ic'], {
      cwd: dir,
      env: { ...process.env, INCIDENT_COMMANDER_HOME: join(dir, 'home'), INCIDENT_COMMANDER_DB: '' },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/PostgreSQL is not supported yet/);
    expect(result.stdout).toBe('');
    expect(readdirSync(dir)).toEqual([]);
  });
});
