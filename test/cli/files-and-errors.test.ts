/**
 * What the shipped CLI leaves on disk and says when the machine is the problem: files private to
 * the operator whatever the umask, commands that only read never creating a database, and errors
 * that name the path or port and what to do (real child processes).
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { exitOf, startHttpProcess } from '../support/mcp-fixture.js';

const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);

let root: string;
let home: string;
let env: Record<string, string>;
let umask: number;
beforeAll(() => {
  // The umask that made the home folder 0755 and state.db 0644; children inherit it.
  umask = process.umask(0o022);
});
afterAll(() => void process.umask(umask));
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ic-files-'));
  home = join(root, 'home');
  env = { INCIDENT_COMMANDER_HOME: home, INCIDENT_COMMANDER_LOG_LEVEL: 'warn' };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const openIncident = (extra: string[] = []) =>
  runCli(['tools', 'call', 'open_incident', '{"title":"Checkout failing"}', ...extra], { env });

describe('files the commander writes are private to the operator', () => {
  it('creates the home folder 0700 and the database, its WAL and shared memory 0600 under umask 022', async () => {
    const server = await startHttpProcess({ ...env, PATH: process.env['PATH'] ?? '' });
    try {
      const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
      const init = await fetch(server.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 0,
          method: 'initialize',
          params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
        }),
      });
      await init.text();
      const call = await fetch(server.url, {
        method: 'POST',
        headers: {
          ...headers,
          'mcp-session-id': init.headers.get('mcp-session-id')!,
          'mcp-protocol-version': '2025-11-25',
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: { name: 'open_incident', arguments: { title: 'Checkout failing' } },
        }),
      });
      expect(call.status).toBe(200);
      await call.text();
      // While the server holds the database open, its WAL and shared-memory files exist too.
      expect(mode(home)).toBe('700');
      for (const file of ['state.db', 'state.db-wal', 'state.db-shm']) expect(mode(join(home, file)), file).toBe('600');
    } finally {
      server.child.kill('SIGTERM');
      await exitOf(server.child);
    }
  });

  it('writes post-mortem drafts 0600, also over an older file that was readable by others', async () => {
    expect((await openIncident()).code).toBe(0);
    const fresh = join(root, 'INC-1.md');
    expect((await runCli(['postmortem', 'INC-1', '--out', fresh], { env })).code).toBe(0);
    expect(mode(fresh)).toBe('600');
    const older = join(root, 'older.md');
    writeFileSync(older, 'old draft\n', { mode: 0o644 });
    chmodSync(older, 0o644);
    expect((await runCli(['postmortem', 'INC-1', '--out', older], { env })).code).toBe(0);
    expect(mode(older)).toBe('600');
  });

  it('tightens a database an older version left readable by others', async () => {
    expect((await openIncident()).code).toBe(0);
    chmodSync(join(home, 'state.db'), 0o644);
    expect((await runCli(['incidents', 'list'], { env })).code).toBe(0);
    expect(mode(join(home, 'state.db'))).toBe('600');
  });
});

describe('commands that only read never create a database', () => {
  it('names the missing database instead of creating an empty one, for every reading command', async () => {
    const typo = join(root, 'stat.db');
    for (const args of [
      ['incidents', 'list'],
      ['status'],
      ['postmortem', 'INC-1'],
      ['tools', 'call', 'get_incident', '{"incidentId":"INC-1"}'],
    ]) {
      const result = await runCli([...args, '--db', typo], { env });
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr + result.stdout, args.join(' ')).toContain(`no incident database at ${typo}`);
      expect(result.stderr, args.join(' ')).not.toContain('looks like a bug');
      expect(existsSync(typo), args.join(' ')).toBe(false);
    }
    expect((await openIncident(['--db', typo])).code).toBe(0);
    expect(existsSync(typo)).toBe(true);
  });
});

describe('errors about the environment name the path or port and what to do', () => {
  it('a damaged database, a home that cannot be created, a missing output folder', async () => {
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, 'state.db'), 'this is not a database, it is a shopping list\n'.repeat(200));
    const corrupt = await runCli(['incidents', 'list'], { env });
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toContain(`${join(home, 'state.db')} is not a readable SQLite database`);
    expect(corrupt.stderr).toContain('Restore it from a backup, or move it aside');
    expect(corrupt.stderr).not.toContain('looks like a bug');

    const blocker = join(root, 'a-file');
    writeFileSync(blocker, '');
    const unwritable = await runCli(['tools', 'call', 'open_incident', '{"title":"x"}'], {
      env: { ...env, INCIDENT_COMMANDER_HOME: join(blocker, 'home') },
    });
    expect(unwritable.code).toBe(1);
    expect(unwritable.stdout + unwritable.stderr).toContain(`cannot create the folder ${join(blocker, 'home')}`);
    expect(unwritable.stderr).not.toContain('looks like a bug');

    rmSync(join(home, 'state.db'));
    expect((await openIncident()).code).toBe(0);
    const out = join(root, 'no', 'such', 'folder', 'INC-1.md');
    const missing = await runCli(['postmortem', 'INC-1', '--out', out], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      `cannot write ${out}: the folder ${join(root, 'no', 'such', 'folder')} does not exist`,
    );
    expect(missing.stderr).not.toContain('looks like a bug');
  });

  it('a port already in use', async () => {
    const first = await startHttpProcess({ ...env, PATH: process.env['PATH'] ?? '' });
    try {
      const port = new URL(first.url).port;
      const second = await runCli(['mcp', '--http', '--port', port], { env });
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`cannot listen on 127.0.0.1:${port}: the port is already in use`);
      expect(second.stderr).toContain('--port 0 picks one');
    } finally {
      first.child.kill('SIGTERM');
      await exitOf(first.child);
    }
  });
});
