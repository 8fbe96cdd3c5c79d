import { AUDIENCES, type Audience } from '../core/audiences.js';
import { formatMinutes } from '../core/time.js';
import { expiryAdvice } from '../incident/hypotheses.js';
import type { IncidentView } from '../incident/view.js';

/** A role still has nobody this long after it was first needed: the channel is reminded. */
export const ROLE_GRACE_MINUTES = 5;
/** How long "Snooze" quiets one reminder. */
export const SNOOZE_MINUTES = 10;

export type ReminderKind = `update:${Audience}` | 'roles' | 'hypotheses' | 'escalation' | 'postmortem';

export const REMINDER_KINDS: readonly ReminderKind[] = [
  ...AUDIENCES.map((a) => `update:${a}` as const),
  'roles',
  'hypotheses',
  'escalation',
  'postmortem',
];

/** Something the channel should do now, read from the incident's live state (the cadence engine's view). */
export interface DueReminder {
  kind: ReminderKind;
  /**
   * Which occurrence this is: the same while the same thing stays due (the message is edited), new
   * when something new falls due (a new message). An update's due time, a box's expiry.
   */
  cycle: string;
  title: string;
  lines: string[];
  /** The update this reminder asks for, when it asks for one (its button posts or drafts it). */
  audience: Audience | null;
  /** The reminder offers "Claim a role". */
  claim: boolean;
}

const AUDIENCE_TITLE: Record<Audience, string> = {
  engineering: 'Engineering',
  executive: 'Executive',
  customer: 'Customer',
};

/**
 * Everything due on an incident now, one entry per kind: updates due per audience (even with no
 * news), roles unfilled past their grace, hypotheses past their time-box, escalations due, and
 * after resolution the post-mortem. A pure function of the view and the time.
 */
export function dueReminders(view: IncidentView, now: Date): DueReminder[] {
  const { incident } = view;
  const iso = now.toISOString();
  const out: DueReminder[] = [];
  if (incident.status !== 'resolved') {
    for (const s of view.schedule) {
      if (!s.nextDueAt || s.nextDueAt > iso) continue;
      const late = s.overdueMinutes > 0 ? ` — ${formatMinutes(s.overdueMinutes)} late` : '';
      out.push({
        kind: `update:${s.audience}`,
        cycle: s.nextDueAt,
        title: `${AUDIENCE_TITLE[s.audience]} update due${late}`,
        lines: [
          `Every ${formatMinutes(s.cadenceMinutes ?? 0)} at ${incident.severity}. Send it now, even if it only says "no change, still investigating".`,
          ...(s.audience === 'customer'
            ? ['Customer text is drafted here and goes out only after a person approves it.']
            : []),
        ],
        audience: s.audience,
        claim: false,
      });
    }
    const cutoff = now.getTime() - ROLE_GRACE_MINUTES * 60_000;
    const unfilled = view.roles.filter((r) => !r.person && Date.parse(r.assignedAt) <= cutoff);
    if (unfilled.length)
      out.push({
        kind: 'roles',
        cycle: unfilled.map((r) => r.assignedAt).sort()[0]!,
        title: `${unfilled.length === 1 ? 'A role is' : `${unfilled.length} roles are`} still unfilled`,
        lines: unfilled.map((r) => `${r.title}: ${r.need ?? 'needs someone'}`),
        audience: null,
        claim: true,
      });
    const expired = view.hypotheses.filter((h) => h.expired);
    if (expired.length)
      out.push({
        kind: 'hypotheses',
        cycle: expired.map((h) => h.expiresAt).sort()[0]!,
        title: `${expired.length === 1 ? 'A hypothesis is' : `${expired.length} hypotheses are`} past the time-box`,
        lines: expired.map((h) => expiryAdvice(h)),
        audience: null,
        claim: false,
      });
    const escalations = view.escalation.triggers.filter((t) => t.due && t.at);
    if (escalations.length)
      out.push({
        kind: 'escalation',
        cycle: escalations
          .map((t) => t.at!)
          .sort()
          .at(-1)!,
        title: 'Escalation due',
        lines: escalations.map((t) => `${t.action} (due ${formatMinutes(t.afterMinutes)} after the start)`),
        audience: null,
        claim: false,
      });
  } else if (view.postmortem.dueAt && !view.postmortem.publishedAt) {
    out.push({
      kind: 'postmortem',
      cycle: view.postmortem.dueAt,
      title: view.postmortem.overdue ? 'Post-mortem overdue' : 'Post-mortem due',
      lines: [
        `A blameless post-mortem is due by the deadline: the timeline, an impact assessment, and action items that each have one owner and a due date.`,
        `Draft it with \`incident-commander postmortem ${incident.id}\`.`,
      ],
      audience: null,
      claim: false,
    });
  }
  return out;
}
