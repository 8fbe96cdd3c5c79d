import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, inject } from 'vitest';

/** The PostgreSQL the run has (see postgres-setup.ts), or null. */
export function postgresUrl(): string | null {
  return inject('postgresUrl');
}

/** `describe` where PostgreSQL is available; a skipped suite, named so, where it is not. */
export function describePostgres(name: string, body: (url: string) => void): void {
  const url = postgresUrl();
  if (url) describe(name, () => body(url));
  else describe.skip(`${name} (SKIPPED: no PostgreSQL, see the notice above)`, () => undefined);
}

/** The URL with another database in its path. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.href;
}

/** A new, empty database for one test, and how to drop it (connections to it are ended first). */
export async function freshDatabase(url: string): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `ic_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    // FILE_COPY: a third of the time of PostgreSQL 15’s default WAL_LOG copy for a small template.
    await admin.query(`CREATE DATABASE ${name} STRATEGY = FILE_COPY`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(url, name),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
