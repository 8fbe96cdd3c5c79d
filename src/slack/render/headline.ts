import type { Audience } from '../../core/audiences.js';
import { formatClock, formatMinutes } from '../../core/time.js';
import type { IncidentView } from '../../incident/view.js';
import { type ActionsBlock, type Block, type Element, fitMessage, LIMITS, md, type Message, plain } from '../blocks.js';
import { ACTION, audienceValue, roleValue } from '../ids.js';
import { escapeText, slackDate } from '../mrkdwn.js';

const AUDIENCE_LABEL: Record<Audience, string> = {
  engineering: 'Engineering',
  executive: 'Executive',
  customer: 'Customer',
};

/** How many hypotheses and action items the headline lists before "and N more". */
const LISTED = 8;

/** A time in the reader's own zone, with the UTC clock as the fallback. */
export function when(at: string, now: Date): string {
  return slackDate(at, formatClock(at, now));
}

/** The one-line state the channel topic carries: SEV, status, IC, next update. At most 250 characters. */
export function topicOf(view: IncidentView, now: Date): string {
  const { incident } = view;
  const ic = view.roles.find((r) => r.role === 'incident_commander');
  const next = view.schedule
    .map((s) => s.nextDueAt)
    .filter((t): t is string => t !== null)
    .sort()[0];
  const parts = [
    `${incident.id} ${incident.severity}`,
    incident.status,
    `IC: ${ic?.person ?? 'unfilled'}`,
    incident.status === 'resolved'
      ? view.postmortem.dueAt
        ? `post-mortem due ${formatClock(view.postmortem.dueAt, now)}`
        : 'resolved'
      : next
        ? `next update ${formatClock(next, now)}`
        : 'no scheduled updates',
  ];
  return parts.join(' · ').slice(0, LIMITS.topic);
}

function rolesBlock(view: IncidentView): Block | null {
  if (!view.roles.length)
    return { type: 'section', text: md(':warning: *No roles yet* — assign them before troubleshooting.') };
  return {
    type: 'section',
    fields: view.roles
      .slice(0, LIMITS.sectionFields)
      .map((r) =>
        md(
          `*${escapeText(r.title)}*\n${
            r.person
              ? `${escapeText(r.person)}${r.interim ? ' _(until a dedicated IC joins)_' : ''}`
              : `:warning: unfilled — ${escapeText(r.need ?? 'needs someone')}`
          }`,
          LIMITS.fieldText,
        ),
      ),
  };
}

function updatesBlock(view: IncidentView, now: Date): Block | null {
  if (view.incident.status === 'resolved') return null;
  const lines = view.schedule.map((s) => {
    const label = AUDIENCE_LABEL[s.audience];
    if (s.cadenceMinutes === null || !s.nextDueAt)
      return `• ${label}: no scheduled updates at ${view.incident.severity}`;
    const due = when(s.nextDueAt, now);
    return s.overdue
      ? `• :rotating_light: ${label}: *overdue*, was due ${due} (every ${formatMinutes(s.cadenceMinutes)})`
      : `• ${label}: due ${due} (every ${formatMinutes(s.cadenceMinutes)})`;
  });
  return { type: 'section', text: md(`*Next updates*\n${lines.join('\n')}`) };
}

function hypothesesBlock(view: IncidentView, now: Date): Block | null {
  const open = view.hypotheses.filter((h) => h.status === 'open');
  if (!open.length) return null;
  const lines = open.slice(0, LISTED).map((h) => {
    const who = escapeText(h.owner);
    const what = `${h.id} “${escapeText(h.statement)}” (${who})`;
    return h.expired
      ? `• :hourglass: ${what} — *past its ${h.timeboxMinutes}-min box*, which ended ${when(h.expiresAt, now)}`
      : `• ${what} — ${h.timeboxMinutes}-min box until ${when(h.expiresAt, now)}`;
  });
  if (open.length > LISTED) lines.push(`…and ${open.length - LISTED} more`);
  return { type: 'section', text: md(`*Hypotheses*\n${lines.join('\n')}`) };
}

function actionItemsBlock(view: IncidentView, now: Date): Block | null {
  const open = view.actionItems.filter((i) => i.status === 'open' || i.status === 'in_progress');
  if (!open.length) return null;
  const lines = open
    .slice(0, LISTED)
    .map(
      (i) =>
        `• ${i.overdue ? ':rotating_light: ' : ''}${i.id} ${escapeText(i.title)} — ${escapeText(i.owner)}, due ${when(i.dueAt, now)}`,
    );
  if (open.length > LISTED) lines.push(`…and ${open.length - LISTED} more`);
  return { type: 'section', text: md(`*Action items*\n${lines.join('\n')}`) };
}

