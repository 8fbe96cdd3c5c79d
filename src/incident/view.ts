import type { Clock } from '../core/time.js';
import { clockBehindNote, formatClock } from '../core/time.js';
import type { SeverityFramework } from '../severity/framework.js';
import type { Severity } from '../severity/signals.js';
import type { SoulSettings } from '../soul/schema.js';
import type { ActionItem, EventKind, Incident, IncidentStore } from '../store/types.js';
import { isOverdue } from './action-items.js';
import { type AudienceSchedule, updateSchedule } from './cadence.js';
import { type Durations, durations, postmortemDueAt } from './durations.js';
import { type EscalationPlan, escalationPlan } from './escalation.js';
import { expiryAdvice, type HypothesisView, hypothesisView } from './hypotheses.js';
import { severitySetAt } from './lookup.js';
import { type IncidentSnapshot, loadSnapshot, type SnapshotCache } from './snapshot.js';

export interface RoleView {
  role: string;
  /** The role's title from SOUL.md settings.roles ("Incident Commander"). */
  title: string;
  person: string | null;
  /** Who is needed, when nobody holds the role. */
  need: string | null;
  interim: boolean;
  assignedAt: string;
}

export interface SeverityStep {
  at: string;
  from: Severity | null;
  to: Severity;
  reason: string;
  author: string;
}

export interface ActionItemView extends ActionItem {
  overdue: boolean;
}

export interface TimelineEntry {
  seq: number;
  at: string;
  author: string;
  kind: EventKind;
  text: string;
  data: Record<string, unknown> | null;
}

export interface PostmortemClock {
  /** The deadline after resolution; null while the incident is live. */
  dueAt: string | null;
  publishedAt: string | null;
  overdue: boolean;
}

/**
 * One incident's live state as of `now`: what get_incident returns, what the model port receives
 * each turn, what `status` and the MCP resources show. Computed by `incidentView`, never by hand.
 */
export interface IncidentView {
  incident: Incident;
  roles: RoleView[];
  severityHistory: SeverityStep[];
  schedule: AudienceSchedule[];
  escalation: EscalationPlan;
  actionItems: ActionItemView[];
  hypotheses: HypothesisView[];
  durations: Durations;
  postmortem: PostmortemClock;
  /** The newest entries, oldest first. */
  timeline: TimelineEntry[];
  timelineTotal: number;
  timelineTruncated: boolean;
  /** What needs doing now, one line each: unfilled roles, expired time-boxes, overdue updates, escalations due. */
  attention: string[];
}

/** The rules a view is computed with: the persona's settings and the severity framework. */
export interface ViewRules {
  settings: SoulSettings;
  severity: SeverityFramework;
}

/** What reading a view needs. */
export interface ViewDeps extends ViewRules {
  store: IncidentStore;
  cache: SnapshotCache;
  clock: Clock;
}

/** A pure function of one snapshot, the rules and the time. */
export function viewOf(snapshot: IncidentSnapshot, rules: ViewRules, now: Date): IncidentView {
  const { incident, roles, history, updates, items, hypotheses, timeline, timelineTotal } = snapshot;
  const { settings, severity } = rules;
  const iso = now.toISOString();
  const views = hypotheses.map((h) => hypothesisView(h, now));
  const dueAt = postmortemDueAt(incident, settings.postmortem_deadline_hours);
  const postmortemOverdue = dueAt !== null && !incident.postmortemPublishedAt && dueAt < iso;
  const titles = new Map(settings.roles.map((r) => [r.id, r.title]));
  const schedule = updateSchedule(severity, incident, updates, severitySetAt(history, incident), now);
  const escalation = escalationPlan(severity, incident.severity, {
    startedAt: incident.startedAt,
    status: incident.status,
    now,
  });
  // ISO times in UTC sort as text.
  const newest = [incident.updatedAt, incident.startedAt, ...timeline.map((e) => e.at)].sort().at(-1)!;
  const clockNote = clockBehindNote(newest, now);
  const attention = [
    ...(clockNote ? [clockNote] : []),
    ...(roles.length === 0 && incident.status !== 'resolved'
      ? ['No roles assigned: assign IC, Comms, Tech Lead and Scribe before troubleshooting.']
      : []),
    ...roles.filter((r) => !r.person).map((r) => `${titles.get(r.role) ?? r.role} unfilled: ${r.need}`),
    ...views.filter((h) => h.expired).map((h) => expiryAdvice(h)),
    ...(postmortemOverdue
      ? [
          `Post-mortem overdue since ${formatClock(dueAt, now)} (due ${settings.postmortem_deadline_hours} h after resolution).`,
        ]
      : []),
    ...schedule
      .filter((s) => s.overdue)
      .map(
        (s) =>
          `${s.audience} update overdue by ${s.overdueMinutes} min (was due ${formatClock(s.nextDueAt!, now)}): send one now, even "no change, still investigating".`,
      ),
    ...escalation.triggers
      .filter((t) => t.due)
      .map((t) => `Escalation due since ${formatClock(t.at!, now)}: ${t.action}`),
    ...items.filter((i) => isOverdue(i, now)).map((i) => `${i.id} overdue (owner ${i.owner}): ${i.title}`),
  ];
  return {
    incident,
    roles: roles.map((r) => ({
      role: r.role,
      title: titles.get(r.role) ?? r.role,
      person: r.person,
      need: r.need,
      interim: r.interim,
      assignedAt: r.assignedAt,
    })),
    severityHistory: history.map((h) => ({ at: h.at, from: h.from, to: h.to, reason: h.reason, author: h.author })),
    schedule,
    escalation,
    actionItems: items.map((i) => ({ ...i, overdue: isOverdue(i, now) })),
    hypotheses: views,
    durations: durations(incident),
    postmortem: { dueAt, publishedAt: incident.postmortemPublishedAt, overdue: postmortemOverdue },
    timeline: timeline.map((e) => ({
      seq: e.seq,
      at: e.at,
      author: e.author,
      kind: e.kind,
      text: e.text,
      data: e.data,
    })),
    timelineTotal,
    timelineTruncated: timelineTotal > timeline.length,
    attention,
  };
}

/** Reads one incident's live state now, with the newest `timelineLimit` entries. NotFoundError for an unknown id. */
export async function incidentView(
  deps: ViewDeps,
  id: string,
  options: { timelineLimit: number },
): Promise<IncidentView> {
  const now = deps.clock.now();
  return viewOf(await loadSnapshot(deps.store, deps.cache, id, options.timelineLimit), deps, now);
}
