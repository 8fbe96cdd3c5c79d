import type { Audience } from '../../core/audiences.js';
import type { SavedSession } from '../sessions.js';
import type { QueuedMessage } from '../messages.js';
import type {
  ActionItem,
  DraftReview,
  ExternalRef,
  Hypothesis,
  Incident,
  IncidentPatch,
  RoleAssignment,
  SeverityChange,
  StakeholderUpdate,
  StatusDraft,
  TimelineEvent,
} from '../types.js';

/**
 * Rows as node-postgres returns them in array mode: values in the order of the SELECT's columns,
 * json and jsonb already parsed, booleans as booleans, integers as numbers.
 */
export type Row = unknown[];

const str = (v: unknown): string => String(v);
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export const INCIDENT_COLUMNS =
  'id, title, summary, severity, status, services, impact, signals, declared_by, started_at, detected_at, acknowledged_at, mitigated_at, resolved_at, created_at, updated_at, version, resolution, postmortem_published_at';
export const INCIDENT_SELECT = `SELECT ${INCIDENT_COLUMNS} FROM incidents`;
export function toIncident(r: Row): Incident {
  return {
    id: str(r[0]),
    title: str(r[1]),
    summary: str(r[2]),
    severity: r[3] as Incident['severity'],
    status: r[4] as Incident['status'],
    services: r[5] as string[],
    impact: r[6] as Incident['impact'],
    signals: r[7] as Incident['signals'],
    declaredBy: str(r[8]),
    startedAt: str(r[9]),
    detectedAt: str(r[10]),
    acknowledgedAt: strOrNull(r[11]),
    mitigatedAt: strOrNull(r[12]),
    resolvedAt: strOrNull(r[13]),
    createdAt: str(r[14]),
    updatedAt: str(r[15]),
    version: Number(r[16]),
    resolution: strOrNull(r[17]),
    postmortemPublishedAt: strOrNull(r[18]),
  };
}

/** Columns an incident patch may set, and how each value is sent. */
export const PATCH_COLUMNS: Record<keyof IncidentPatch, [string, (v: never) => unknown]> = {
  title: ['title', (v: string) => v],
  summary: ['summary', (v: string) => v],
  status: ['status', (v: string) => v],
  services: ['services', (v: string[]) => JSON.stringify(v)],
  impact: ['impact', (v: unknown) => JSON.stringify(v)],
  signals: ['signals', (v: unknown) => JSON.stringify(v)],
  acknowledgedAt: ['acknowledged_at', (v: string | null) => v],
  mitigatedAt: ['mitigated_at', (v: string | null) => v],
  resolvedAt: ['resolved_at', (v: string | null) => v],
  startedAt: ['started_at', (v: string) => v],
  detectedAt: ['detected_at', (v: string) => v],
  resolution: ['resolution', (v: string | null) => v],
  postmortemPublishedAt: ['postmortem_published_at', (v: string | null) => v],
};

export const EVENT_SELECT = 'SELECT seq, incident_id, at, recorded_at, author, kind, text, data FROM timeline';
export function toEvent(r: Row): TimelineEvent {
  return {
    seq: Number(r[0]),
    incidentId: str(r[1]),
    at: str(r[2]),
    recordedAt: str(r[3]),
    author: str(r[4]),
    kind: r[5] as TimelineEvent['kind'],
    text: str(r[6]),
    data: (r[7] ?? null) as TimelineEvent['data'],
  };
}

export const SEVERITY_SELECT =
  'SELECT incident_id, at, from_level, to_level, reason, author, criteria FROM severity_changes';
export function toSeverityChange(r: Row): SeverityChange {
  return {
    incidentId: str(r[0]),
    at: str(r[1]),
    from: (r[2] ?? null) as SeverityChange['from'],
    to: r[3] as SeverityChange['to'],
    reason: str(r[4]),
    author: str(r[5]),
    criteria: r[6] as string[],
  };
}

/** The current holder (or need) of each role: the newest assignment per role, in the order they were made. */
export const CURRENT_ROLES = `SELECT incident_id, role, person, need, interim, assigned_at, assigned_by FROM role_assignments r
  WHERE incident_id = $1
    AND number = (SELECT max(number) FROM role_assignments WHERE incident_id = r.incident_id AND role = r.role)
  ORDER BY number`;
export function toRole(r: Row): RoleAssignment {
  return {
    incidentId: str(r[0]),
    role: str(r[1]),
    person: strOrNull(r[2]),
    need: strOrNull(r[3]),
    interim: r[4] === true,
    assignedAt: str(r[5]),
    assignedBy: str(r[6]),
  };
}

