import type { IncidentView } from '../../incident/view.js';
import { type Block, type Element, fitMessage, LIMITS, md, type Message, plain } from '../blocks.js';
import { ACTION, audienceValue, roleValue, snoozeValue } from '../ids.js';
import { escapeText } from '../mrkdwn.js';
import { type DueReminder, SNOOZE_MINUTES } from '../reminders.js';
import { when } from './headline.js';

const ICON: Record<string, string> = {
  update: ':alarm_clock:',
  roles: ':bust_in_silhouette:',
  hypotheses: ':hourglass:',
  escalation: ':rotating_light:',
  postmortem: ':memo:',
};

function icon(kind: string): string {
  return ICON[kind.split(':')[0]!] ?? ':bell:';
}

/** A reminder while it is due: what to do, and the button that does it, with Snooze. */
export function renderReminder(view: IncidentView, reminder: DueReminder): Message {
  const id = view.incident.id;
  const elements: Element[] = [];
  if (reminder.audience === 'customer')
    elements.push({
      type: 'button',
      action_id: ACTION.draftCustomer,
      text: plain('Draft customer update', LIMITS.buttonText),
      value: id,
      style: 'primary',
    });
  else if (reminder.audience)
    elements.push({
      type: 'button',
      action_id: `${ACTION.postUpdate}:${reminder.audience}`,
      text: plain(`Post ${reminder.audience} update`, LIMITS.buttonText),
      value: audienceValue(id, reminder.audience),
      style: 'primary',
    });
  if (reminder.claim) {
    const unfilled = view.roles.filter((r) => !r.person);
    if (unfilled.length)
      elements.push({
        type: 'static_select',
        action_id: ACTION.claimRole,
        placeholder: plain('Claim a role…', LIMITS.placeholder),
        options: unfilled.map((r) => ({ text: plain(r.title, LIMITS.optionText), value: roleValue(id, r.role) })),
      });
  }
  elements.push({
    type: 'button',
    action_id: ACTION.snooze,
    text: plain(`Snooze ${SNOOZE_MINUTES} min`, LIMITS.buttonText),
    value: snoozeValue(id, reminder.kind),
  });
  const blocks: Block[] = [
    {
      type: 'section',
      text: md(
        `${icon(reminder.kind)} *${escapeText(reminder.title)}* · ${id}\n${reminder.lines.map((l) => `• ${escapeText(l)}`).join('\n')}`,
      ),
    },
    { type: 'actions', block_id: `reminder:${id}:${reminder.kind}`, elements },
  ];
  return fitMessage({ text: escapeText(`${id}: ${reminder.title}`), blocks });
}

/** The same reminder once nothing is due any more: kept in the channel, marked done, without buttons. */
export function renderReminderDone(incidentId: string, title: string, doneAt: string, now: Date): Message {
  return fitMessage({
    text: escapeText(`${incidentId}: done — ${title}`),
    blocks: [
      { type: 'context', elements: [md(`:white_check_mark: ~${escapeText(title)}~ · done by ${when(doneAt, now)}`)] },
    ],
  });
}

/** The reminder while someone has snoozed it. */
export function renderReminderSnoozed(
  incidentId: string,
  title: string,
  by: string,
  until: string,
  now: Date,
): Message {
  return fitMessage({
    text: escapeText(`${incidentId}: ${title} (snoozed)`),
    blocks: [
      {
        type: 'context',
        elements: [
          md(
            `:zzz: *${escapeText(title)}* · snoozed by ${escapeText(by)} until ${when(until, now)}; it comes back if still due.`,
          ),
        ],
      },
    ],
  });
}
