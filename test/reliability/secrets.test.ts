/**
 * Secrets never leave the process in anything it writes: the Anthropic API key, the MCP bearer
 * token, and the Authorization / x-api-key headers that carry them. Real processes (the built
 * CLI) and real loggers run at trace level (the SDK's own logging at debug) with a known random
 * secret; everything they produce — stderr, stdout, every file written (SQLite database with its
 * sessions table, eval transcripts, reports) — is scanned for the secret, its random core, and
 * their base64 forms at every alignment. The fake Messages API shows the secret was really in use.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { ClaudeModel } from '../../src/agent/claude-model.js';
import { ModelUnavailableError } from '../../src/agent/types.js';
import { createLogger, scrubSecrets } from '../../src/core/logger.js';
import { CLI, runCli, type CliResult } from '../support/cli.js';
import { startFakeAnthropic, type FakeAnthropic, type FakeStep, type RecordedBody } from '../support/fake-anthropic.js';
import { recordFigures } from '../support/figures.js';

/** A secret with a random core that appears nowhere else. */
function secret(prefix: string): { value: string; core: string } {
  const core = randomBytes(24).toString('hex');
  return { value: `${prefix}${core}`, core };
}

/** The secret, its random core, and the base64 (and base64url) forms of both at each of the three byte alignments. */
function needles(s: { value: string; core: string }): string[] {
  const out = new Set<string>([s.value, s.core]);
  for (const text of [s.value, s.core, `Bearer ${s.value}`]) {
    const bytes = Buffer.from(text);
    for (let k = 0; k < 3; k++) {
      const n = Math.floor((bytes.length - k) / 3) * 3;
      const b64 = bytes.subarray(k, k + n).toString('base64');
      out.add(b64);
      out.add(b64.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return [...out];
}

interface Output {
  name: string;
  data: Buffer;
}

const figures: {
  outputsScanned: number;
  bytesScanned: number;
  hits: number;
  processesRun: number;
  secretsUsedOnTheWire: number;
} = {
  outputsScanned: 0,
  bytesScanned: 0,
  hits: 0,
  processesRun: 0,
  secretsUsedOnTheWire: 0,
};
afterAll(() => recordFigures('secrets', figures));

/** Which outputs hold any needle of the secrets, as "output (N forms)" — never the secret itself (empty is the pass). */
function secretsIn(outputs: readonly Output[], secrets: readonly { value: string; core: string }[]): string[] {
  const all = secrets.flatMap(needles);
  return outputs.flatMap((o) => {
    const found = all.filter((n) => o.data.includes(Buffer.from(n))).length;
    return found ? [`${o.name} (${found} form${found > 1 ? 's' : ''})`] : [];
  });
}

/** Scans every output for every needle, counting what was scanned; returns the hits (empty is the pass). */
function scan(outputs: readonly Output[], secrets: readonly { value: string; core: string }[]): string[] {
  const hits = secretsIn(outputs, secrets);
  figures.outputsScanned += outputs.length;
  figures.bytesScanned += outputs.reduce((n, o) => n + o.data.length, 0);
  figures.hits += hits.length;
  return hits;
}

/** Every file under a folder, as written (the SQLite database, its WAL, transcripts, reports). */
function filesUnder(dir: string): Output[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((p) => statSync(p).isFile())
    .map((p) => ({ name: p.slice(dir.length + 1), data: readFileSync(p) }));
}

const cliOutputs = (label: string, r: CliResult): Output[] => [
  { name: `${label} stdout`, data: Buffer.from(r.stdout) },
  { name: `${label} stderr`, data: Buffer.from(r.stderr) },
];

const API_KEY = secret('sk-ant-api03-');
const MCP_TOKEN = secret('mcp-token-');

let home: string;
let fake: FakeAnthropic;
/** The environment of every child: nothing inherited that names a key or a home; everything logged. */
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  home = mkdtempSync(join(tmpdir(), 'ic-secrets-'));
  fake = await startFakeAnthropic();
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(?:ANTHROPIC_|INCIDENT_COMMANDER_)/.test(k)),
  );
  env = {
    ...inherited,
    INCIDENT_COMMANDER_HOME: home,
    INCIDENT_COMMANDER_LOG_LEVEL: 'trace',
    ANTHROPIC_LOG: 'debug',
    ANTHROPIC_API_KEY: API_KEY.value,
    ANTHROPIC_BASE_URL: fake.url,
    INCIDENT_COMMANDER_MAX_RETRIES: '1',
    INCIDENT_COMMANDER_STREAM_RETRIES: '1',
    INCIDENT_COMMANDER_RETRY_BACKOFF_MS: '1',
  };
});
afterEach(async () => {
  await fake.close();
  rmSync(home, { recursive: true, force: true });
});

