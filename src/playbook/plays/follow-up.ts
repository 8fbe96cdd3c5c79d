import { addMinutes, formatClock, formatMinutes, minutesBetween } from '../../core/time.js';
import { bullets, numbered, section, sentence } from '../compose.js';
import { failure, result, results } from '../outputs.js';
import { reply, type Play, type Step, type ToolCall } from '../step.js';
import { tried, type Turn } from '../turn.js';
import { withoutBlame } from '../../incident/blameless.js';
import { incidentOf } from './communications.js';

/** Text from the record, minus the clauses that name a person as the cause. */
function blameless(text: string): string {
  return withoutBlame(text);
}

interface DraftItem {
  title: string;
  owner: string | null;
  due: string | null;
  kind: 'prevent' | 'detect' | 'mitigate' | 'process';
  priority: 'P1' | 'P2' | 'P3' | 'P4';
}

function dueFrom(text: string): string | null {
  const iso = /\b(\d{4}-\d{2}-\d{2})\b/.exec(text);
  if (iso) return iso[1]!;
  const rel =
    /\bin (\d{1,3}|a|one|two|three|four|six|eight) (day|days|week|weeks)\b/i.exec(text) ??
    /\bdue:?\s*(\d{1,3})\s*(d|w|days?|weeks?)\b/i.exec(text);
  if (rel) {
    const words: Record<string, number> = { a: 1, one: 1, two: 2, three: 3, four: 4, six: 6, eight: 8 };
    const n = words[rel[1]!.toLowerCase()] ?? Number(rel[1]);
    return `${n}${rel[2]!.toLowerCase().startsWith('w') ? 'w' : 'd'}`;
  }
  if (/\btomorrow\b/i.test(text)) return '1d';
  if (/\bnext week\b/i.test(text)) return '7d';
  if (/\b(?:end of (?:the )?month)\b/i.test(text)) return '30d';
  return null;
}

function ownerFrom(text: string): string | null {
  const m =
    /\bowner:?\s+(@?[A-Z][\w.-]*(?: [A-Z][\w.-]*)?)/.exec(text) ??
    /\bowned by\s+(@?[A-Z][\w.-]*(?: [A-Z][\w.-]*)?)/i.exec(text) ??
    /\bassign(?:ed)? (?:it )?to\s+(@?[A-Z][\w.-]*)/i.exec(text) ??
    /\b(@?[A-Z][\w.-]*) (?:will|to|can|should) (?:own|take|do|handle) (?:it|this)\b/.exec(text) ??
    /(@[\w.-]+)/.exec(text);
  return m ? m[1]!.trim() : null;
}

function kindFrom(text: string): DraftItem['kind'] {
  const t = text.toLowerCase();
  if (/\b(?:alert|alerting|monitor|dashboard|slo|probe|synthetic|test|tests|canary|detect)\w*/.test(t)) return 'detect';
  if (/\b(?:runbook|training|process|on-?call|review|checklist|document|game ?day|drill)\w*/.test(t)) return 'process';
  if (
    /\b(?:rollback|roll back|feature flag|circuit breaker|rate limit|failover|fallback|timeout|retry|retries|bulkhead|degrade)\w*/.test(
      t,
    )
  )
    return 'mitigate';
  return 'prevent';
}

/** One item per bullet line, or the whole message. Owner and due date are read, never invented. */
export function draftItems(text: string): DraftItem[] {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^[-*•]|\d+[.)]\s/.test(l));
  const sources = lines.length ? lines.map((l) => l.replace(/^(?:[-*•]|\d+[.)])\s*/, '')) : [text];
  return sources.map((source) => {
    const title = source
      .replace(/^.*?\b(?:action items?|follow[- ]?ups?|to-?dos?)\b[^:]*:\s*/i, '')
      .replace(
        /^(?:add|create|track|make|log|record)\s+(?:an?\s+)?(?:action item|follow[- ]?up|to-?do|task|ticket)\s*(?:to|for|:)?\s*/i,
        '',
      )
      .replace(/[,;(]?\s*\b(?:owner|owned by|assign(?:ed)? to|due|by \d{4})\b[\s\S]*$/i, '')
      .replace(/[.;,\s]+$/, '')
      .trim();
    return {
      title: title.length > 3 ? title.slice(0, 200) : source.slice(0, 200),
      owner: ownerFrom(source),
      due: dueFrom(source),
      kind: kindFrom(source),
      priority: /\b(?:p1|urgent|asap|critical|immediately)\b/i.test(source)
        ? 'P1'
        : /\bp3\b|\blow priority\b/i.test(source)
          ? 'P3'
          : 'P2',
    };
  });
}

