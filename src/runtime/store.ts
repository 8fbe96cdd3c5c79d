import { fileURLToPath } from 'node:url';
import { ConfigError } from '../core/errors.js';
import { lazyStores, type Stores } from '../store/lazy-store.js';

export interface StoreOptions {
  /** Clock for the store's own `recorded_at` stamps; the system clock by default. */
  now?: () => Date;
  /** For commands that only read: a missing database is an error naming it, never created. */
  mustExist?: boolean;
  /** Told of trouble the store recovers from by itself (a change feed that lost its connection). */
  onTrouble?: (what: string, error: unknown) => void;
}

/** A database the commander can keep its record in, chosen by the location's form. */
export interface StoreBackend {
  readonly name: string;
  /** True when this backend keeps locations of this form (a path, `postgres://…`). */
  accepts(location: string): boolean;
  open(location: string, options: StoreOptions): Promise<Stores>;
}

const URL_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/** A file path, `file:` URL or `:memory:`: the embedded SQLite store. */
export const sqliteBackend: StoreBackend = {
  name: 'sqlite',
  accepts: (location) => !URL_SCHEME.test(location) || location.toLowerCase().startsWith('file://'),
  async open(location, options) {
    const { SqliteStore, sqliteStores } = await import('../store/sqlite/sqlite-store.js');
    const path = location.toLowerCase().startsWith('file://') ? fileURLToPath(location) : location;
    return sqliteStores(
      new SqliteStore(path, {
        ...(options.now ? { now: options.now } : {}),
        ...(options.mustExist ? { mustExist: true } : {}),
      }),
    );
  },
};

/** A `postgres://` or `postgresql://` URL: the shared PostgreSQL store (several instances, one record). */
export const postgresBackend: StoreBackend = {
  name: 'postgres',
  accepts: (location) => /^postgres(?:ql)?:\/\//i.test(location),
  async open(location, options) {
    const { PostgresStore, postgresStores } = await import('../store/postgres/pg-store.js');
    return postgresStores(
      await PostgresStore.open(location, {
        ...(options.now ? { now: options.now } : {}),
        ...(options.mustExist ? { mustExist: true } : {}),
        ...(options.onTrouble ? { feed: { onTrouble: options.onTrouble } } : {}),
      }),
    );
  },
};

/** Every backend, in the order they are asked. A new database joins with one line here. */
export const BACKENDS: readonly StoreBackend[] = [sqliteBackend, postgresBackend];

/** A store location as it may be shown: credentials in a URL are masked. */
export function describeLocation(location: string): string {
  return location.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1***@');
}

/**
 * Opens the incident and session stores at a location: a file path (SQLite, the default) or a URL naming
 * another database. The backend is chosen now, so a location nothing keeps fails at once with a
 * clear error; the database itself opens on first use, so an idle server holds no file or connection.
 */
export function openStore(
  location: string,
  options: StoreOptions = {},
  backends: readonly StoreBackend[] = BACKENDS,
): Stores {
  const backend = backends.find((b) => b.accepts(location));
  if (!backend) throw unsupported(location);
  return lazyStores(() => backend.open(location, options));
}

function unsupported(location: string): ConfigError {
  const scheme = URL_SCHEME.exec(location)?.[1]?.toLowerCase() ?? '';
  return new ConfigError(
    describeLocation(location),
    [{ field: '', problem: `no store keeps "${scheme}://" locations` }],
    'Give --db a file path for the SQLite store, or a postgres:// URL for PostgreSQL (or unset INCIDENT_COMMANDER_DB).',
  );
}
