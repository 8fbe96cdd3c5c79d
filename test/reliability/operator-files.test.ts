/**
 * Files the operator points the commander at, as the shipped CLI reads them (real processes):
 * a FIFO or a folder where a file belongs must be an error that names it, never a hung process.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

let home: string;
let env: Record<string, string>;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'ic-operator-files-'));
  env = { INCIDENT_COMMANDER_HOME: home, INCIDENT_COMMANDER_LOG_LEVEL: 'warn' };
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const fifo = (path: string): string => {
  execFileSync('mkfifo', [path]);
  return path;
};

describe('operator files that are not regular files (real CLI process)', () => {
  it('answers a FIFO configured as a deploy log with an error naming it, instead of hanging', async () => {
    fifo(join(home, 'deploys.jsonl'));
    writeFileSync(join(home, 'services.yaml'), 'services:\n  checkout:\n    deploy_log: ./deploys.jsonl\n');
    const result = await runCli(['tools', 'call', 'fetch_deploys', '{"service":"checkout"}'], {
      env,
      timeoutMs: 10_000,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`cannot read deploy log ${join(home, 'deploys.jsonl')}: not a regular file`);
  });

  it('refuses a FIFO or a folder given as SOUL.md, services.yaml or a runbook, naming the file', async () => {
    const soul = fifo(join(home, 'soul-fifo.md'));
    const bySoul = await runCli(['incidents', 'list', '--soul', soul], { env, timeoutMs: 10_000 });
    expect(bySoul.code).toBe(1);
    expect(bySoul.stderr).toContain(`${soul}: not a regular file (a FIFO, device or folder)`);

    const folder = join(home, 'services.d');
    mkdirSync(folder);
    const byServices = await runCli(['incidents', 'list', '--services', folder], { env, timeoutMs: 10_000 });
    expect(byServices.code).toBe(1);
    expect(byServices.stderr).toContain(`${folder}: not a regular file`);

    const runbooks = join(home, 'runbooks');
    mkdirSync(runbooks);
    fifo(join(runbooks, 'checkout.md'));
    const lint = await runCli(['runbooks', 'lint', '--runbooks', runbooks], { env, timeoutMs: 10_000 });
    expect(lint.stdout + lint.stderr).toContain(`${join(runbooks, 'checkout.md')}: not a regular file`);
  });
});