/**
 * A follow-up that only supplies the missing owner or date ("owner Priya, due in 2 weeks") completes
 * the item the user asked for in the previous turn.
 */
function withPending(turn: Turn, items: DraftItem[]): DraftItem[] {
  const bare =
    items.length === 1 &&
    (items[0]!.owner || items[0]!.due) &&
    /^(?:owner|owned by|assign|due|by|and|[,\s])*$/i.test(
      items[0]!.title.replace(/\b(?:owner|due|in \d+ \w+|\d{4}-\d{2}-\d{2}|@?[A-Z][\w.-]*)\b/g, ''),
    );
  const previous = turn.earlier.at(-1);
  if (!bare || !previous || !ACTION_ITEM_WORDS.test(previous)) return items;
  const pending = draftItems(previous).filter((i) => !i.owner || !i.due);
  if (!pending.length) return items;
  const fill = items[0]!;
  return pending.map((p) => ({
    ...p,
    owner: p.owner ?? fill.owner,
    due: p.due ?? fill.due,
    priority: fill.priority === 'P1' ? 'P1' : p.priority,
  }));
}

const ACTION_ITEM_WORDS = /\baction items?\b|\bfollow[- ]?ups?\b|\bto-?dos?\b/i;

/** Action items go through create_action_item with an owner and a due date — or not at all. */
export const actionItems: Play = {
  id: 'action-item',
  applies: (reading) => reading.wants.actionItem && !reading.wants.postmortem,
  next(turn, reading, env): Step {
    const id = incidentOf(turn, reading.mentionedIncident);
    if (!id)
      return reply(
        'Which incident is this action item for? Give its id (INC-12), or tell me about the incident first.',
      );
    const items = withPending(turn, draftItems(turn.text));
    const complete = items.filter((i) => i.owner && i.due);
    const incomplete = items.filter((i) => !i.owner || !i.due);
    if (complete.length && !tried(turn, 'create_action_item')) {
      const calls: ToolCall[] = complete.map((i) => ({
        name: 'create_action_item',
        input: { incidentId: id, title: i.title, owner: i.owner!, due: i.due!, kind: i.kind, priority: i.priority },
      }));
      return { kind: 'tools', calls };
    }
    const created = results(turn, 'create_action_item');
    const problems = turn.calls
      .filter((c) => c.name === 'create_action_item' && !c.ok)
      .map((c) => String(c.output).split('\n')[0]!);
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
      incomplete.length
        ? [
            'I will not create an action item without an owner and a due date — untracked items are how the same incident happens twice.',
            section(
              'Missing:',
              bullets(
                incomplete.map(
                  (i) =>
                    `"${i.title}": ${[!i.owner ? 'an owner (one named person)' : '', !i.due ? 'a due date (e.g. 2026-12-10 or "in 2 weeks")' : ''].filter(Boolean).join(' and ')}`,
                ),
              ),
            ),
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
  applies: (reading) => reading.wants.postmortem,
  next(turn, reading, env): Step {
    const id = incidentOf(turn, reading.mentionedIncident);
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
    const end = inc.resolvedAt ?? turn.now?.toISOString() ?? inc.updatedAt;
    const deadlineHours = env.settings.postmortem_deadline_hours;
    const due = inc.resolvedAt ? addMinutes(inc.resolvedAt, deadlineHours * 60) : null;
    const parts = [
      `# Post-mortem: ${inc.id} ${inc.title}`,
      `Blameless: we look for the guardrail that was missing (an alert, a test, a limit, a review), never for who made a mistake — every incident is a chance to make the organisation more resilient. ${due ? `The post-mortem is due by ${formatClock(due, turn.now ?? undefined)}, within ${deadlineHours} hours of resolution.` : `The post-mortem is due within ${deadlineHours} hours of resolution; ${inc.id} is not resolved yet (${inc.status}).`}`,
      section('Summary', sentence(blameless(inc.summary) || blameless(inc.title) || inc.title)),
      section(
        'Impact',
        bullets([
          `Severity ${inc.severity}${s.severityHistory.length > 1 ? ` (history: ${s.severityHistory.map((h) => h.to).join(' → ')})` : ''}`,
          `Duration ${formatMinutes(minutesBetween(inc.startedAt, end))} (${formatClock(inc.startedAt, turn.now ?? undefined)} → ${inc.resolvedAt ? formatClock(inc.resolvedAt, turn.now ?? undefined) : 'ongoing'})`,
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
              `${formatClock(e.at, turn.now ?? undefined)} — ${e.kind}: ${blameless(e.text) || '(this entry named a person as the cause; rewrite it as what the system allowed)'}`,
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
