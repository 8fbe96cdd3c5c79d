/**
 * Runs the official MCP conformance suite (@modelcontextprotocol/conformance 0.1.13, server mode)
 * against a real `incident-commander mcp --http` process on loopback.
 * Every scenario that judges a server without the suite's own fixtures must pass; the fixture
 * scenarios are listed, with reasons, in scripts/conformance-expected-failures.yaml.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { packageRoot } from '../src/config/package-root.js';

const REQUIRED = [
  'server-initialize',
  'ping',
  'logging-set-level',
  'tools-list',
  'resources-list',
  'prompts-list',
  'server-sse-multiple-streams',
  'dns-rebinding-protection',
];

const root = packageRoot();
const baseline = join(root, 'scripts', 'conformance-expected-failures.yaml');
const expected = readFileSync(baseline, 'utf8');
const wronglyExcused = REQUIRED.filter((s) => new RegExp(`^\\s*-\\s*${s}\\b`, 'm').test(expected));
if (wronglyExcused.length) {
  process.stderr.write(`conformance: ${wronglyExcused.join(', ')} must pass and may not be listed in ${baseline}\n`);
  process.exit(1);
}

const require = createRequire(import.meta.url);
const suite = join(dirname(require.resolve('@modelcontextprotocol/conformance/package.json')), 'dist', 'index.js');
const home = mkdtempSync(join(tmpdir(), 'ic-conformance-'));

const server = spawn(
  process.execPath,
  [join(root, 'dist', 'bin', 'incident-commander.js'), 'mcp', '--http', '--port', '0'],
  {
    env: { ...process.env, INCIDENT_COMMANDER_HOME: home, INCIDENT_COMMANDER_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  },
);
const url = await new Promise<string>((resolve, reject) => {
  let err = '';
  const timer = setTimeout(() => reject(new Error(`server did not start:\n${err}`)), 15_000);
  server.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    const m = /listening on (http:\/\/\S+)/.exec(err);
    if (m) {
      clearTimeout(timer);
      resolve(m[1]!.replace('127.0.0.1', 'localhost'));
    }
  });
  server.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${err}`)));
});
process.stderr.write(`conformance: testing ${url}\n`);

const code = await new Promise<number>((resolve) => {
  const run = spawn(process.execPath, [suite, 'server', '--url', url, '--expected-failures', baseline], {
    stdio: 'inherit',
    cwd: home,
  });
  run.on('exit', (c) => resolve(c ?? 1));
});
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
rmSync(home, { recursive: true, force: true });
process.stderr.write(
  code === 0
    ? `conformance: all ${REQUIRED.length} server scenarios that apply pass; fixture scenarios excused as listed.\n`
    : 'conformance: FAILED\n',
);
process.exit(code);
