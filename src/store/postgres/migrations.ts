import type { PoolClient } from 'pg';
import { ExternalError } from '../../core/errors.js';

/**
 * Forward-only schema migrations, applied in order; `incident_commander_migrations` records each
 * one. Never edit a shipped migration: add a new one.
 *
 * Times are ISO 8601 UTC text (`iso_time`, compared byte-wise), as the contract returns them.
 * Every incident row is also its own counter: `version` rises once per write and `last_seq`
 * numbers its timeline, both inside the write's transaction, so the row lock orders writers to
 * one incident and a reader tailing by seq never misses an event that committed late.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE DOMAIN iso_time AS text COLLATE "C"
    CHECK (VALUE ~ '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$');

  -- Counters handed out inside the writing transaction: an incident number is never skipped,
  -- even when the write that took one rolls back (a sequence would leave INC-41 missing).
  CREATE TABLE counters (
    name text PRIMARY KEY,
    value bigint NOT NULL
  );
  INSERT INTO counters (name, value) VALUES ('incident', 0);

  CREATE TABLE incidents (
    number bigint PRIMARY KEY CHECK (number > 0),
    id text GENERATED ALWAYS AS ('INC-' || number) STORED UNIQUE,
    title text NOT NULL CHECK (length(title) > 0),
    summary text NOT NULL,
    severity text NOT NULL CHECK (severity IN ('SEV1','SEV2','SEV3','SEV4')),
    status text NOT NULL CHECK (status IN ('investigating','identified','monitoring','resolved')),
    services jsonb NOT NULL CHECK (jsonb_typeof(services) = 'array'),
    impact json NOT NULL,
    signals json NOT NULL,
    declared_by text NOT NULL,
    started_at iso_time NOT NULL,
    detected_at iso_time NOT NULL,
    acknowledged_at iso_time,
    mitigated_at iso_time,
    resolved_at iso_time,
    created_at iso_time NOT NULL,
    updated_at iso_time NOT NULL,
    resolution text,
    postmortem_published_at iso_time,
    version integer NOT NULL DEFAULT 0,
    last_seq integer NOT NULL DEFAULT 0,
    timeline_count integer NOT NULL DEFAULT 0
  );
  CREATE INDEX incidents_status ON incidents (status);
  CREATE INDEX incidents_services ON incidents USING gin (services);

  CREATE TABLE severity_changes (
    number bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id text NOT NULL REFERENCES incidents (id),
    at iso_time NOT NULL,
    from_level text CHECK (from_level IN ('SEV1','SEV2','SEV3','SEV4')),
    to_level text NOT NULL CHECK (to_level IN ('SEV1','SEV2','SEV3','SEV4')),
    reason text NOT NULL,
    author text NOT NULL,
    criteria json NOT NULL
  );
  CREATE INDEX severity_changes_incident ON severity_changes (incident_id, number);

  CREATE TABLE role_assignments (
    number bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id text NOT NULL REFERENCES incidents (id),
    role text NOT NULL,
    person text,
    need text,
    interim boolean NOT NULL,
    assigned_at iso_time NOT NULL,
    assigned_by text NOT NULL,
    CHECK (person IS NOT NULL OR need IS NOT NULL)
  );
  CREATE INDEX role_assignments_incident ON role_assignments (incident_id, role, number);

  CREATE TABLE timeline (
    incident_id text NOT NULL REFERENCES incidents (id),
    seq integer NOT NULL CHECK (seq > 0),
    at iso_time NOT NULL,
    recorded_at iso_time NOT NULL,
    author text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('declared','severity','roles','status','update','action_item','hypothesis',
      'deploy','observation','decision','action','note','escalation','milestone')),
    text text NOT NULL,
    data json,
    PRIMARY KEY (incident_id, seq)
  );
  CREATE INDEX timeline_incident_at ON timeline (incident_id, at, seq);

  CREATE TABLE stakeholder_updates (
    number bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text GENERATED ALWAYS AS ('UPD-' || number) STORED UNIQUE,
    incident_id text NOT NULL REFERENCES incidents (id),
    audience text NOT NULL CHECK (audience IN ('engineering','executive','customer')),
    at iso_time NOT NULL,
    author text NOT NULL,
    status text NOT NULL CHECK (status IN ('investigating','identified','monitoring','resolved')),
    headline text NOT NULL,
    body text NOT NULL,
    no_change boolean NOT NULL,
    next_update_at iso_time
  );
  CREATE INDEX stakeholder_updates_incident ON stakeholder_updates (incident_id, audience, at);

  CREATE TABLE action_items (
    number bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text GENERATED ALWAYS AS ('AI-' || number) STORED UNIQUE,
    incident_id text NOT NULL REFERENCES incidents (id),
    title text NOT NULL CHECK (length(title) > 0),
    description text NOT NULL,
    owner text NOT NULL CHECK (length(owner) > 0),
    due_at iso_time NOT NULL,
    kind text NOT NULL CHECK (kind IN ('prevent','detect','mitigate','process')),
    priority text NOT NULL CHECK (priority IN ('P1','P2','P3','P4')),
    status text NOT NULL CHECK (status IN ('open','in_progress','done','wont_do')),
    created_by text NOT NULL,
    created_at iso_time NOT NULL,
    updated_at iso_time NOT NULL,
    completed_at iso_time
  );
  CREATE INDEX action_items_incident ON action_items (incident_id, due_at);
  CREATE INDEX action_items_owner ON action_items (lower(owner), status);
  CREATE INDEX action_items_due ON action_items (due_at);

  CREATE TABLE hypotheses (
    number bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text GENERATED ALWAYS AS ('H-' || number) STORED UNIQUE,
    incident_id text NOT NULL REFERENCES incidents (id),
    statement text NOT NULL CHECK (length(statement) > 0),
    owner text NOT NULL CHECK (length(owner) > 0),
    started_at iso_time NOT NULL,
    timebox_minutes integer NOT NULL CHECK (timebox_minutes > 0),
    status text NOT NULL CHECK (status IN ('open','confirmed','ruled_out','abandoned')),
    resolved_at iso_time,
    resolved_by text,
    evidence text NOT NULL DEFAULT ''
  );
  CREATE INDEX hypotheses_incident ON hypotheses (incident_id, number);

  CREATE TABLE sessions (
    id text PRIMARY KEY,
    incident_id text,
    channel text,
    data json NOT NULL,
    created_at iso_time NOT NULL,
    updated_at iso_time NOT NULL
  );
  CREATE INDEX sessions_incident ON sessions (incident_id, updated_at);
  CREATE UNIQUE INDEX sessions_channel ON sessions (channel) WHERE channel IS NOT NULL;

  -- References to incidents in other systems (a Slack channel, a PagerDuty incident), and claims that
  -- de-duplicate deliveries across instances (a Slack event_id, a webhook id): the primary keys decide.
  CREATE TABLE external_refs (
    system text COLLATE "C" NOT NULL CHECK (length(system) > 0),
    kind text COLLATE "C" NOT NULL CHECK (length(kind) > 0),
    key text COLLATE "C" NOT NULL CHECK (length(key) > 0),
    incident_id text NOT NULL REFERENCES incidents (id),
    data json NOT NULL,
    created_at iso_time NOT NULL,
    updated_at iso_time NOT NULL,
    PRIMARY KEY (system, kind, key)
  );
  CREATE INDEX external_refs_incident ON external_refs (incident_id, system, kind);

  CREATE TABLE claims (
    scope text NOT NULL CHECK (length(scope) > 0),
    key text NOT NULL CHECK (length(key) > 0),
    claimed_at iso_time NOT NULL,
    PRIMARY KEY (scope, key)
  );
  CREATE INDEX claims_claimed_at ON claims (claimed_at);

  -- Customer-facing drafts awaiting a person's approval.
  CREATE TABLE status_drafts (
    number bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text GENERATED ALWAYS AS ('SD-' || number) STORED UNIQUE,
    incident_id text NOT NULL REFERENCES incidents (id),
    state text NOT NULL CHECK (state IN ('pending','approved','published','discarded','superseded')),
    revision integer NOT NULL CHECK (revision > 0),
    status text NOT NULL CHECK (status IN ('investigating','identified','monitoring','resolved')),
    impact text NOT NULL CHECK (impact IN ('none','minor','major','critical')),
    components json NOT NULL,
    title text NOT NULL CHECK (length(title) > 0),
    body text NOT NULL,
    update_id text,
    created_by text NOT NULL,
    created_at iso_time NOT NULL,
    updated_at iso_time NOT NULL,
    review json,
    published_at iso_time,
    published_ref text,
    published_url text
  );
  CREATE INDEX status_drafts_incident ON status_drafts (incident_id, number);
  CREATE INDEX status_drafts_state ON status_drafts (state, number);

  -- Durable queues (a webhook inbox, an API outbox), apart from the record.
  CREATE TABLE messages (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    queue text NOT NULL CHECK (length(queue) > 0),
    key text NOT NULL CHECK (length(key) > 0),
    partition_key text NOT NULL,
    payload json NOT NULL,
    state text NOT NULL CHECK (state IN ('pending','done','failed')),
    attempts integer NOT NULL DEFAULT 0,
    enqueued_at iso_time NOT NULL,
    available_at iso_time NOT NULL,
    leased_until iso_time,
    finished_at iso_time,
    note text,
    UNIQUE (queue, key)
  );
  CREATE INDEX messages_pending ON messages (queue, partition_key, seq) WHERE state = 'pending';
  CREATE INDEX messages_finished ON messages (queue, finished_at) WHERE state <> 'pending';
  `,
];

/** The advisory lock every instance takes to migrate: the first applies what is pending, the rest wait and find nothing to do. */
const MIGRATION_LOCK = 0x1c_0de_5ea;