export const UPDATE_SELECT =
  'SELECT id, incident_id, audience, at, author, status, headline, body, no_change, next_update_at FROM stakeholder_updates';
export function toUpdate(r: Row): StakeholderUpdate {
  return {
    id: str(r[0]),
    incidentId: str(r[1]),
    audience: r[2] as Audience,
    at: str(r[3]),
    author: str(r[4]),
    status: r[5] as StakeholderUpdate['status'],
    headline: str(r[6]),
    body: str(r[7]),
    noChange: r[8] === true,
    nextUpdateAt: strOrNull(r[9]),
  };
}

export const ACTION_SELECT =
  'SELECT id, incident_id, title, description, owner, due_at, kind, priority, status, created_by, created_at, updated_at, completed_at FROM action_items';
export function toActionItem(r: Row): ActionItem {
  return {
    id: str(r[0]),
    incidentId: str(r[1]),
    title: str(r[2]),
    description: str(r[3]),
    owner: str(r[4]),
    dueAt: str(r[5]),
    kind: r[6] as ActionItem['kind'],
    priority: r[7] as ActionItem['priority'],
    status: r[8] as ActionItem['status'],
    createdBy: str(r[9]),
    createdAt: str(r[10]),
    updatedAt: str(r[11]),
    completedAt: strOrNull(r[12]),
  };
}

export const HYPOTHESIS_SELECT =
  'SELECT id, incident_id, statement, owner, started_at, timebox_minutes, status, resolved_at, resolved_by, evidence FROM hypotheses';
export function toHypothesis(r: Row): Hypothesis {
  return {
    id: str(r[0]),
    incidentId: str(r[1]),
    statement: str(r[2]),
    owner: str(r[3]),
    startedAt: str(r[4]),
    timeboxMinutes: Number(r[5]),
    status: r[6] as Hypothesis['status'],
    resolvedAt: strOrNull(r[7]),
    resolvedBy: strOrNull(r[8]),
    evidence: str(r[9]),
  };
}

export const SESSION_SELECT = 'SELECT id, incident_id, channel, data, created_at, updated_at FROM sessions';
export function toSession(r: Row): SavedSession {
  return {
    id: str(r[0]),
    incidentId: strOrNull(r[1]),
    channel: strOrNull(r[2]),
    data: r[3],
    createdAt: str(r[4]),
    updatedAt: str(r[5]),
  };
}

export const REF_SELECT = 'SELECT incident_id, system, kind, key, data, created_at, updated_at FROM external_refs';
export function toRef(r: Row): ExternalRef {
  return {
    incidentId: str(r[0]),
    system: str(r[1]),
    kind: str(r[2]),
    key: str(r[3]),
    data: r[4] as Record<string, unknown>,
    createdAt: str(r[5]),
    updatedAt: str(r[6]),
  };
}

export const DRAFT_SELECT =
  'SELECT id, incident_id, state, revision, status, impact, components, title, body, update_id, created_by, created_at, updated_at, review, published_at, published_ref, published_url FROM status_drafts';
export function toDraft(r: Row): StatusDraft {
  return {
    id: str(r[0]),
    incidentId: str(r[1]),
    state: r[2] as StatusDraft['state'],
    revision: Number(r[3]),
    status: r[4] as StatusDraft['status'],
    impact: r[5] as StatusDraft['impact'],
    components: r[6] as StatusDraft['components'],
    title: str(r[7]),
    body: str(r[8]),
    updateId: strOrNull(r[9]),
    createdBy: str(r[10]),
    createdAt: str(r[11]),
    updatedAt: str(r[12]),
    review: (r[13] ?? null) as DraftReview | null,
    published: r[14] === null ? null : { at: str(r[14]), ref: str(r[15]), url: strOrNull(r[16]) },
  };
}

export const MESSAGE_COLUMNS =
  'seq, queue, key, partition_key, payload, state, attempts, enqueued_at, available_at, leased_until, finished_at, note';
export function toMessage(r: Row): QueuedMessage {
  return {
    seq: Number(r[0]),
    queue: str(r[1]),
    key: str(r[2]),
    partition: str(r[3]),
    payload: r[4],
    state: r[5] as QueuedMessage['state'],
    attempts: Number(r[6]),
    enqueuedAt: str(r[7]),
    availableAt: str(r[8]),
    leasedUntil: strOrNull(r[9]),
    finishedAt: strOrNull(r[10]),
    note: strOrNull(r[11]),
  };
}
