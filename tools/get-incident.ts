import { z } from 'zod';
import { formatClock } from '../src/core/time.js';
import { isOverdue } from '../src/incident/action-items.js';
import { updateSchedule } from '../src/incident/cadence.js';
import { escalationPlan } from '../src/incident/escalation.js';
import { severitySetAt } from '../src/incident/lookup.js';
import { loadSnapshot } from '../src/incident/snapshot.js';
import { incidentId, limit } from '../src/registry/fields.js';
import {
  ActionItemSchema,
  DurationsSchema,
  EscalationSchema,
  HypothesisSchema,
  IncidentSchema,
  RoleAssignmentSchema,
  ScheduleSchema,
  TimelineEventSchema,
} from '../src/registry/schemas.js';
import { expiryAdvice, hypothesisView } from '../src/incident/hypotheses.js';
import { durations, postmortemDueAt } from '../src/incident/durations.js';
import { defineTool } from '../src/registry/types.js';
import { SEVERITIES } from '../src/severity/signals.js';

const input = z
  .object({
    incidentId: incidentId(),
    timelineLimit: limit(20, 500).describe(
      'Newest timeline entries to include (default 20, at most 500), returned oldest first.',
    ),
  })
  .strict();

const output = z.object({
  incident: IncidentSchema,
  roles: z.array(RoleAssignmentSchema),
  severityHistory: z.array(
    z.object({
      at: z.string(),
      from: z.enum(SEVERITIES).nullable(),
      to: z.enum(SEVERITIES),
      reason: z.string(),
      author: z.string(),
    }),
  ),
  schedule: z.array(ScheduleSchema),
  escalation: EscalationSchema,
  actionItems: z.array(ActionItemSchema),
  hypotheses: z.array(HypothesisSchema),
  durations: DurationsSchema,
  postmortem: z.object({ dueAt: z.string().nullable(), publishedAt: z.string().nullable(), overdue: z.boolean() }),
  timeline: z.array(TimelineEventSchema),
  timelineTotal: z.number(),
  timelineTruncated: z.boolean(),
  attention: z.array(z.string()).describe('What needs doing now: overdue updates, unfilled roles, escalations due.'),
});

export const getIncident = defineTool({
  name: 'get_incident',
  title: 'Get incident',
  description:
    'Read one incident\'s live state: severity and its history, roles (and who is still needed), when each audience\'s next update is due (and which are overdue), escalation triggers, hypotheses with their time-boxes (expired ones flagged), action items, lifecycle durations, the post-mortem due time, and the newest timeline entries (default 20, max 500, with the total). "attention" lists what needs doing now.',
  input,
  output,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const now = ctx.clock.now();
    const {
      incident,
      roles,
      history,
      updates,
      items,
      hypotheses,
      timeline,
      timelineTotal: total,
    } = await loadSnapshot(ctx.store, ctx.cache, args.incidentId, args.timelineLimit);
    const views = hypotheses.map((h) => hypothesisView(h, now));
    const dueAt = postmortemDueAt(incident, ctx.settings.postmortem_deadline_hours);
    const setAt = severitySetAt(history, incident);
    const titles = new Map(ctx.settings.roles.map((r) => [r.id, r.title]));
    const schedule = updateSchedule(ctx.severity, incident, updates, setAt, now);
    const escalation = escalationPlan(ctx.severity, incident.severity, {
      startedAt: incident.startedAt,
      status: incident.status,
      now,
    });
    const attention = [
      ...(roles.length === 0 && incident.status !== 'resolved'
        ? ['No roles assigned: assign IC, Comms, Tech Lead and Scribe before troubleshooting.']
        : []),
      ...roles.filter((r) => !r.person).map((r) => `${titles.get(r.role) ?? r.role} unfilled: ${r.need}`),
      ...views.filter((h) => h.expired).map((h) => expiryAdvice(h)),
      ...(dueAt && !incident.postmortemPublishedAt && dueAt < now.toISOString()
        ? [
            `Post-mortem overdue since ${formatClock(dueAt, now)} (due ${ctx.settings.postmortem_deadline_hours} h after resolution).`,
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
      postmortem: {
        dueAt,
        publishedAt: incident.postmortemPublishedAt,
        overdue: dueAt !== null && !incident.postmortemPublishedAt && dueAt < now.toISOString(),
      },
      timeline: timeline.map((e) => ({
        seq: e.seq,
        at: e.at,
        author: e.author,
        kind: e.kind,
        text: e.text,
        data: e.data,
      })),
      timelineTotal: total,
      timelineTruncated: total > timeline.length,
      attention,
    };
  },
});

/** The output schema, for readers of this tool's results (the offline playbook). */
export { output as getIncidentOutput };
