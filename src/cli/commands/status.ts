import { formatClock, formatMinutes, minutesBetween } from '../../core/time.js';
import { isOverdue } from '../../incident/action-items.js';
import { postmortemDueAt } from '../../incident/durations.js';
import { incidentView } from '../../incident/view.js';
import { overridesFrom } from '../args.js';
import { EXIT, type CliIO } from '../io.js';
import { openCliRuntime } from '../open.js';
import type { Parsed } from '../spec.js';
import type { STATUS } from './specs.js';

const SOON_HOURS = 12;

/**
 * What needs doing across every incident: live incidents and their attention items (overdue
 * updates, expired hypotheses, unfilled roles, escalations due), post-mortems due soon or overdue,
 * action items past their due date.
 */
export async function run({ flags }: Parsed<(typeof STATUS)['flags']>, io: CliIO): Promise<number> {
  const runtime = openCliRuntime(overridesFrom(flags), io, { readOnly: true });
  try {
    const now = runtime.clock.now();
    const ctx = runtime.context('status');
    const open = await runtime.store.listIncidents({
      status: ['investigating', 'identified', 'monitoring'],
      limit: 100,
    });
    const live = [];
    for (const incident of open) {
      const view = await incidentView(ctx, incident.id, { timelineLimit: 1 }).catch(() => null);
      if (view)
        live.push({
          id: incident.id,
          title: incident.title,
          severity: incident.severity,
          status: incident.status,
          attention: view.attention,
        });
    }
    const resolved = await runtime.store.listIncidents({ status: ['resolved'], limit: 500 });
    const hours = runtime.soul.config.settings.postmortem_deadline_hours;
    const postmortems = resolved
      .filter((i) => !i.postmortemPublishedAt)
      .map((i) => ({ id: i.id, title: i.title, severity: i.severity, dueAt: postmortemDueAt(i, hours)! }))
      .filter((p) => minutesBetween(now, p.dueAt) < SOON_HOURS * 60)
      .map((p) => ({ ...p, overdue: p.dueAt < now.toISOString() }));
    const items = (
      await runtime.store.listActionItems({ status: ['open', 'in_progress'], dueBefore: now.toISOString() })
    ).filter((i) => isOverdue(i, now));

    if (flags.json) {
      io.stdout(`${JSON.stringify({ now: now.toISOString(), live, postmortems, overdueActionItems: items })}\n`);
      return EXIT.ok;
    }
    const out: string[] = [];
    out.push(live.length ? `Live incidents (${live.length}):` : 'No live incidents.');
    for (const l of live) {
      out.push(`  ${l.id} ${l.severity} ${l.status} — ${l.title}`);
      for (const a of l.attention) out.push(`    ! ${a}`);
    }
    out.push(
      postmortems.length
        ? `Post-mortems due within ${SOON_HOURS} h or overdue (${postmortems.length}):`
        : `No post-mortem due within ${SOON_HOURS} h.`,
    );
    for (const p of postmortems)
      out.push(
        `  ${p.id} ${p.severity} — ${p.title}: ${p.overdue ? `OVERDUE by ${formatMinutes(minutesBetween(p.dueAt, now))}` : `due ${formatClock(p.dueAt, now)}`}`,
      );
    out.push(items.length ? `Action items overdue (${items.length}):` : 'No action items overdue.');
    for (const i of items)
      out.push(`  ${i.id} (${i.incidentId}) ${i.title} — owner ${i.owner}, due ${formatClock(i.dueAt, now)}`);
    io.stdout(`${out.join('\n')}\n`);
    return EXIT.ok;
  } finally {
    await runtime.close();
  }
}
