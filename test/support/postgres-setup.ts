import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { packageRoot } from '../../src/config/package-root.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL URL the tests may create databases through; null when none could be had. */
    postgresUrl: string | null;
  }
}

const SCRIPT = join(packageRoot(), 'scripts', 'test-postgres.sh');

/**
 * Global setup: the PostgreSQL the tests use. IC_TEST_POSTGRES_URL names one (CI starts a cluster
 * and exports it); otherwise a throwaway cluster is started for this run (scripts/test-postgres.sh)
 * and stopped after it. Where none can be had, the PostgreSQL tests are skipped with a loud notice,
 * unless IC_REQUIRE_POSTGRES=1 (CI), where that is a failure.
 */
export default function setup(project: TestProject): (() => void) | undefined {
  const given = process.env['IC_TEST_POSTGRES_URL'];
  if (given) {
    project.provide('postgresUrl', given);
    return undefined;
  }
  const started = spawnSync('bash', [SCRIPT, 'start'], { encoding: 'utf8', timeout: 90_000 });
  const url = /^URL=(.+)$/m.exec(started.stdout ?? '')?.[1];
  const dir = /^DIR=(.+)$/m.exec(started.stdout ?? '')?.[1];
  if (started.status !== 0 || !url || !dir) {
    const why = (started.stderr || started.error?.message || `exit ${started.status}`).trim();
    if (process.env['IC_REQUIRE_POSTGRES'] === '1')
      throw new Error(`IC_REQUIRE_POSTGRES=1 but no PostgreSQL could be started: ${why}`);
    process.stderr.write(
      `\n${'!'.repeat(100)}\n!! PostgreSQL tests SKIPPED: no PostgreSQL could be started (${why}).\n!! Install the postgresql package (apt-get install -y postgresql) or set IC_TEST_POSTGRES_URL.\n${'!'.repeat(100)}\n\n`,
    );
    project.provide('postgresUrl', null);
    return undefined;
  }
  project.provide('postgresUrl', url);
  return () => {
    spawnSync('bash', [SCRIPT, 'stop', dir], { encoding: 'utf8', timeout: 60_000 });
  };
}
