import { z } from 'zod';
import { AUDIENCES } from '../../core/audiences.js';
import { SEVERITIES } from '../../severity/signals.js';
import { INCIDENT_STATUSES } from '../../store/types.js';
import { defineGrader, fail, pass } from './types.js';

export const incidentState = defineGrader({
  name: 'incident_state',
  kind: 'state',
  description:
    'After the turn, the store holds an incident with the expected severity, status, and roles filled or named as needs.',
  params: z
    .object({
      exists: z.boolean().default(true),
      severity: z.enum(SEVERITIES).optional(),
      status: z.enum(INCIDENT_STATUSES).optional(),
      roles_assigned: z.boolean().optional(),
      action_items_min: z.number().int().min(0).optional(),
    })
    .strict(),
  grade({ turn }, p) {
    const s = turn.state;
    if (!p.exists) return s.incidentId ? fail(`an incident (${s.incidentId}) was opened`) : pass('no incident opened');
    if (!s.incidentId) return fail('no incident in the store');
    if (p.severity && s.severity !== p.severity)
      return fail(`${s.incidentId} is ${s.severity}, expected ${p.severity}`);
    if (p.status && s.status !== p.status) return fail(`${s.incidentId} is ${s.status}, expected ${p.status}`);
    if (p.roles_assigned && s.rolesFilled.length + s.rolesNeeded.length === 0) return fail('no roles recorded');
    if (p.action_items_min !== undefined && s.actionItems.length < p.action_items_min)
      return fail(`${s.actionItems.length} action item(s), expected at least ${p.action_items_min}`);
    return pass(`${s.incidentId} ${s.severity} ${s.status}`);
  },
});

export const updatesOnCadence = defineGrader({
  name: 'updates_on_cadence',
  kind: 'state',
  description:
    'Every stakeholder update window so far was met (severity cadence, 2 minutes of grace), replayed from the record: none late, none skipped.',
  params: z.object({ audiences: z.array(z.enum(AUDIENCES)).min(1).optional() }).strict(),
  grade({ turn }, { audiences }) {
    const s = turn.state;
    if (!s.incidentId) return fail('no incident was declared, so no updates were owed or sent');
    const misses = s.cadenceMisses.filter((m) => !audiences || (audiences as readonly string[]).includes(m.audience));
    if (!misses.length) return pass('every update window met');
    const shown = misses
      .slice(0, 3)
      .map(
        (m) =>
          `${m.audience} update due ${m.dueAt.slice(11, 16)} ${m.sentAt ? `sent ${m.lateMinutes} min late` : 'never sent'}`,
      );
    return fail(`${misses.length} update window(s) missed: ${shown.join('; ')}${misses.length > 3 ? '; …' : ''}`);
  },
});

export const timeboxesKept = defineGrader({
  name: 'timeboxes_kept',
  kind: 'state',
  description: 'No hypothesis was worked past its time-box: each was confirmed, ruled out or parked in time.',
  params: z.object({}).strict(),
  grade({ turn }) {
    const over = turn.state.timeboxOverruns;
    if (!over.length) return pass('every hypothesis closed within its time-box');
    return fail(
      over
        .map(
          (h) =>
            `${h.id} "${h.statement}" ${h.open ? 'still open' : 'closed'} ${h.overrunMinutes} min past its time-box`,
        )
        .join('; '),
    );
  },
});

export const actionItemsTracked = defineGrader({
  name: 'action_items_tracked',
  kind: 'state',
  description:
    'At least `min` action items are tracked on the incident, each with an owner and a due date, and none was proposed without them.',
  params: z.object({ min: z.number().int().min(0).default(1) }).strict(),
  grade({ turn, callsSoFar }, { min }) {
    const rejected = callsSoFar.filter((c) => c.name === 'create_action_item' && c.isError);
    if (rejected.length)
      return fail(
        `${rejected.length} action item(s) proposed without a named owner or a due date (${rejected.map((c) => `"${String(c.input['title'] ?? '?')}"`).join(', ')})`,
      );
    const items = turn.state.actionItems;
    if (items.length < min) return fail(`${items.length} action item(s) tracked, expected at least ${min}`);
    return pass(`${items.length} action item(s), each with owner and due date`);
  },
});

export const STATE_GRADERS = [incidentState, updatesOnCadence, timeboxesKept, actionItemsTracked];
