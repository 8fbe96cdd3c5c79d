import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/config/package-root.js';

/**
 * How much harder the reliability tests push: 1 by default (a few seconds each), more for a soak,
 * e.g. IC_SOAK=20 npm test. Bad values fail loudly rather than silently running the default.
 */
export function soak(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['IC_SOAK'];
  if (raw === undefined || raw === '') return 1;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 1 || n > 1000)
    throw new Error(`IC_SOAK must be a number from 1 to 1000, got "${raw}"`);
  return n;
}

/**
 * Records what a reliability test measured (inputs tried, kills survived, requests served, p99) in
 * .reliability-out/<name>.json, so the README's figures come from a real run, not from memory.
 */
export function recordFigures(name: string, figures: Record<string, unknown>): void {
  const dir = join(packageRoot(), '.reliability-out');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `${name}.json`),
    `${JSON.stringify({ name, at: new Date().toISOString(), soak: soak(), ...figures }, null, 2)}\n`,
  );
}
