import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/config/package-root.js';
import { median, ms, ratio, table } from './stats.js';

function timeRun(args: string[], env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const elapsed = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return elapsed;
}

/** Cold start of the CLI, process spawn to exit, against a bare `node -e ""` in the same run. */
export function benchCli(runs: number): { markdown: string; data: Record<string, number> } {
  const home = mkdtempSync(join(tmpdir(), 'ic-bench-cli-'));
  const bin = join(packageRoot(), 'dist', 'bin', 'incident-commander.js');
  const env = { PATH: process.env['PATH'] ?? '', HOME: home, INCIDENT_COMMANDER_HOME: home };
  const ask = [bin, 'ask', '--offline', "Our payment API is returning 500 errors and customers can't check out"];
  try {
    timeRun(ask, env);
    const samples = { node: [] as number[], version: [] as number[], ask: [] as number[] };
    for (let i = 0; i < runs; i++) {
      samples.node.push(timeRun(['-e', ''], env));
      samples.version.push(timeRun([bin, '--version'], env));
      samples.ask.push(timeRun(ask, env));
    }
    const data = {
      nodeMs: median(samples.node),
      versionMs: median(samples.version),
      askOfflineMs: median(samples.ask),
    };
    const markdown = [
      `CLI cold start, spawn to exit, median of ${runs} runs; the reference is a bare \`node -e ""\` in the same run.`,
      '',
      table(
        ['command', 'time', 'bare node', 'ratio'],
        [
          [
            '`incident-commander --version`',
            `${ms(data.versionMs)} ms`,
            `${ms(data.nodeMs)} ms`,
            ratio(data.versionMs, data.nodeMs),
          ],
          [
            '`incident-commander ask --offline "<seed payment report>"`',
            `${ms(data.askOfflineMs)} ms`,
            `${ms(data.nodeMs)} ms`,
            ratio(data.askOfflineMs, data.nodeMs),
          ],
        ],
      ),
    ].join('\n');
    return { markdown, data };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
