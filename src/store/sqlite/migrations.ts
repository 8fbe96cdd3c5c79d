import type { Database } from 'better-sqlite3';

/**
 * Forward-only schema migrations; `PRAGMA user_version` records how many have run.
 * Never edit a shipped migration: add a new one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE incidents (
    number INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL CHECK (length(title) > 0),
    summary TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('SEV1','SEV2','SEV3','SEV4')),
    status TEXT NOT NULL CHECK (status IN ('investigating','identified','monitoring','resolved')),
    services TEXT NOT NULL CHECK (json_valid(services)),
    impact TEXT NOT NULL CHECK (json_valid(impact)),
    signals TEXT NOT NULL CHECK (json_valid(signals)),
    declared_by TEXT NOT NULL,
    started_at TEXT NOT NULL,
    detected_at TEXT NOT NULL,
    acknowledged_at TEXT,
    mitigated_at TEXT,
    resolved_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX incidents_status ON incidents(status);

  CREATE TABLE severity_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id TEXT NOT NULL REFERENCES incidents(id),
    at TEXT NOT NULL,
    from_level TEXT CHECK (from_level IN ('SEV1','SEV2','SEV3','SEV4')),
    to_level TEXT NOT NULL CHECK (to_level IN ('SEV1','SEV2','SEV3','SEV4')),
    reason TEXT NOT NULL,
    author TEXT NOT NULL,
    criteria TEXT NOT NULL CHECK (json_valid(criteria))
  );
  CREATE INDEX severity_changes_incident ON severity_changes(incident_id, seq);

  CREATE TABLE role_assignments (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id TEXT NOT NULL REFERENCES incidents(id),
    role TEXT NOT NULL,
    person TEXT,
    need TEXT,
    interim INTEGER NOT NULL CHECK (interim IN (0,1)),
    assigned_at TEXT NOT NULL,
    assigned_by TEXT NOT NULL,
    CHECK (person IS NOT NULL OR need IS NOT NULL)
  );
  CREATE INDEX role_assignments_incident ON role_assignments(incident_id, role, seq);

  CREATE TABLE timeline (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id TEXT NOT NULL REFERENCES incidents(id),
    at TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    author TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    data TEXT CHECK (data IS NULL OR json_valid(data))
  );
  CREATE INDEX timeline_incident_at ON timeline(incident_id, at, seq);

  CREATE TABLE stakeholder_updates (
    number INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    incident_id TEXT NOT NULL REFERENCES incidents(id),
    audience TEXT NOT NULL CHECK (audience IN ('engineering','executive','customer')),
    at TEXT NOT NULL,
    author TEXT NOT NULL,
    status TEXT NOT NULL,
    headline TEXT NOT NULL,
    body TEXT NOT NULL,
    no_change INTEGER NOT NULL CHECK (no_change IN (0,1)),
    next_update_at TEXT
  );
  CREATE INDEX stakeholder_updates_incident ON stakeholder_updates(incident_id, audience, at);

  CREATE TABLE action_items (
    number INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    incident_id TEXT NOT NULL REFERENCES incidents(id),
    title TEXT NOT NULL CHECK (length(title) > 0),
    description TEXT NOT NULL,
    owner TEXT NOT NULL CHECK (length(owner) > 0),
    due_at TEXT NOT NULL CHECK (length(due_at) > 0),
    kind TEXT NOT NULL CHECK (kind IN ('prevent','detect','mitigate','process')),
    priority TEXT NOT NULL CHECK (priority IN ('P1','P2','P3','P4')),
    status TEXT NOT NULL CHECK (status IN ('open','in_progress','done','wont_do')),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    completed_at TEXT
  );
  CREATE INDEX action_items_incident ON action_items(incident_id);
  CREATE INDEX action_items_owner ON action_items(owner, status);
  `,
  // Timeline length kept on the incident, so counting a 10,000-event timeline is O(1); and a version
  // bumped by every write, so readers can tell in one lookup whether anything changed.
  `
  ALTER TABLE incidents ADD COLUMN timeline_count INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE incidents ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
  UPDATE incidents SET timeline_count = (SELECT COUNT(*) FROM timeline WHERE timeline.incident_id = incidents.id);
  `,
  // Chat sessions, resumable per incident.
  `
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    incident_id TEXT,
    data TEXT NOT NULL CHECK (json_valid(data)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX sessions_incident ON sessions(incident_id, updated_at);
  `,
  // Time-boxed hypotheses; how an incident was resolved; when its post-mortem was published.
  `
  CREATE TABLE hypotheses (
    number INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    incident_id TEXT NOT NULL REFERENCES incidents(id),
    statement TEXT NOT NULL CHECK (length(statement) > 0),
    owner TEXT NOT NULL CHECK (length(owner) > 0),
    started_at TEXT NOT NULL,
    timebox_minutes INTEGER NOT NULL CHECK (timebox_minutes > 0),
    status TEXT NOT NULL CHECK (status IN ('open','confirmed','ruled_out','abandoned')),
    resolved_at TEXT,
    resolved_by TEXT,
    evidence TEXT NOT NULL DEFAULT ''
  );
  CREATE INDEX hypotheses_incident ON hypotheses(incident_id, number);
  ALTER TABLE incidents ADD COLUMN resolution TEXT;
  ALTER TABLE incidents ADD COLUMN postmortem_published_at TEXT;
  `,
  // A conversation can belong to a channel (a Slack channel or thread): at most one session holds each.
  `
  ALTER TABLE sessions ADD COLUMN channel TEXT;
  CREATE UNIQUE INDEX sessions_channel ON sessions(channel) WHERE channel IS NOT NULL;
  `,
  // References to incidents in other systems (a Slack channel, a PagerDuty incident), and claims that
  // de-duplicate deliveries across instances (a Slack event_id, a webhook id).
  `
  CREATE TABLE external_refs (
    system TEXT NOT NULL CHECK (length(system) > 0),
    kind TEXT NOT NULL CHECK (length(kind) > 0),
    key TEXT NOT NULL CHECK (length(key) > 0),
    incident_id TEXT NOT NULL REFERENCES incidents(id),
    data TEXT NOT NULL CHECK (json_valid(data)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (system, kind, key)
  ) WITHOUT ROWID;
  CREATE INDEX external_refs_incident ON external_refs(incident_id, system, kind);
  CREATE TABLE claims (
    scope TEXT NOT NULL CHECK (length(scope) > 0),
    key TEXT NOT NULL CHECK (length(key) > 0),
    claimed_at TEXT NOT NULL,
    PRIMARY KEY (scope, key)
  ) WITHOUT ROWID;
  CREATE INDEX claims_claimed_at ON claims(claimed_at);
  `,
  // The integrations: customer-facing drafts awaiting a person's approval, and durable queues
  // (a webhook inbox, an API outbox).
  `
  CREATE TABLE status_drafts (
    number INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    incident_id TEXT NOT NULL REFERENCES incidents(id),
    state TEXT NOT NULL CHECK (state IN ('pending','approved','published','discarded','superseded')),
    revision INTEGER NOT NULL CHECK (revision > 0),
    status TEXT NOT NULL CHECK (status IN ('investigating','identified','monitoring','resolved')),
    impact TEXT NOT NULL CHECK (impact IN ('none','minor','major','critical')),
    components TEXT NOT NULL CHECK (json_valid(components)),
    title TEXT NOT NULL CHECK (length(title) > 0),
    body TEXT NOT NULL,
    update_id TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    review TEXT CHECK (review IS NULL OR json_valid(review)),
    published_at TEXT,
    published_ref TEXT,
    published_url TEXT
  );
  CREATE INDEX status_drafts_incident ON status_drafts(incident_id, number);
  CREATE INDEX status_drafts_state ON status_drafts(state, number);

  CREATE TABLE messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    queue TEXT NOT NULL CHECK (length(queue) > 0),
    key TEXT NOT NULL CHECK (length(key) > 0),
    partition_key TEXT NOT NULL,
    payload TEXT NOT NULL CHECK (json_valid(payload)),
    state TEXT NOT NULL CHECK (state IN ('pending','done','failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    enqueued_at TEXT NOT NULL,
    available_at TEXT NOT NULL,
    leased_until TEXT,
    finished_at TEXT,
    note TEXT,
    UNIQUE (queue, key)
  );
  CREATE INDEX messages_pending ON messages(queue, state, partition_key, seq);
  CREATE INDEX messages_partition ON messages(queue, partition_key, seq);
  `,
  // Tailing one incident's timeline by seq (change feeds, live pages) and its newest seq, without a scan.
  `
  CREATE INDEX timeline_incident_seq ON timeline(incident_id, seq);
  `,
];

/** Runs pending migrations inside one immediate transaction, so two processes opening a new file cannot both migrate. */
export function migrate(db: Database): number {
  const run = db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > MIGRATIONS.length) {
      throw new Error(
        `database schema version ${current} is newer than this build knows (${MIGRATIONS.length}); upgrade incident-commander`,
      );
    }
    for (let v = current; v < MIGRATIONS.length; v++) {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }
    return MIGRATIONS.length;
  });
  return run.immediate();
}
