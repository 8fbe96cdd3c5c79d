import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/config/package-root.js';
import { CLI, runCli } from '../support/cli.js';

const PAYMENT = "Our payment API is returning 500 errors and customers can't check out";
const BANNER = /^incident-commander — offline playbook \(--offline\)\./m;
/** How the playbook's reply to the payment report ends (its closing question). */
const REPORT_REPLY_END = /What do your error logs show\?\n/;

let home: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'ic-chat-'));
  env = {
    ...process.env,
    INCIDENT_COMMANDER_HOME: home,
    INCIDENT_COMMANDER_SOUL: '',
    INCIDENT_COMMANDER_SERVICES: '',
    INCIDENT_COMMANDER_ROSTER: '',
    INCIDENT_COMMANDER_SEVERITY: '',
    INCIDENT_COMMANDER_DB: '',
  };
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

/** A `chat` child process with piped (non-TTY) stdio, read incrementally. */
class Chat {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  code: number | null | undefined = undefined;
  private readonly closed: Promise<number | null>;

  constructor(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, [CLI, 'chat', '--offline', ...args], {
      env: { ...env, ...extraEnv },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.closed = new Promise((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('close', (code) => {
        this.code = code;
        resolve(code);
      });
    });
  }

  /** Writes raw text to stdin in a single write (several lines arrive as one paste). */
  send(text: string): void {
    this.child.stdin.write(text);
  }

  /** Waits until `pattern` matches the stream after offset `from`; returns the matched text. */
  async waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, from = 0, timeoutMs = 5_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = pattern.exec(this[stream].slice(from));
      if (m) return m[0];
      if (this.code !== undefined)
        throw new Error(
          `chat exited (${this.code}) before ${stream} matched ${pattern}\n--- stdout\n${this.stdout}\n--- stderr\n${this.stderr}`,
        );
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting for ${stream} to match ${pattern}\n--- stdout\n${this.stdout}\n--- stderr\n${this.stderr}`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Waits for the process to exit, killing it after the deadline. */
  async exit(timeoutMs = 5_000): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `chat did not exit within ${timeoutMs} ms\n--- stdout\n${this.stdout}\n--- stderr\n${this.stderr}`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  kill(): void {
    if (this.code === undefined) this.child.kill('SIGKILL');
  }
}

const count = (text: string, needle: string): number => text.split(needle).length - 1;

/** Opens INC-1 in a chat, asks /status, quits; returns the finished chat. */
async function reportThenStatus(extraEnv: NodeJS.ProcessEnv = {}): Promise<Chat> {
  const chat = new Chat([], extraEnv);
  try {
    await chat.waitFor('stdout', BANNER);
    chat.send(`${PAYMENT}\n`);
    await chat.waitFor('stdout', REPORT_REPLY_END);
    const mark = chat.stdout.length;
    chat.send('/status\n');
    await chat.waitFor('stdout', /^ {2}Scribe: .*$/m, mark);
    chat.send('/quit\n');
    expect(await chat.exit()).toBe(0);
    return chat;
  } finally {
    chat.kill();
  }
}

describe('chat --offline (real process, piped stdin)', () => {
  it('answers a report with SEV1, shows /status with the incident and its roles, and keeps logs off stdout', async () => {
    // Debug logging on: every log line must still go to stderr.
    const chat = await reportThenStatus({ INCIDENT_COMMANDER_LOG_LEVEL: 'debug' });
    const out = chat.stdout;
    const [beforeStatus, status = ''] = out.split(/^(?=INC-1 .* — SEV1, investigating$)/m);
    expect(beforeStatus).toMatch(/Initiating incident response: \*\*INC-1\*\*/);
    expect(beforeStatus).toMatch(/\*\*Severity: SEV1\*\*/);
    expect(count(out, 'Initiating incident response')).toBe(1);

    expect(status).toMatch(
      /^INC-1 Payment API is returning 500 errors and customers can't check out — SEV1, investigating$/m,
    );
    for (const title of ['Incident Commander', 'Communications Lead', 'Technical Lead', 'Scribe'])
      expect(status).toMatch(new RegExp(`^ {2}${title}: \\S`, 'm'));
    expect(status).toMatch(/^ {2}Technical Lead: NEEDED — Need an engineer with payment-api ownership$/m);
    expect(status).toMatch(/^ {2}customer update due (?:\d{4}-\d{2}-\d{2} )?\d{2}:\d{2} UTC$/m);

    // stdout: the banner, the reply and /status only — no JSON log lines, no tool-call notices.
    const lines = out.split('\n');
    expect(lines.filter((l) => l.trimStart().startsWith('{'))).toEqual([]);
    expect(out).not.toContain('↳');
    expect(out).not.toMatch(/"level":/);
    // stderr holds the notices (tool calls, attention) and the JSON logs.
    expect(chat.stderr).toContain('↳ classify_severity');
    expect(chat.stderr).toContain('↳ assign_roles');
    expect(chat.stderr).toMatch(/"level":\d+/);
  });

  it('a second process resumes the incident with --incident INC-1', async () => {
    await reportThenStatus();
    const chat = new Chat(['--incident', 'INC-1']);
    try {
      const banner = await chat.waitFor('stdout', /^incident-commander — .*$/m);
      expect(banner).toContain('Resumed INC-1.');
      const mark = chat.stdout.length;
      chat.send('/incident\n');
      expect(await chat.waitFor('stdout', /^Active incident: .*$/m, mark)).toBe('Active incident: INC-1');
      chat.send('/quit\n');
      expect(await chat.exit()).toBe(0);
      // /incident is a command, not a message: no turn ran.
      expect(chat.stderr).not.toContain('↳');
    } finally {
      chat.kill();
    }
  });

  it('answers a multi-line paste once', async () => {
    const chat = new Chat([]);
    try {
      await chat.waitFor('stdout', BANNER);
      chat.send("Our payment API is returning 500 errors\nand customers can't check out\n");
      await chat.waitFor('stdout', REPORT_REPLY_END);
      // Any second turn from the paste would be queued before /quit and show up before exit.
      chat.send('/quit\n');
      expect(await chat.exit()).toBe(0);
    } finally {
      chat.kill();
    }
    expect(count(chat.stdout, 'Initiating incident response')).toBe(1);
    expect(chat.stdout).not.toContain('Logged on the timeline');
    expect(count(chat.stderr, '↳ classify_severity')).toBe(1);
    expect(count(chat.stderr, '↳ open_incident')).toBe(1);
    // Both lines went into the one incident.
    const shown = await runCli(['tools', 'call', 'get_incident', '{"incidentId":"INC-1"}'], { env, timeoutMs: 10_000 });
    expect(shown.code, shown.stderr).toBe(0);
    const summary: unknown = JSON.parse(shown.stdout).output.incident.summary;
    expect(summary).toBe("Our payment API is returning 500 errors\nand customers can't check out");
  });

  it('picks up SOUL.md edits between turns', async () => {
    const soulFile = join(home, 'SOUL.md');
    copyFileSync(join(packageRoot(), 'SOUL.md'), soulFile);
    const original = readFileSync(soulFile, 'utf8');
    expect(original).toContain('hypothesis_timebox_minutes: 15');
    const chat = new Chat([]);
    try {
      await chat.waitFor('stdout', BANNER);
      chat.send(`${PAYMENT}\n`);
      await chat.waitFor('stdout', REPORT_REPLY_END);
      expect(chat.stdout).toContain('Time-box each hypothesis to 15 minutes');

      // Same size (15 -> 10), so make sure the mtime moves too.
      writeFileSync(soulFile, original.replace('hypothesis_timebox_minutes: 15', 'hypothesis_timebox_minutes: 10'));
      const later = new Date(Date.now() + 60_000);
      utimesSync(soulFile, later, later);

      // The next turn runs with the new persona, and says so on stderr.
      let mark = chat.stdout.length;
      chat.send("the first error in the log is a NullPointerException, so that's the root cause\n");
      const reply = await chat.waitFor(
        'stdout',
        /Maybe — but[\s\S]*on the timeline as H-\d+, time-boxed until [^\n]*\.\n/,
        mark,
      );
      expect(reply).toContain('time-boxed to 10 minutes');
      expect(reply).not.toContain('15 minutes');
      expect(chat.stderr).toMatch(/^SOUL\.md reloaded \([^)]+\)\.$/m);

      mark = chat.stdout.length;
      chat.send('/soul\n');
      const soul = await chat.waitFor('stdout', /^.*SOUL\.md \(.*$/m, mark);
      expect(soul.startsWith(soulFile)).toBe(true);
      expect(soul).toContain('time-box 10 min');
      expect(soul).toContain('post-mortem within 48 h');

      chat.send('/quit\n');
      expect(await chat.exit()).toBe(0);
    } finally {
      chat.kill();
    }
  });
});
