import { addMinutes, formatClock, formatMinutes, minutesBetween } from '../../core/time.js';
import { bullets, numbered, section, sentence } from '../compose.js';
import { failure, result, results } from '../outputs.js';
import { actionKind, actionPriority } from '../../language/index.js';
import { notMade, reply, type Play, type Step, type ToolCall } from '../step.js';
import { actionItems } from './live.js';
import { tried } from '../turn.js';
import { withoutBlame } from '../../incident/blameless.js';
import { incidentOf } from './communications.js';

/** Text from the record, minus the clauses that name a person as the cause. */
function blameless(text: string): string {
  return withoutBlame(text);
}

/** Action items for an incident that is not live here (resolved, or named): owner and due date, or not at all. */
export const actionItemsPlay: Play = {
  id: 'action-item',
  applies: (heard) => heard.intents.includes('action_item') && !heard.intents.includes('postmortem'),
  next(turn, heard, env): Step {
    const id = incidentOf(turn, heard);
    if (!id)
      return reply(
        'Which incident is this action item for? Give its id (INC-12), or tell me about the incident first.',
      );
    const items = actionItems(turn, heard, env);
    const complete = items.filter((i) => i.owner && i.due?.kind === 'date' && i.title);
    const calls: ToolCall[] = complete.map((i) => ({
      name: 'create_action_item',
      input: {
        incidentId: id,
        title: i.title.slice(0, 200),
        owner: i.owner!,
        due: i.due!.kind === 'date' ? i.due!.date : '',
        kind: actionKind(i.title),
        priority: actionPriority(i.title),
      },
    }));
    const pending = notMade(turn, env, calls);
    if (pending.length && !tried(turn, 'create_action_item')) return { kind: 'tools', calls: pending };
    const created = results(turn, 'create_action_item');
    const problems = turn.calls
      .filter((c) => c.name === 'create_action_item' && !c.ok)
      .map((c) => String(c.output).split('\n')[0]!);
    const incomplete = items.filter((i) => !(i.owner && i.due?.kind === 'date' && i.title));
    const parts = [
      created.length
        ? section(
            `Tracked on ${id}:`,
            bullets(
              created.map(
                (c) =>
                  `${c.item.id} ${c.item.title} — owner ${c.item.owner}, due ${c.item.dueAt.slice(0, 10)} (${c.item.kind}, ${c.item.priority})${c.created ? '' : ' — already existed'}`,
              ),
            ),
          )
        : '',
      ...created.flatMap((c) =>
        c.warnings.map((w) => `Note: ${w}. A repeat of an unfinished fix is worth raising in the review.`),
      ),
      problems.length ? section('Not created:', bullets(problems)) : '',
      incomplete.length || !items.length
        ? [
            'I will not create an action item without an owner and a due date — untracked items are how the same incident happens twice.',
            incomplete.length
              ? section(
                  'Missing:',
                  bullets(
                    incomplete.map(
                      (i) =>
                        `${i.title ? `"${i.title}"` : 'the task'}: ${[!i.title ? 'what the task is' : '', !i.owner ? 'an owner (one named person)' : '', i.due?.kind === 'unreadable' ? `a date I can track ("${i.due.phrase}" is not one)` : !i.due ? 'a due date (e.g. 2026-12-10 or "in 2 weeks")' : ''].filter(Boolean).join(' and ')}`,
                    ),
                  ),
                )
              : 'Which action item is that for? Give me the task as well.',
            'Reply with them, e.g. "owner Priya, due in 2 weeks".',
          ].join('\n\n')
        : `Each item is reviewed at the post-mortem, due within ${env.settings.postmortem_deadline_hours} hours of resolution.`,
    ];
    return reply(parts.filter(Boolean).join('\n\n'));
  },
};

