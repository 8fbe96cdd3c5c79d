import { z } from 'zod';
import { AUDIENCES, type Audience } from '../../core/audiences.js';
import { SEVERITIES } from '../../severity/signals.js';
import { INCIDENT_STATUSES } from '../../store/types.js';
import { placeholderOwner } from '../meaning/owners.js';
import { CONTRACT_LIMITS, defaultPersona } from '../persona.js';
import { defineGrader, fail, pass, skip, type GradeInput } from './types.js';

const MINUTE = 60_000;
const hhmm = (iso: string): string => iso.slice(11, 16);
const ms = (iso: string): number => new Date(iso).getTime();

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

/** Start times of the turns so far: the only moments the commander can act. */
function turnTimes({ transcript, turnIndex }: GradeInput): string[] {
  return transcript.turns.slice(0, turnIndex + 1).map((t) => t.at);
}

interface Miss {
  audience: Audience;
  dueAt: string;
  turnAt: string;
}

/**
 * Replays the record turn by turn: an update to an audience is owed at a turn when its cadence (at
 * the severity in force) has run out since the last update or the declaration; the commander meets
 * it by sending one in that turn, the first moment it could. A turn that lets it pass is a miss.
 */
function cadenceMisses(input: GradeInput, audiences: readonly Audience[]): Miss[] {
  const s = input.turn.state;
  const history = [...s.severityHistory].sort((a, b) => a.at.localeCompare(b.at));
  const updates = [...s.updates].sort((a, b) => a.at.localeCompare(b.at));
  const misses: Miss[] = [];
  for (const at of turnTimes(input)) {
    if (s.resolvedAt && at >= s.resolvedAt) break;
    const segment = history.filter((h) => h.at <= at).at(-1);
    if (!segment || segment.at === at) continue;
    for (const audience of audiences) {
      const cadence = (input.persona ?? defaultPersona()).cadence(segment.to, audience);
      if (cadence === null) continue;
      const last = updates.filter((u) => u.audience === audience && u.at < at && u.at >= segment.at).at(-1)?.at;
      const dueAt = new Date(ms(last ?? segment.at) + cadence * MINUTE).toISOString();
      if (dueAt > at) continue;
      if (!updates.some((u) => u.audience === audience && u.at === at)) misses.push({ audience, dueAt, turnAt: at });
    }
  }
  return misses;
}

export const updatesOnCadence = defineGrader({
  name: 'updates_on_cadence',
  kind: 'state',
  description:
    "Replayed from the record: at every turn where an audience's update was due (the severity framework's cadence since the last update or the declaration), the commander sent one in that turn — even with no change. None skipped.",
  params: z.object({ audiences: z.array(z.enum(AUDIENCES)).min(1).optional() }).strict(),
  grade(input, { audiences }) {
    const s = input.turn.state;
    if (!s.incidentId) return fail('no incident was declared, so no updates were owed or sent');
    const misses = cadenceMisses(input, audiences ?? AUDIENCES);
    if (!misses.length) {
      const sent = s.updates.length;
      return pass(`every update owed so far was sent (${sent} update(s) on record)`);
    }
    const shown = misses.slice(0, 3).map((m) => {
      const later = s.updates.find((u) => u.audience === m.audience && u.at > m.turnAt);
      return `${m.audience} update due ${hhmm(m.dueAt)} ${later ? `not sent at the ${hhmm(m.turnAt)} turn (sent ${hhmm(later.at)})` : 'never sent'}`;
    });
    return fail(`${misses.length} update window(s) missed: ${shown.join('; ')}${misses.length > 3 ? '; …' : ''}`);
  },
});

export const timeboxesKept = defineGrader({
  name: 'timeboxes_kept',
  kind: 'state',
  description:
    "Replayed from the record: every hypothesis got a time-box no longer than SOUL.md's (within the seed rule's limit), and at the first turn after its box ran out it was confirmed, ruled out or parked — none worked past it.",
  params: z.object({}).strict(),
  grade(input) {
    const s = input.turn.state;
    if (!s.hypotheses.length) return skip('no hypothesis on record');
    const limit = Math.min((input.persona ?? defaultPersona()).timeboxMinutes, CONTRACT_LIMITS.timeboxMaxMinutes);
    const problems: string[] = [];
    for (const h of s.hypotheses) {
      if (h.timeboxMinutes > limit)
        problems.push(`${h.id} was given ${h.timeboxMinutes} min, over the ${limit}-minute time-box`);
      const expiry = ms(h.startedAt) + h.timeboxMinutes * MINUTE;
      for (const at of turnTimes(input)) {
        if (ms(at) <= expiry || (s.resolvedAt && at >= s.resolvedAt)) continue;
        const closedBy = h.resolvedAt && h.resolvedAt <= at;
        if (!closedBy)
          problems.push(
            `${h.id} "${h.statement.slice(0, 60)}" still open at ${hhmm(at)}, ${Math.floor((ms(at) - expiry) / MINUTE)} min past its time-box, and that turn did not close it`,
          );
        break;
      }
    }
    return problems.length
      ? fail(problems.join('; '))
      : pass(`${s.hypotheses.length} hypothesis(es), each closed within its time-box or at the first turn after`);
  },
});

