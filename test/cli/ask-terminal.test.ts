/**
 * `ask` on a terminal (in process, with stderr marked as a TTY): a sign of life while Claude is
 * slow to answer, log lines kept out of the conversation (in a private file), and what the turn cost.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/run.js';
import { startFakeAnthropic, type FakeAnthropic } from '../support/fake-anthropic.js';

let home: string;
let fake: FakeAnthropic;
beforeEach(async () => {
  home = mkdtempSync(join(tmpdir(), 'ic-ask-tty-'));
  fake = await startFakeAnthropic();
});
afterEach(async () => {
  await fake.close();
  rmSync(home, { recursive: true, force: true });
});

function terminalIO(): CliIO & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
    readStdin: async () => '',
    env: {
      INCIDENT_COMMANDER_HOME: home,
      INCIDENT_COMMANDER_LOG_LEVEL: 'info',
      ANTHROPIC_API_KEY: 'sk-ant-test-terminal-0123456789',
      ANTHROPIC_BASE_URL: fake.url,
    } as NodeJS.ProcessEnv,
    cwd: home,
    stderrTTY: true,
  };
  return io;
}

describe('ask on a terminal', () => {
  it('shows a status line while Claude is slow, keeps log lines in a private file, and says what the turn cost', async () => {
    fake.enqueue({
      kind: 'message',
      content: [{ type: 'text', text: 'Severity: SEV2. Search is degraded for some users.' }],
      delayMs: 1_500,
      usage: { input_tokens: 900, output_tokens: 30 },
    });
    const io = terminalIO();
    expect(await runCli(['ask', 'search is slow for some users'], io)).toBe(0);
    expect(io.out).toBe('Severity: SEV2. Search is degraded for some users.\n');
    // The status line was drawn, then wiped before the reply and at the end.
    expect(io.err).toMatch(/waiting for Claude…/);
    expect(io.err).toContain('\r\x1b[2K');
    expect(io.out).not.toContain('waiting for');
    expect(io.out).not.toContain('\x1b');
    expect(io.err).toMatch(
      /\[incident-commander\] 900 input \+ 30 output tokens, about \$0\.0032 with claude-sonnet-5-5/,
    );
    // Log lines (the turn is logged at info) are in the file, not on the terminal.
    expect(io.err).not.toMatch(/"level":/);
    const log = join(home, 'logs', 'commander.log');
    expect(existsSync(log)).toBe(true);
    expect(readFileSync(log, 'utf8')).toMatch(/"msg":"turn"/);
    expect((statSync(log).mode & 0o777).toString(8)).toBe('600');
  });
});
