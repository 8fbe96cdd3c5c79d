import { createHash } from 'node:crypto';
import type pg from 'pg';
import { ExternalError } from '../../core/errors.js';
import type { Row } from './pg-rows.js';

/** Runs one parameterised statement and returns its rows as arrays. */
export type Query = (sql: string, params?: readonly unknown[]) => Promise<Row[]>;

const names = new Map<string, string>();

/**
 * The same SQL text gets the same statement name, so each connection parses and plans it once
 * (node-postgres prepares a named statement per connection on first use). Dynamic queries have
 * few shapes, so the map stays small.
 */
function statementName(sql: string): string {
  let name = names.get(sql);
  if (!name) {
    name = `ic_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    names.set(sql, name);
  }
  return name;
}

/** A query function over one client (a transaction) or the pool (a single statement). */
export function queryOn(target: pg.Pool | pg.PoolClient): Query {
  return async (sql, params = []) => {
    const result = await target.query({ name: statementName(sql), text: sql, values: [...params], rowMode: 'array' });
    return result.rows as Row[];
  };
}

/** Where a connection string points, with no credentials: for errors and logs. */
export interface Target {
  host: string;
  port: string;
  database: string;
  user: string;
}

/** Host, port, database and user of a postgres:// URL (PostgreSQL's defaults where it names none). */
export function targetOf(url: string): Target {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { host: 'localhost', port: '5432', database: '', user: '' };
  }
  const user = decodeURIComponent(parsed.username) || process.env['PGUSER'] || process.env['USER'] || '';
  return {
    host: decodeURIComponent(parsed.hostname) || parsed.searchParams.get('host') || 'localhost',
    port: parsed.port || '5432',
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || user,
    user,
  };
}

/** The connection settings every pool and listener of the store uses. */
export function clientConfig(url: string): pg.ClientConfig {
  // The URL keeps sslmode, host, port, user, password and database; application_name shows in pg_stat_activity.
  return {
    connectionString: url,
    application_name: 'incident-commander',
    connectionTimeoutMillis: 10_000,
    // A write that waits this long for a lock or a slow disk fails instead of hanging a tool call.
    statement_timeout: 30_000,
    idle_in_transaction_session_timeout: 60_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
}

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET']);

/**
 * PostgreSQL's failures to connect, said as what the operator can fix. Errors of a statement
 * (constraint violations, NotFoundError from the store) pass through unchanged.
 */
export function describeConnectError(error: unknown, target: Target): unknown {
  const e = error as { code?: string; message?: string };
  const where = `${target.host}:${target.port}`;
  if (
    (e.code && CONNECT_CODES.has(e.code)) ||
    /timeout expired|Connection terminated due to connection timeout/i.test(e.message ?? '')
  )
    return new ExternalError(
      `cannot reach PostgreSQL at ${where} (${e.code ?? 'connection timed out'})`,
      'Check that the server is running and accepts TCP connections there, and that --db or INCIDENT_COMMANDER_DB names the right host and port.',
    );
  if (e.code === '28P01' || e.code === '28000')
    return new ExternalError(
      `PostgreSQL at ${where} refused the login of user "${target.user}" (${e.code === '28P01' ? 'wrong password' : 'not allowed by pg_hba.conf'})`,
      'Check the user and password in the URL (or PGPASSWORD, ~/.pgpass), and that pg_hba.conf lets this host in.',
    );
  if (e.code === '3D000')
    return new ExternalError(
      `the PostgreSQL database "${target.database}" does not exist on ${where}`,
      `Create it first (createdb ${target.database}): the commander creates its own tables, never the database.`,
    );
  if (e.code === '42501')
    return new ExternalError(
      `user "${target.user}" may not create or use the commander's tables in "${target.database}" (${e.message ?? 'permission denied'})`,
      'Grant it CREATE on the database (or its schema), or point --db at a database it owns.',
    );
  return error;
}
