import { z } from 'zod';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS } from './commands/index.js';
import { type CliIO, UsageError } from './io.js';
import { parseCommand } from './parse.js';
import { runCli } from './run.js';
import { commandHelp, type FlagSpecs, GLOBAL_FLAGS } from './spec.js';

const home = mkdtempSync(join(tmpdir(), 'ic-spec-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function fakeIO(): CliIO & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
    readStdin: async () => '',
    env: { INCIDENT_COMMANDER_HOME: home, INCIDENT_COMMANDER_DB: '' } as NodeJS.ProcessEnv,
    cwd: home,
  };
  return io;
}

function parseError(run: () => unknown): UsageError {
  try {
    run();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a usage error');
}

describe.each(COMMANDS.map((c) => [c.spec.path.join(' '), c] as const))(
  '%s: help and parser from one spec',
  (name, entry) => {
    const flags: FlagSpecs = { ...GLOBAL_FLAGS, ...entry.spec.flags };

    it('--help describes every flag of the spec, and the dispatcher prints that help', async () => {
      const help = commandHelp(entry.spec);
      for (const [flag, spec] of Object.entries(flags)) {
        expect(spec.description.length, `--${flag} has a description`).toBeGreaterThan(10);
        const line = help
          .split('\n')
          .find((l) => new RegExp(`^--${flag}(?: |$)`).test(l.trimStart().replace(/^-\w, /, '')));
        expect(line, `--${flag} in the help of ${name}`).toContain(spec.description);
      }
      const io = fakeIO();
      expect(await runCli([...entry.spec.path, '--help'], io)).toBe(0);
      expect(io.out).toBe(help);
    });

    it('parses exactly the flags the help lists: a near miss of each is refused with that flag suggested', async () => {
      for (const flag of Object.keys(flags)) {
        const error = parseError(() => parseCommand(entry.spec, [`--${flag}x`], z));
        expect(error.message).toBe(`unknown option --${flag}x (did you mean --${flag}?)`);
        expect(error.hint).toContain(`Usage: incident-commander ${name}`);
      }
      const io = fakeIO();
      expect(await runCli([...entry.spec.path, '--no-such-flag-at-all'], io)).toBe(2);
      expect(io.err).toMatch(/^error: unknown option --no-such-flag-at-all\n/);
      expect(io.err).toContain(`incident-commander ${name} --help`);
    });
  },
);

describe('the command line', () => {
  it('takes global options before the command as well as after it', async () => {
    const db = join(home, 'anywhere.db');
    // Commands that only read never create a database: this one makes it.
    expect(await runCli(['tools', 'call', 'open_incident', '{"title":"Checkout failing"}', '--db', db], fakeIO())).toBe(
      0,
    );
    const before = fakeIO();
    expect(await runCli(['--db', db, 'incidents', 'list', '--json'], before)).toBe(0);
    const after = fakeIO();
    expect(await runCli(['incidents', 'list', '--json', `--db=${db}`], after)).toBe(0);
    expect((JSON.parse(before.out) as { title: string }[]).map((i) => i.title)).toEqual(['Checkout failing']);
    expect(after.out).toBe(before.out);
  });

  it('suggests the command a typo meant', async () => {
    const io = fakeIO();
    expect(await runCli(['stauts'], io)).toBe(2);
    expect(io.err).toContain('unknown command "stauts"\nDid you mean `incident-commander status`?');
    const sub = fakeIO();
    expect(await runCli(['severity', 'lnit'], sub)).toBe(2);
    expect(sub.err).toContain('Did you mean `incident-commander severity lint`?');
    const none = fakeIO();
    expect(await runCli(['frobnicate'], none)).toBe(2);
    expect(none.err).not.toContain('Did you mean');
  });

  it('checks values with the flag schema and names the flag', () => {
    const status = COMMANDS.find((c) => c.spec.path.join(' ') === 'incidents list')!;
    expect(parseError(() => parseCommand(status.spec, ['--status', 'sideways'], z)).message).toMatch(/^--status: /);
    expect(parseCommand(status.spec, ['--status', 'open'], z).flags).toMatchObject({ status: 'open' });
  });
});
