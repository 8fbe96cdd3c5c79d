import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../src/config/package-root.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The shipped bin: the bundle that `npx incident-commander` runs. */
export const CLI = join(packageRoot(), 'dist', 'bin', 'incident-commander.js');

/** Runs the built CLI as a real child process (argument array, no shell). */
export function runCli(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`CLI timed out: ${args.join(' ')}\n${stderr}`));
    }, options.timeoutMs ?? 15_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