/** The key reached the fake on the wire: proof the process held it and used it, so a clean scan means something. */
function expectKeyOnTheWire(): void {
  const sent = fake.requests.filter((r) =>
    String(r.headers['authorization'] ?? r.headers['x-api-key'] ?? '').includes(API_KEY.value),
  );
  expect(sent.length).toBeGreaterThan(0);
  figures.secretsUsedOnTheWire += sent.length;
}

/** A server or proxy that echoes the credentials it received in its error text. */
const echo = (status: number, errorType: string): FakeStep => ({
  kind: 'http_error',
  status,
  errorType,
  message: `rejected credentials: authorization: Bearer ${API_KEY.value}; x-api-key: ${API_KEY.value}; b64 ${Buffer.from(API_KEY.value).toString('base64')}`,
});

async function ask(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  figures.processesRun++;
  return runCli(['ask', ...args], { env: { ...env, ...extraEnv }, timeoutMs: 15_000 });
}

describe('the API key: ask (sessions table included) and eval transcripts (real processes, trace logs)', () => {
  it('a turn with tool calls, then a resumed turn: nothing in stdout, stderr, the --json output or the SQLite file (sessions table included)', async () => {
    fake.enqueue(
      {
        kind: 'message',
        content: [
          {
            type: 'tool_use',
            name: 'open_incident',
            input: { title: 'Checkout down', description: "customers can't check out" },
          },
        ],
      },
      { kind: 'message', content: [{ type: 'text', text: 'INC-1 is open. Severity SEV1.' }] },
      { kind: 'message', content: [{ type: 'tool_use', name: 'get_incident', input: { incidentId: 'INC-1' } }] },
      { kind: 'message', content: [{ type: 'text', text: 'Still SEV1.' }] },
    );
    const first = await ask(['--json', "Our payment API is returning 500 errors and customers can't check out"]);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ incidentId: 'INC-1', fellBack: false });
    const second = await ask(['--json', '--incident', 'INC-1', 'status?']);
    expect(second.code, second.stderr).toBe(0);
    expectKeyOnTheWire();
    // The logs were really on: trace lines from the run, and the SDK's own debug lines.
    expect(first.stderr).toMatch(/"level":(?:10|20)/);
    expect(first.stderr).toContain('"component":"anthropic-sdk"');
    const files = filesUnder(home);
    expect(files.map((f) => f.name)).toContain('state.db');
    expect(scan([...cliOutputs('ask 1', first), ...cliOutputs('ask 2', second), ...files], [API_KEY])).toEqual([]);
  });

  it('error paths: a plain 401, a 401 that echoes the credentials, and 500s that echo them until the playbook takes over', async () => {
    // One answer per message, so the three processes run at once.
    fake.setResponder((body: RecordedBody): FakeStep => {
      const said = JSON.stringify(body.messages ?? []);
      if (said.includes('plain-401'))
        return { kind: 'http_error', status: 401, errorType: 'authentication_error', message: 'invalid x-api-key' };
      if (said.includes('echo-401')) return echo(401, 'authentication_error');
      return echo(500, 'api_error');
    });
    const [plain, echoed, fellBack] = await Promise.all([
      ask(['plain-401']),
      ask(['--json', 'echo-401']),
      // 500 on both attempts (INCIDENT_COMMANDER_MAX_RETRIES=1): the fallback notice quotes the error, and the warning logs it.
      ask(['--json', "Our payment API is returning 500 errors and customers can't check out"]),
    ]);
    // A refused key: the playbook answers, and the notice names the variable and quotes the API, scrubbed.
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).toContain('ANTHROPIC_API_KEY was rejected (401: invalid x-api-key)');
    expect(echoed.code, echoed.stderr).toBe(0);
    expect(echoed.stderr).toContain(
      'ANTHROPIC_API_KEY was rejected (401: rejected credentials: authorization: Bearer [redacted]',
    );
    expect(fellBack.code, fellBack.stderr).toBe(0);
    expect(JSON.parse(fellBack.stdout)).toMatchObject({ fellBack: true, model: 'offline-playbook' });
    expect(fellBack.stderr).toMatch(/Claude is unavailable: 500 .*\[redacted\]/);
    expect(fellBack.stderr).toContain('falling back to the offline playbook');
    expectKeyOnTheWire();
    expect(
      scan(
        [
          ...cliOutputs('401', plain),
          ...cliOutputs('401 echo', echoed),
          ...cliOutputs('500 echo', fellBack),
          ...filesUnder(home),
        ],
        [API_KEY],
      ),
    ).toEqual([]);
  });

  it('eval --target anthropic --record: transcripts, --json and --junit reports, stdout and stderr — on a clean run and on a run whose model errors echo the key', async () => {
    const judge = JSON.stringify({ verdict: 'pass', score: 0.9, reasons: ['states SEV1 and roles'] });
    let echoing = false;
    fake.setResponder((body: RecordedBody): FakeStep => {
      if (body.stream !== true) return { kind: 'message', content: [{ type: 'text', text: judge }] };
      if (echoing) return echo(500, 'api_error');
      return {
        kind: 'message',
        content: [
          { type: 'text', text: '**Severity: SEV1** — paging the on-call IC. Roles: IC you. What do the logs show?' },
        ],
      };
    });
    const out = join(home, 'out');
    const run = async (dir: string): Promise<CliResult> => {
      figures.processesRun++;
      return runCli(
        [
          'eval',
          '--target',
          'anthropic',
          '--filter',
          '^seed-payment-outage$',
          '--record',
          join(out, dir),
          '--json',
          join(out, `${dir}.json`),
          '--junit',
          join(out, `${dir}.xml`),
        ],
        {
          env: { ...env, INCIDENT_COMMANDER_MAX_RETRIES: '0' },
          timeoutMs: 20_000,
        },
      );
    };
    const clean = await run('clean');
    expect(clean.stdout).toContain('seed-payment-outage');
    echoing = true;
    const failing = await run('echo');
    const transcript = readFileSync(join(out, 'echo', readdirSync(join(out, 'echo'))[0]!), 'utf8');
    expect(transcript).toMatch(/"error": "ModelUnavailableError: Claude is unavailable: 500 .*\[redacted\]/);
    expectKeyOnTheWire();
    expect(fake.requests.some((r) => r.body.stream !== true)).toBe(true);
    expect(
      scan([...cliOutputs('eval clean', clean), ...cliOutputs('eval echo', failing), ...filesUnder(out)], [API_KEY]),
    ).toEqual([]);
  });
});