const LEDGER = `CREATE TABLE IF NOT EXISTS incident_commander_migrations (
  version integer PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

/**
 * Brings the schema up to date in one transaction under a transaction-scoped advisory lock, so
 * several instances starting together migrate once and none sees half a schema. With `mustExist`
 * (commands that only read) an empty database is an error, never a new schema. Returns the
 * migrations applied by this call.
 */
export async function migrate(client: PoolClient, options: { mustExist?: boolean; database: string }): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    const ledger = await client.query<{ exists: boolean }>(
      "SELECT to_regclass('incident_commander_migrations') IS NOT NULL AS exists",
    );
    if (!ledger.rows[0]?.exists && options.mustExist)
      throw new ExternalError(
        `no incident record in the PostgreSQL database ${options.database}`,
        'Nothing has been recorded there: check --db or INCIDENT_COMMANDER_DB for a typo (commands that only read never create a schema). The first command that records something (chat, ask, mcp, tools call) creates it.',
      );
    await client.query(LEDGER);
    const done = await client.query<{ v: number | null }>(
      'SELECT max(version) AS v FROM incident_commander_migrations',
    );
    const current = done.rows[0]?.v ?? 0;
    if (current > MIGRATIONS.length)
      throw new ExternalError(
        `the PostgreSQL schema is at version ${current}, newer than this build knows (${MIGRATIONS.length})`,
        'Another instance runs a newer incident-commander: upgrade this one to the same version.',
      );
    for (let v = current; v < MIGRATIONS.length; v++) {
      await client.query(MIGRATIONS[v]!);
      await client.query('INSERT INTO incident_commander_migrations (version) VALUES ($1)', [v + 1]);
    }
    await client.query('COMMIT');
    return MIGRATIONS.length - current;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
