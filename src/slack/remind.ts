import { createHash } from 'node:crypto';
import type { IncidentView } from '../incident/view.js';
import { viewFor } from './channel.js';
import type { SlackDeps } from './deps.js';
import type { ReminderRecord } from './refs.js';
import { dueReminders, REMINDER_KINDS, type ReminderKind, SNOOZE_MINUTES } from './reminders.js';
import { renderReminder, renderReminderDone, renderReminderSnoozed } from './render/reminder.js';

const hashOf = (value: unknown): string =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

/**
 * Posts what the cadence engine says is due, one message per kind and incident: posted when
 * something falls due, edited while it stays due, marked done when it is not due any more, quiet
 * while snoozed and posted again when a snooze ends with the thing still due. Across instances,
 * each new reminder is posted once (the first to claim it posts it).
 */
export class Reminders {
  constructor(private readonly deps: SlackDeps) {}

  async check(incidentId: string): Promise<void> {
    const { deps } = this;
    const channel = await deps.refs.channelOf(incidentId);
    if (!channel) return;
    const view = await viewFor(deps, incidentId);
    const now = deps.runtime.clock.now();
    const due = new Map(dueReminders(view, now).map((r) => [r.kind, r]));
    for (const kind of REMINDER_KINDS) {
      const reminder = due.get(kind);
      const record = await deps.refs.reminder(incidentId, kind);
      if (!reminder) {
        if (record && record.state !== 'done') await this.done(incidentId, kind, record, now);
        continue;
      }
      const message = renderReminder(view, reminder);
      const shown = hashOf(message);
      if (record && record.cycle === reminder.cycle && record.state !== 'done') {
        if (record.state === 'snoozed') {
          if (record.snoozedUntil && record.snoozedUntil > now.toISOString()) continue;
          // The snooze is over and it is still due: say so again, below the newer messages.
          await this.post(
            view,
            kind,
            reminder.cycle,
            `${reminder.cycle}:after-${record.snoozedUntil}`,
            reminder.title,
            message,
            shown,
            channel.channel,
          );
          continue;
        }
        if (record.shown !== shown) {
          await deps.web.update(record.channel, record.ts, message);
          await deps.refs.saveReminder(incidentId, kind, { ...record, shown, title: reminder.title });
        }
        continue;
      }
      // Something new is due: close the previous occurrence, then post this one.
      if (record && record.state !== 'done') await this.done(incidentId, kind, record, now);
      await this.post(view, kind, reminder.cycle, reminder.cycle, reminder.title, message, shown, channel.channel);
    }
  }

  private async post(
    view: IncidentView,
    kind: ReminderKind,
    cycle: string,
    occurrence: string,
    title: string,
    message: ReturnType<typeof renderReminder>,
    shown: string,
    channel: string,
  ): Promise<void> {
    const { deps } = this;
    const id = view.incident.id;
    const key = `${id}:${kind}:${occurrence}`;
    if (!(await deps.runtime.store.claim('slack-reminder', key, deps.runtime.clock.now().toISOString()))) return;
    try {
      const ts = await deps.web.post(channel, message);
      await deps.refs.saveReminder(id, kind, {
        channel,
        ts,
        cycle,
        state: 'open',
        title,
        shown,
        snoozedUntil: null,
        snoozedBy: null,
      });
    } catch (error) {
      await deps.runtime.store.releaseClaim('slack-reminder', key);
      throw error;
    }
  }

  private async done(incidentId: string, kind: ReminderKind, record: ReminderRecord, now: Date): Promise<void> {
    const at = now.toISOString();
    await this.deps.web.update(record.channel, record.ts, renderReminderDone(incidentId, record.title, at, now));
    await this.deps.refs.saveReminder(incidentId, kind, { ...record, state: 'done' });
  }

  /** "Snooze": quiet this reminder for a while; it comes back if still due after. False when there is none open. */
  async snooze(incidentId: string, kind: string, by: string): Promise<boolean> {
    const { deps } = this;
    const record = await deps.refs.reminder(incidentId, kind);
    if (!record || record.state === 'done') return false;
    const now = deps.runtime.clock.now();
    const until = new Date(now.getTime() + SNOOZE_MINUTES * 60_000).toISOString();
    await deps.web.update(record.channel, record.ts, renderReminderSnoozed(incidentId, record.title, by, until, now));
    await deps.refs.saveReminder(incidentId, kind, { ...record, state: 'snoozed', snoozedUntil: until, snoozedBy: by });
    return true;
  }
}