function resolvedBlock(view: IncidentView, now: Date): Block | null {
  const { incident, postmortem, durations } = view;
  if (incident.status !== 'resolved') return null;
  const lasted =
    durations.timeToResolveMinutes !== null ? ` after ${formatMinutes(durations.timeToResolveMinutes)}` : '';
  const pm = postmortem.publishedAt
    ? `Post-mortem published ${when(postmortem.publishedAt, now)}.`
    : postmortem.dueAt
      ? `${postmortem.overdue ? ':rotating_light: Post-mortem *overdue*' : 'Post-mortem due'} by ${when(postmortem.dueAt, now)}.`
      : '';
  return {
    type: 'section',
    text: md(
      `:white_check_mark: *Resolved*${lasted}: ${escapeText(incident.resolution ?? 'no resolution recorded')}\n${pm}`,
    ),
  };
}

/** The buttons of a live incident: claim a role, post the drafted updates, start a hypothesis, resolve. */
export function headlineActions(view: IncidentView): ActionsBlock | null {
  const { incident } = view;
  if (incident.status === 'resolved') return null;
  const elements: Element[] = [];
  if (view.roles.length)
    elements.push({
      type: 'static_select',
      action_id: ACTION.claimRole,
      placeholder: plain('Claim a role…', LIMITS.placeholder),
      options: view.roles.map((r) => ({
        text: plain(`${r.title}${r.person ? ` (now ${r.person})` : ''}`, LIMITS.optionText),
        value: roleValue(incident.id, r.role),
      })),
    });
  for (const s of view.schedule) {
    if (s.audience === 'customer') continue;
    elements.push({
      type: 'button',
      action_id: `${ACTION.postUpdate}:${s.audience}`,
      text: plain(`Post ${s.audience} update`, LIMITS.buttonText),
      value: audienceValue(incident.id, s.audience),
    });
  }
  elements.push(
    {
      type: 'button',
      action_id: ACTION.draftCustomer,
      text: plain('Draft customer update', LIMITS.buttonText),
      value: incident.id,
    },
    {
      type: 'button',
      action_id: ACTION.startHypothesis,
      text: plain('Start hypothesis', LIMITS.buttonText),
      value: incident.id,
    },
    {
      type: 'button',
      action_id: ACTION.resolve,
      text: plain('Resolve', LIMITS.buttonText),
      value: incident.id,
      style: 'primary',
    },
  );
  return { type: 'actions', block_id: `headline:${incident.id}`, elements };
}

/**
 * The incident's one pinned message, edited in place as the state changes: severity, status,
 * roles and needs, next update per audience, open hypotheses with time left, action items, and
 * the buttons. A pure function of the view and the time.
 */
export function renderHeadline(view: IncidentView, now: Date): Message {
  const { incident } = view;
  const status = incident.status === 'resolved' ? 'RESOLVED' : incident.status;
  // Slack counts "N minutes ago" in each reader's client: the headline need not be edited as time passes.
  const started = `*Started* ${incident.status === 'resolved' ? when(incident.startedAt, now) : slackDate(incident.startedAt, formatClock(incident.startedAt, now), '{time} ({ago})')}`;
  const severityReason = view.severityHistory.at(-1)?.reason;
  const blocks: (Block | null)[] = [
    {
      type: 'header',
      text: plain(`${incident.id} · ${incident.severity} · ${status} · ${incident.title}`, LIMITS.headerText),
    },
    {
      type: 'section',
      text: md(
        [
          `*Status* ${escapeText(incident.status)} · ${started} · *Declared by* ${escapeText(incident.declaredBy)}`,
          severityReason ? `*Severity* ${incident.severity}: ${escapeText(severityReason)}` : '',
          view.escalation.triggered && incident.status !== 'resolved'
            ? `*Escalation* page ${escapeText(view.escalation.page.join(', ') || 'on call')}`
            : '',
        ]
          .filter(Boolean)
          .join('\n'),
      ),
    },
    resolvedBlock(view, now),
    rolesBlock(view),
    updatesBlock(view, now),
    hypothesesBlock(view, now),
    actionItemsBlock(view, now),
    view.attention.length && incident.status !== 'resolved'
      ? {
          type: 'context',
          elements: view.attention.slice(0, 3).map((a) => md(`:point_right: ${escapeText(a)}`, LIMITS.contextText)),
        }
      : null,
    headlineActions(view),
  ];
  return fitMessage({
    text: escapeText(`${incident.id} ${incident.severity} ${status}: ${incident.title}`),
    blocks: blocks.filter((b): b is Block => b !== null),
  });
}