export const actionItemsTracked = defineGrader({
  name: 'action_items_tracked',
  kind: 'state',
  description:
    'At least `min` action items are tracked on the incident, each with one named owner (no placeholder) and a due date within SOUL.md action_item_max_due_days of its creation, and none was proposed without them.',
  params: z.object({ min: z.number().int().min(0).default(1) }).strict(),
  grade({ turn, callsSoFar, persona = defaultPersona() }, { min }) {
    const rejected = callsSoFar.filter((c) => c.name === 'create_action_item' && c.isError);
    if (rejected.length)
      return fail(
        `${rejected.length} action item(s) proposed without a named owner or a due date (${rejected.map((c) => `"${String(c.input['title'] ?? '?')}"`).join(', ')})`,
      );
    const items = turn.state.actionItems;
    for (const item of items) {
      const bad = placeholderOwner(item.owner);
      if (bad) return fail(`${item.id} "${item.title.slice(0, 60)}" has owner ${bad}`);
      if (!item.dueAt) return fail(`${item.id} has no due date`);
      const days = (ms(item.dueAt) - ms(item.createdAt ?? turn.at)) / (24 * 60 * MINUTE);
      if (days > persona.actionItemMaxDueDays + 1)
        return fail(`${item.id} is due in ${Math.round(days)} days, over SOUL.md's ${persona.actionItemMaxDueDays}`);
    }
    if (items.length < min) return fail(`${items.length} action item(s) tracked, expected at least ${min}`);
    return pass(`${items.length} action item(s), each with a named owner and a due date`);
  },
});

export const postmortemWithinDeadline = defineGrader({
  name: 'postmortem_within_deadline',
  kind: 'state',
  description:
    "Replayed from the record: the incident was resolved, and a post-mortem was drafted (generate_postmortem) and, if published, published within SOUL.md's postmortem_deadline_hours (within the seed rule's limit) of the resolution. `drafted: false` only checks that none is late.",
  params: z.object({ drafted: z.boolean().default(true) }).strict(),
  grade(input, { drafted }) {
    const s = input.turn.state;
    if (!s.incidentId) return fail('no incident on record');
    if (!s.resolvedAt) return fail(`${s.incidentId} is not resolved: no post-mortem clock has started`);
    const hours = (input.persona ?? defaultPersona()).postmortemHours;
    if (hours > CONTRACT_LIMITS.postmortemMaxHours)
      return fail(
        `SOUL.md allows ${hours} h for the post-mortem, over the ${CONTRACT_LIMITS.postmortemMaxHours} h the seed's rule allows`,
      );
    const deadline = ms(s.resolvedAt) + hours * 60 * MINUTE;
    const turns = input.transcript.turns.slice(0, input.turnIndex + 1);
    const draftTurn = turns.find(
      (t) => t.at >= s.resolvedAt! && t.toolCalls.some((c) => c.name === 'generate_postmortem' && !c.isError),
    );
    if (draftTurn && ms(draftTurn.at) > deadline)
      return fail(`post-mortem drafted at ${draftTurn.at}, after its ${hours} h deadline`);
    if (s.postmortemPublishedAt && ms(s.postmortemPublishedAt) > deadline)
      return fail(`post-mortem published ${s.postmortemPublishedAt}, after its ${hours} h deadline`);
    if (!draftTurn) {
      if (ms(input.turn.at) > deadline) return fail(`no post-mortem ${hours} h after the resolution: overdue`);
      if (drafted) return fail('no post-mortem drafted yet');
      return pass(`post-mortem not yet due (due ${new Date(deadline).toISOString().slice(0, 16)}Z)`);
    }
    return pass(
      `post-mortem drafted ${Math.round((ms(draftTurn.at) - ms(s.resolvedAt)) / MINUTE)} min after resolution, within ${hours} h`,
    );
  },
});

export const STATE_GRADERS = [
  incidentState,
  updatesOnCadence,
  timeboxesKept,
  actionItemsTracked,
  postmortemWithinDeadline,
];