/** A blameless post-mortem draft from the stored record: timeline, impact, contributing factors, owned action items. */
export const postmortem: Play = {
  id: 'postmortem',
  applies: (heard) => heard.intents.includes('postmortem'),
  next(turn, heard, env): Step {
    const id = incidentOf(turn, heard);
    if (!id) return reply('Which incident? Give its id (INC-12) and I will draft the post-mortem from its timeline.');
    if (env.allowed.has('generate_postmortem')) {
      if (!tried(turn, 'generate_postmortem'))
        return { kind: 'tools', calls: [{ name: 'generate_postmortem', input: { incidentId: id } }] };
      const pm = result(turn, 'generate_postmortem');
      if (!pm)
        return reply(
          `I could not draft the post-mortem of ${id}: ${failure(turn, 'generate_postmortem') ?? 'unknown error'}`,
        );
      const next = [
        ...pm.proposed.map((p) => `Give "${p}" an owner and a due date: tell me "action item: …, owner …, due …".`),
        ...pm.missing.map((m) => `Before publishing: ${m}.`),
      ];
      return reply(
        [
          pm.markdown.trim(),
          next.length ? section('Next:', bullets(next)) : 'Ready to publish: say "publish the post-mortem".',
        ].join('\n\n'),
      );
    }
    if (!tried(turn, 'get_incident'))
      return { kind: 'tools', calls: [{ name: 'get_incident', input: { incidentId: id, timelineLimit: 200 } }] };
    const s = result(turn, 'get_incident');
    if (!s) return reply(`I could not read ${id}: ${failure(turn, 'get_incident') ?? 'unknown error'}`);
    const inc = s.incident;
    const end = inc.resolvedAt ?? turn.now.toISOString() ?? inc.updatedAt;
    const deadlineHours = env.settings.postmortem_deadline_hours;
    const due = inc.resolvedAt ? addMinutes(inc.resolvedAt, deadlineHours * 60) : null;
    const parts = [
      `# Post-mortem: ${inc.id} ${inc.title}`,
      `Blameless: we look for the guardrail that was missing (an alert, a test, a limit, a review), never for who made a mistake — every incident is a chance to make the organisation more resilient. ${due ? `The post-mortem is due by ${formatClock(due, turn.now)}, within ${deadlineHours} hours of resolution.` : `The post-mortem is due within ${deadlineHours} hours of resolution; ${inc.id} is not resolved yet (${inc.status}).`}`,
      section('Summary', sentence(blameless(inc.summary) || blameless(inc.title) || inc.title)),
      section(
        'Impact',
        bullets([
          `Severity ${inc.severity}${s.severityHistory.length > 1 ? ` (history: ${s.severityHistory.map((h) => h.to).join(' → ')})` : ''}`,
          `Duration ${formatMinutes(minutesBetween(inc.startedAt, end))} (${formatClock(inc.startedAt, turn.now)} → ${inc.resolvedAt ? formatClock(inc.resolvedAt, turn.now) : 'ongoing'})`,
          `Customer-facing: ${inc.impact.customerFacing === null ? 'unknown — confirm' : inc.impact.customerFacing ? 'yes' : 'no'}`,
          `Users affected: ${inc.impact.usersAffected ?? (inc.impact.usersAffectedPct !== null ? `${inc.impact.usersAffectedPct}%` : 'unknown — get the number from your metrics')}`,
          `Revenue: ${inc.impact.revenueImpact ?? 'unknown — ask finance for the estimate'}`,
        ]),
      ),
      section(
        'Timeline (from the record)',
        bullets(
          s.timeline.map(
            (e) =>
              `${formatClock(e.at, turn.now)} — ${e.kind}: ${blameless(e.text) || '(this entry named a person as the cause; rewrite it as what the system allowed)'}`,
          ),
        ),
      ),
      section(
        'Contributing factors (5 Whys — fill in with the team)',
        numbered([
          'Why did users see the failure? (the proximate technical cause)',
          'Why did that change or condition reach production? (review, test, canary)',
          'Why did we not detect it sooner? (alerting, SLO burn-rate, dashboards)',
          'Why did mitigation take as long as it did? (runbook, rollback path, access)',
          'Why did the system allow a single change to have this blast radius? (limits, isolation)',
        ]),
      ),
      section('What went well / what went badly', bullets(['Went well: …', 'Went badly: …', 'Where we got lucky: …'])),
      section(
        'Action items',
        s.actionItems.length
          ? bullets(
              s.actionItems.map(
                (a) =>
                  `${a.id} ${a.title} — owner ${a.owner}, due ${a.dueAt.slice(0, 10)}${a.overdue ? ' (OVERDUE)' : ''}`,
              ),
            )
          : 'None yet. Each one needs one owner and a due date: tell me "action item: …, owner …, due …" and I will track it.',
      ),
    ];
    return reply(parts.join('\n\n'));
  },
};