describe('the LLM judge', () => {
  // The judge puts the SDK's error text into the verdict ("judge could not decide: 401 {…}"), which the
  // report prints to stdout and writes to --json: a server or proxy that echoes the key must not put it there.
  it('a judge error that echoes the key stays out of the eval report', async () => {
    fake.setResponder(
      (body: RecordedBody): FakeStep =>
        body.stream === true
          ? { kind: 'message', content: [{ type: 'text', text: '**Severity: SEV1**. What do the logs show?' }] }
          : echo(401, 'authentication_error'),
    );
    const report = join(home, 'report.json');
    const r = await runCli(['eval', '--target', 'anthropic', '--filter', '^seed-payment-outage$', '--json', report], {
      env: { ...env, INCIDENT_COMMANDER_MAX_RETRIES: '0' },
      timeoutMs: 20_000,
    });
    expect(r.stderr).not.toContain(API_KEY.value);
    const outputs = [...cliOutputs('eval judge echo', r), { name: 'report.json', data: readFileSync(report) }];
    const hits = secretsIn(outputs, [API_KEY]);
    expect(hits).toEqual([]);
  });
});

describe('the MCP bearer token (mcp --http, real process, trace logs)', () => {
  async function serve(
    args: readonly string[],
    extraEnv: NodeJS.ProcessEnv,
  ): Promise<{ url: string; stop(): Promise<{ stdout: string; stderr: string; code: number | null }> }> {
    figures.processesRun++;
    const child = spawn(process.execPath, [CLI, 'mcp', '--http', '--host', '127.0.0.1', '--port', '0', ...args], {
      env: { ...env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`mcp did not start: ${stderr}`)), 10_000);
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /listening on (http:\/\/\S+)/.exec(stderr);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.on('exit', () => reject(new Error(`mcp exited: ${stderr}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    return {
      url,
      async stop() {
        child.kill('SIGTERM');
        const code = await exited;
        return { stdout, stderr, code };
      },
    };
  }

  const INIT = {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'secrets-test', version: '1' } },
  };
  const post = (url: string, headers: Record<string, string>, body: unknown): Promise<Response> =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it.each([
    ['--token', (t: string) => ({ args: ['--token', t], env: {} })],
    [
      'INCIDENT_COMMANDER_MCP_TOKEN',
      (t: string) => ({ args: [] as string[], env: { INCIDENT_COMMANDER_MCP_TOKEN: t } }),
    ],
  ])(
    'token from %s: refused, wrong, right and malformed requests leave it in no log line, reply or file',
    async (_from, how) => {
      const setup = how(MCP_TOKEN.value);
      const server = await serve(setup.args, setup.env);
      const bearer = { authorization: `Bearer ${MCP_TOKEN.value}` };
      const replies: string[] = [];
      const record = async (r: Response): Promise<Response> => {
        replies.push(`${r.status} ${JSON.stringify([...r.headers])} ${await r.clone().text()}`);
        return r;
      };
      // No token, a wrong one, the API key by mistake, the token in the wrong header, a near miss.
      expect((await record(await post(server.url, {}, INIT))).status).toBe(401);
      expect(
        (await record(await post(server.url, { authorization: 'Bearer wrong-token-0123456789abcdef' }, INIT))).status,
      ).toBe(401);
      expect(
        (
          await record(
            await post(server.url, { authorization: `Bearer ${API_KEY.value}`, 'x-api-key': API_KEY.value }, INIT),
          )
        ).status,
      ).toBe(401);
      expect((await record(await post(server.url, { 'x-api-key': MCP_TOKEN.value }, INIT))).status).toBe(401);
      expect((await record(await post(server.url, { authorization: `Bearer ${MCP_TOKEN.value}x` }, INIT))).status).toBe(
        401,
      );
      // The right token: a session, a tool call that writes, a malformed body, an unknown session.
      const init = await record(await post(server.url, bearer, INIT));
      expect(init.status).toBe(200);
      const session = init.headers.get('mcp-session-id')!;
      expect(session).toBeTruthy();
      const headers = { ...bearer, 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' };
      await record(await post(server.url, headers, { jsonrpc: '2.0', method: 'notifications/initialized' }));
      const call = await record(
        await post(server.url, headers, {
          jsonrpc: '2.0',
          id: 2,
          method: 'tools/call',
          params: { name: 'open_incident', arguments: { title: 'Checkout down', description: 'customers cannot pay' } },
        }),
      );
      expect(call.status).toBe(200);
      expect(await call.text()).toContain('INC-1');
      expect((await record(await post(server.url, headers, '{"jsonrpc": "2.0", oops'))).status).toBe(400);
      expect(
        (
          await record(
            await post(
              server.url,
              { ...bearer, 'mcp-session-id': 'no-such-session' },
              { jsonrpc: '2.0', id: 3, method: 'tools/list' },
            ),
          )
        ).status,
      ).toBe(404);
      const done = await server.stop();
      expect(done.code).toBe(0);
      expect(done.stderr).toContain('request refused');
      expect(done.stderr).toMatch(/"level":(?:10|20|30)/);
      const outputs: Output[] = [
        { name: 'mcp stdout', data: Buffer.from(done.stdout) },
        { name: 'mcp stderr', data: Buffer.from(done.stderr) },
        { name: 'http replies', data: Buffer.from(replies.join('\n')) },
        ...filesUnder(home),
      ];
      // The replies may not echo the token either (they are what a client, or a proxy log, keeps).
      expect(scan(outputs, [MCP_TOKEN, API_KEY])).toEqual([]);
    },
  );
});

describe('the logger itself (in process, trace level)', () => {
  function capture(): { lines: () => string; destination: Writable } {
    let out = '';
    const destination = new Writable({
      write(chunk: Buffer, _enc, cb) {
        out += chunk.toString();
        cb();
      },
    });
    return { lines: () => out, destination };
  }

  it('a secret in any field, at any depth, in a message, an error or a child binding, raw or base64, is redacted', () => {
    const key = secret('plain-looking-');
    const token = secret('tok_');
    const sink = capture();
    const logger = createLogger({
      level: 'trace',
      destination: sink.destination as never,
      env: { ANTHROPIC_API_KEY: key.value, INCIDENT_COMMANDER_MCP_TOKEN: token.value },
    });
    const b64 = Buffer.from(`user:${key.value}`).toString('base64');
    logger.trace({ apiKey: key.value, token: token.value, ANTHROPIC_API_KEY: key.value }, 'config');
    logger.debug(
      { headers: { authorization: `Bearer ${token.value}`, 'x-api-key': key.value, cookie: `s=${token.value}` } },
      'request',
    );
    logger.info(
      {
        req: {
          headers: {
            authorization: `Bearer ${key.value}`,
            'x-api-key': key.value,
            'proxy-authorization': `Basic ${b64}`,
          },
        },
      },
      'request',
    );
    logger.warn(
      { a: { b: { c: { headers: { authorization: `Bearer ${token.value}` } }, list: [{ 'x-api-key': key.value }] } } },
      'deep',
    );
    logger.error(
      {
        err: Object.assign(new Error(`401 from proxy: authorization: Bearer ${key.value}`), {
          headers: { authorization: `Bearer ${key.value}` },
        }),
      },
      'failed',
    );
    logger.info(`message with the key ${key.value} and the token ${token.value}`);
    logger.info('console-style %s %o', key.value, { token: token.value });
    logger
      .child({ apiKey: key.value, auth: `Bearer ${token.value}` })
      .info({ env: { ANTHROPIC_API_KEY: key.value, INCIDENT_COMMANDER_MCP_TOKEN: token.value } }, 'child');
    logger.fatal({ raw: b64, url: `http://x/?key=${key.value}` }, 'base64 and url');
    const out = sink.lines();
    expect(out.split('\n').filter(Boolean)).toHaveLength(9);
    expect(out).toContain('[redacted]');
    expect(scan([{ name: 'logger', data: Buffer.from(out) }], [key, token])).toEqual([]);
    // Scrubbing keeps every line valid JSON.
    for (const line of out.split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('ClaudeModel with the SDK at debug: a 401 echoing the key gives an error, and logs, without it', async () => {
    const before = process.env['ANTHROPIC_LOG'];
    process.env['ANTHROPIC_LOG'] = 'debug';
    onTestFinished(() => {
      if (before === undefined) delete process.env['ANTHROPIC_LOG'];
      else process.env['ANTHROPIC_LOG'] = before;
    });
    const key = secret('sk-ant-api03-');
    const sink = capture();
    const logger = createLogger({ level: 'trace', destination: sink.destination as never, env: {} });
    const model = new ClaudeModel({
      apiKey: key.value,
      baseURL: fake.url,
      maxRetries: 1,
      timeoutMs: 3000,
      streamRetries: 1,
      backoffMs: 1,
      logger,
    });
    fake.enqueue(
      {
        kind: 'http_error',
        status: 429,
        errorType: 'rate_limit_error',
        retryAfterSeconds: 0.01,
        message: `slow down ${key.value}`,
      },
      {
        kind: 'http_error',
        status: 401,
        errorType: 'authentication_error',
        message: `bad key ${key.value} (authorization: Bearer ${key.value})`,
      },
    );
    const error = await model
      .respond(
        {
          model: 'claude-x',
          maxTokens: 16,
          temperature: undefined,
          system: 's',
          tools: [],
          messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
          context: { now: '2026-11-26T14:00:00.000Z', actor: 'test', incident: null },
        },
        { onText: () => undefined },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect(error).toMatchObject({ kind: 'auth', status: 401 });
    expect(fake.requests.map((r) => r.headers['authorization'])).toEqual([
      `Bearer ${key.value}`,
      `Bearer ${key.value}`,
    ]);
    figures.secretsUsedOnTheWire += 2;
    const text = (error as Error).message;
    expect(text).toContain('bad key [redacted]');
    expect(sink.lines()).toContain('"component":"anthropic-sdk"');
    expect(
      scan(
        [
          { name: 'error', data: Buffer.from(text) },
          { name: 'logs', data: Buffer.from(sink.lines()) },
        ],
        [key],
      ),
    ).toEqual([]);
    // And text scrubbed for people keeps what is not secret.
    expect(scrubSecrets('401 rate limited, see the Basic plan; token budget 4000')).toBe(
      '401 rate limited, see the Basic plan; token budget 4000',
    );
  });
});
