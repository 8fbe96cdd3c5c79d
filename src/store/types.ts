import type { Audience } from '../core/audiences.js';
import type { Severity, Signals } from '../severity/signals.js';

export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const EVENT_KINDS = [
  'declared',
  'severity',
  'roles',
  'status',
  'update',
  'action_item',
  'hypothesis',
  'deploy',
  'observation',
  'decision',
  'action',
  'note',
  'escalation',
  'milestone',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const ACTION_KINDS = ['prevent', 'detect', 'mitigate', 'process'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];
export const ACTION_PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type ActionPriority = (typeof ACTION_PRIORITIES)[number];
export const ACTION_STATUSES = ['open', 'in_progress', 'done', 'wont_do'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** All times are ISO 8601 UTC strings (`Date.prototype.toISOString`), so they sort as text. */
export type IsoTime = string;

export interface Impact {
  customerFacing: boolean | null;
  usersAffectedPct: number | null;
  usersAffected: number | null;
  /** Revenue lost or at risk, in the organisation's currency. */
  revenueImpact: number | null;
  description: string;
}

export interface Incident {
  id: string;
  title: string;
  summary: string;
  severity: Severity;
  status: IncidentStatus;
  services: string[];
  impact: Impact;
  /** The impact signals of the latest classification. */
  signals: Signals;
  declaredBy: string;
  startedAt: IsoTime;
  detectedAt: IsoTime;
  acknowledgedAt: IsoTime | null;
  mitigatedAt: IsoTime | null;
  resolvedAt: IsoTime | null;
  createdAt: IsoTime;
  updatedAt: IsoTime;
  /** What ended the impact, as recorded at resolution. */
  resolution: string | null;
  postmortemPublishedAt: IsoTime | null;
  /** Increases with every write to the incident or anything attached to it (timeline, roles, updates, action items). */
  version: number;
}

export const HYPOTHESIS_STATUSES = ['open', 'confirmed', 'ruled_out', 'abandoned'] as const;
export type HypothesisStatus = (typeof HYPOTHESIS_STATUSES)[number];

export interface Hypothesis {
  id: string;
  incidentId: string;
  statement: string;
  owner: string;
  startedAt: IsoTime;
  timeboxMinutes: number;
  status: HypothesisStatus;
  resolvedAt: IsoTime | null;
  resolvedBy: string | null;
  evidence: string;
}

export type NewHypothesis = Pick<
  Hypothesis,
  'incidentId' | 'statement' | 'owner' | 'startedAt' | 'timeboxMinutes' | 'evidence'
>;
export type HypothesisResolution = {
  status: Exclude<HypothesisStatus, 'open'>;
  resolvedAt: IsoTime;
  resolvedBy: string;
  evidence: string;
};

export interface NewEvent {
  at: IsoTime;
  author: string;
  kind: EventKind;
  text: string;
  data?: Record<string, unknown> | null;
}

export interface TimelineEvent extends Required<NewEvent> {
  /**
   * The event's place in its incident's timeline, allocated inside the write: unique within the
   * incident and increasing in the order events commit, across processes, so a reader that has seen
   * seq N and asks for what follows N (`afterSeq`) never misses an event that committed late. Ties
   * on `at` are broken by it. (SQLite numbers across all incidents, PostgreSQL per incident: compare
   * seqs of one incident only.)
   */
  seq: number;
  incidentId: string;
  /**
   * When the store wrote the event, read while holding the write lock: never earlier than the
   * `recordedAt` of a lower `seq` (as far as the system clock does not step back). `at`, the time the
   * caller gives, may be backdated and so is not ordered by `seq`.
   */
  recordedAt: IsoTime;
}

export interface SeverityChange {
  incidentId: string;
  at: IsoTime;
  from: Severity | null;
  to: Severity;
  reason: string;
  author: string;
  criteria: string[];
}

export interface RoleAssignment {
  incidentId: string;
  role: string;
  /** Null when the role is unfilled; then `need` says who is needed. */
  person: string | null;
  need: string | null;
  /** Held until a dedicated person joins (the reporter as IC). */
  interim: boolean;
  assignedAt: IsoTime;
  assignedBy: string;
}

export interface StakeholderUpdate {
  id: string;
  incidentId: string;
  audience: Audience;
  at: IsoTime;
  author: string;
  status: IncidentStatus;
  headline: string;
  body: string;
  noChange: boolean;
  nextUpdateAt: IsoTime | null;
}

export interface ActionItem {
  id: string;
  incidentId: string;
  title: string;
  description: string;
  owner: string;
  dueAt: IsoTime;
  kind: ActionKind;
  priority: ActionPriority;
  status: ActionStatus;
  createdBy: string;
  createdAt: IsoTime;
  updatedAt: IsoTime;
  completedAt: IsoTime | null;
}

export interface NewIncident {
  title: string;
  summary: string;
  severity: Severity;
  severityReason: string;
  severityCriteria: string[];
  status: IncidentStatus;
  services: string[];
  impact: Impact;
  signals: Signals;
  declaredBy: string;
  startedAt: IsoTime;
  detectedAt: IsoTime;
  at: IsoTime;
  /**
   * References to the records in other systems this incident is opened from (a PagerDuty incident,
   * an Opsgenie alert), kept in the same write. A (system, kind, key) another incident already holds
   * is a ConflictError and nothing is written, so a delivery handled twice cannot open two incidents.
   */
  refs?: readonly Pick<ExternalRef, 'system' | 'kind' | 'key' | 'data'>[] | undefined;
}

export type IncidentPatch = Partial<
  Pick<
    Incident,
    | 'title'
    | 'summary'
    | 'status'
    | 'services'
    | 'impact'
    | 'signals'
    | 'acknowledgedAt'
    | 'mitigatedAt'
    | 'resolvedAt'
    | 'startedAt'
    | 'detectedAt'
    | 'resolution'
    | 'postmortemPublishedAt'
  >
>;

export interface SeverityChangeRequest {
  to: Severity;
  reason: string;
  author: string;
  at: IsoTime;
  criteria: string[];
  signals?: Signals;
}

export type NewRoleAssignment = Omit<RoleAssignment, 'incidentId'>;
export type NewStakeholderUpdate = Omit<StakeholderUpdate, 'id'>;
export type NewActionItem = Omit<ActionItem, 'id' | 'status' | 'createdAt' | 'updatedAt' | 'completedAt'> & {
  at: IsoTime;
};
export type ActionItemPatch = Partial<
  Pick<ActionItem, 'status' | 'owner' | 'dueAt' | 'priority' | 'title' | 'description'>
> & { at: IsoTime };

export interface IncidentFilter {
  status?: readonly IncidentStatus[];
  service?: string;
  limit?: number;
}

export interface TimelineQuery {
  /** Newest `limit` events when `newest` is true; oldest first otherwise. */
  limit?: number;
  newest?: boolean;
  /** Skips this many events first (from the newest end with `newest`): pages of a long timeline. */
  offset?: number;
  kinds?: readonly EventKind[];
  /**
   * Only events with a higher seq, returned in seq order (the order they committed) instead of by
   * time: what a reader tailing the timeline asks for next. `limit` counts from the oldest of them.
   */
  afterSeq?: number;
}

export interface ActionItemFilter {
  incidentId?: string;
  owner?: string;
  status?: readonly ActionStatus[];
  dueBefore?: IsoTime;
  limit?: number;
}

export interface RecordQuery {
  /** Only the newest this many timeline entries (still oldest first); every entry when absent. */
  timelineLimit?: number;
}

/**
 * What a front door or an integration keeps about an incident in another system: its Slack channel,
 * a captured message, a PagerDuty incident, a status-page post. Unique by (system, kind, key).
 */
export interface ExternalRef {
  incidentId: string;
  /** The other system: "slack", "pagerduty", "statuspage". */
  system: string;
  /** What the key names in that system: "channel", "message", "reminder". */
  kind: string;
  /** Unique within (system, kind): a channel id, "C123:1712345678.000100". */
  key: string;
  /** The system's own details (a message ts, a permalink, when a reminder was snoozed). */
  data: Record<string, unknown>;
  createdAt: IsoTime;
  updatedAt: IsoTime;
}

export type NewExternalRef = Pick<ExternalRef, 'incidentId' | 'system' | 'kind' | 'key' | 'data'> & { at: IsoTime };

export interface ExternalRefFilter {
  system?: string;
  kind?: string;
}

/** Statuspage's words for an incident's impact and a component's state. */
export const PUBLIC_IMPACTS = ['none', 'minor', 'major', 'critical'] as const;
export type PublicImpact = (typeof PUBLIC_IMPACTS)[number];
export const COMPONENT_STATUSES = [
  'operational',
  'degraded_performance',
  'partial_outage',
  'major_outage',
  'under_maintenance',
] as const;
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];

/**
 * pending: waits for a person; approved: a person approved it and it waits to be published;
 * published: customers can see it; discarded: a person threw it away; superseded: a newer draft of
 * the same incident replaced it before anyone decided.
 */
export const DRAFT_STATES = ['pending', 'approved', 'published', 'discarded', 'superseded'] as const;
export type DraftState = (typeof DRAFT_STATES)[number];

/** A person's decision on a draft, and where they made it. */
export interface DraftReview {
  decision: 'approved' | 'discarded';
  by: string;
  /** The front door the person used: 'cli', 'slack', 'web'. */
  via: string;
  at: IsoTime;
  /** The revision the person saw and decided on. */
  revision: number;
  note: string;
}

/**
 * A customer-facing status post waiting for a person's approval: nothing customers see is sent
 * before one (a published post cannot be taken back).
 */
export interface StatusDraft {
  id: string;
  incidentId: string;
  state: DraftState;
  /** 1 when drafted; raised by every edit. A review names the revision it decides on. */
  revision: number;
  /** The status page incident's status, impact and affected components, as proposed. */
  status: IncidentStatus;
  impact: PublicImpact;
  components: { name: string; status: ComponentStatus }[];
  title: string;
  body: string;
  /** The stakeholder update it was drafted from, when there is one. */
  updateId: string | null;
  createdBy: string;
  createdAt: IsoTime;
  updatedAt: IsoTime;
  review: DraftReview | null;
  /** Where it was published: the status page's incident id and link. */
  published: { at: IsoTime; ref: string; url: string | null } | null;
}

export type NewStatusDraft = Pick<
  StatusDraft,
  'incidentId' | 'status' | 'impact' | 'components' | 'title' | 'body' | 'updateId' | 'createdBy'
> & { at: IsoTime };

export type StatusDraftEdit = Partial<Pick<StatusDraft, 'status' | 'impact' | 'components' | 'title' | 'body'>> & {
  /** The revision being edited; another revision is a ConflictError. */
  revision: number;
  by: string;
  at: IsoTime;
};

export interface DraftFilter {
  incidentId?: string;
  states?: readonly DraftState[];
  limit?: number;
}

/** Everything stored about one incident, as of one version. */
export interface IncidentRecord {
  version: number;
  incident: Incident;
  /** The current holder (or need) of each role. */
  roles: RoleAssignment[];
  history: SeverityChange[];
  updates: StakeholderUpdate[];
  /** Every action item of the incident, soonest due first. */
  items: ActionItem[];
  hypotheses: Hypothesis[];
  /** Customer-facing drafts, oldest first. */
  drafts: StatusDraft[];
  /** Oldest first, ordered by (at, seq). */
  timeline: TimelineEvent[];
  timelineTotal: number;
}

/** One committed write to an incident, as a change feed reports it. */
export interface IncidentChange {
  incidentId: string;
  /** The incident's version after the write. */
  version: number;
  /** The incident's newest timeline seq after the write; 0 before its first event. */
  seq: number;
}

export type ChangeListener = (change: IncidentChange) => void;

/** Stops a watch; stopping twice is harmless. */
export type Unwatch = () => void;

/**
 * Durable incident state. Contract (checked by the shared contract suite, src/store/store.contract.ts):
 * - every write method is one transaction: the change and the timeline events that describe it land together or not at all;
 * - methods on an unknown incident, action item or hypothesis throw NotFoundError and write nothing;
 * - the timeline is append-only and returned ordered by (at, seq);
 * - reads reflect every write acknowledged before them, including writes from other processes and connections;
 * - `readRecord` reads one incident's whole record in one transaction: every part as of one version,
 *   even while others write (the only read that promises consistency across several tables);
 * - concurrent writers, in this process or others, never lose or duplicate a write: ids and
 *   sequence numbers are unique, and the version rises once per write;
 * - every write that touches an incident (or its timeline, roles, updates, action items, hypotheses, drafts) raises its version;
 * - `watch` reports committed writes, this process's and every other process's on the same database:
 *   per incident in version order, each version at most once; a watcher sees a change at or past every
 *   version committed after its watch began (versions that commit while a feed is cut off are reported
 *   once it is back, as one change to the newest).
 */
export interface IncidentStore {
  openIncident(draft: NewIncident, events?: readonly NewEvent[]): Promise<Incident>;
  getIncident(id: string): Promise<Incident | null>;
  /** One incident's whole record in one transaction; null when it does not exist. */
  readRecord(id: string, query?: RecordQuery): Promise<IncidentRecord | null>;
  /** The incident's version, or null if it does not exist: one cheap lookup to tell whether anything changed. */
  incidentVersion(id: string): Promise<number | null>;
  listIncidents(filter?: IncidentFilter): Promise<Incident[]>;
  updateIncident(id: string, patch: IncidentPatch, events: readonly NewEvent[], at: IsoTime): Promise<Incident>;
  /** Records a severity change with its reason; returns `change: null` and writes nothing but `events` when the level is unchanged. */
  changeSeverity(
    id: string,
    request: SeverityChangeRequest,
    events: readonly NewEvent[],
  ): Promise<{ incident: Incident; change: SeverityChange | null }>;
  severityHistory(id: string): Promise<SeverityChange[]>;

  /**
   * Replaces the current holder of each given role; earlier holders stay in the history. Returns the current roles.
   * With `acknowledgedAt`, also marks the incident acknowledged (if it was not), in the same transaction.
   */
  assignRoles(
    id: string,
    assignments: readonly NewRoleAssignment[],
    events: readonly NewEvent[],
    options?: { acknowledgedAt?: IsoTime },
  ): Promise<RoleAssignment[]>;
  listRoles(id: string): Promise<RoleAssignment[]>;

  appendEvents(id: string, events: readonly NewEvent[]): Promise<TimelineEvent[]>;
  listTimeline(id: string, query?: TimelineQuery): Promise<TimelineEvent[]>;
  countTimeline(id: string): Promise<number>;

  recordUpdate(update: NewStakeholderUpdate, events: readonly NewEvent[]): Promise<StakeholderUpdate>;
  listUpdates(id: string, audience?: Audience): Promise<StakeholderUpdate[]>;

  /**
   * Creates an action item, unless the incident already has an unfinished one (open or in progress)
   * with the same title and owner, compared without case: then that one is returned with `created`
   * false and nothing is written. Checked inside the write, so concurrent callers cannot duplicate.
   */
  createActionItem(item: NewActionItem, events: readonly NewEvent[]): Promise<{ item: ActionItem; created: boolean }>;
  getActionItem(id: string): Promise<ActionItem | null>;
  listActionItems(filter?: ActionItemFilter): Promise<ActionItem[]>;
  updateActionItem(id: string, patch: ActionItemPatch, events: readonly NewEvent[]): Promise<ActionItem>;

  startHypothesis(hypothesis: NewHypothesis, events: readonly NewEvent[]): Promise<Hypothesis>;
  /** Closes an open hypothesis; ConflictError if it is already closed. */
  resolveHypothesis(id: string, resolution: HypothesisResolution, events: readonly NewEvent[]): Promise<Hypothesis>;
  getHypothesis(id: string): Promise<Hypothesis | null>;
  listHypotheses(incidentId: string): Promise<Hypothesis[]>;

  /**
   * Keeps a reference to the incident in another system, unless one with the same (system, kind, key)
   * exists: then that one is returned with `created` false and nothing is written. Checked inside the
   * write, so concurrent callers (several instances) agree on one. NotFoundError for an unknown incident.
   * References are the bookkeeping of front doors and integrations, not incident state: writing them
   * does not raise the incident's version, and they are not part of its record.
   */
  putRef(ref: NewExternalRef): Promise<{ ref: ExternalRef; created: boolean }>;
  /** Replaces a reference's data; NotFoundError when there is none. */
  updateRef(
    system: string,
    kind: string,
    key: string,
    data: Record<string, unknown>,
    at: IsoTime,
  ): Promise<ExternalRef>;
  findRef(system: string, kind: string, key: string): Promise<ExternalRef | null>;
  /** An incident's references, oldest first. */
  listRefs(incidentId: string, filter?: ExternalRefFilter): Promise<ExternalRef[]>;

  /**
   * Claims (scope, key) once across every process and connection sharing the store: true for the
   * first claim, false for every later one, whoever makes it. For de-duplicating deliveries (a Slack
   * event_id, a webhook id) and one-off actions several instances might each take. Claims are kept
   * until `forgetClaims` drops them, so they de-duplicate within the window the caller keeps.
   */
  claim(scope: string, key: string, at: IsoTime): Promise<boolean>;
  /** Gives a claim back (the work it guarded failed), so a later claim of (scope, key) is granted again. */
  releaseClaim(scope: string, key: string): Promise<void>;
  /** Forgets claims made before `before`; returns how many were forgotten. */
  forgetClaims(before: IsoTime): Promise<number>;

  /** Stores a new pending draft; the incident's older pending drafts become superseded in the same write. */
  createDraft(draft: NewStatusDraft, events: readonly NewEvent[]): Promise<StatusDraft>;
  getDraft(id: string): Promise<StatusDraft | null>;
  /** Oldest first. */
  listDrafts(filter?: DraftFilter): Promise<StatusDraft[]>;
  /** Changes a pending draft and raises its revision; ConflictError if it is not pending or not at `edit.revision`. */
  editDraft(id: string, edit: StatusDraftEdit, events: readonly NewEvent[]): Promise<StatusDraft>;
  /**
   * Records a person's decision on a pending draft at the revision they saw: approved or discarded.
   * ConflictError (nothing written) if the draft is no longer pending or has another revision, so
   * of two people deciding at once exactly one wins, and nobody approves text they did not see.
   */
  reviewDraft(id: string, review: DraftReview, events: readonly NewEvent[]): Promise<StatusDraft>;
  /** Marks an approved draft published; ConflictError unless it is approved. */
  markDraftPublished(
    id: string,
    published: { at: IsoTime; ref: string; url: string | null },
    events: readonly NewEvent[],
  ): Promise<StatusDraft>;

  /**
   * Calls `listener` for every committed write to any incident from now on (see the contract above).
   * Resolves once the feed is listening: any write that commits after that is reported. A listener's
   * exceptions are its own: the feed catches them and goes on (they never fail a write).
   */
  watch(listener: ChangeListener): Promise<Unwatch>;

  close(): Promise<void>;
}
