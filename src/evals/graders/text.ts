import { z } from 'zod';
import { AUDIENCES } from '../../core/audiences.js';
import { SEVERITIES } from '../../severity/signals.js';
import { findBlame } from '../meaning/blame.js';
import { cadenceStatements, nextUpdateTimes, postmortemDeadlines, timeboxBudgets } from '../meaning/budgets.js';
import { escalationClaims, noChangeClaims, roleMentions } from '../meaning/claims.js';
import { dueInDays, listedActionItems, placeholderDue, placeholderOwner } from '../meaning/owners.js';
import { negatedAt } from '../meaning/polarity.js';
import { statedLevel } from '../meaning/severity.js';
import { clauses, plain, rawSentences } from '../meaning/text.js';
import { CONTRACT_LIMITS, defaultPersona, type PersonaContext } from '../persona.js';
import type { TurnRecord } from '../transcript.js';
import { defineGrader, fail, pass, skip } from './types.js';

export const severityStated = defineGrader({
  name: 'severity_stated',
  kind: 'text',
  description:
    'The reply commits to a severity level (SEV1–SEV4), and to the expected one when given. A level only negated ("not SEV1"), hedged ("might be SEV1"), asked about, or replaced by a later correction ("SEV1 — actually SEV3") is not stated.',
  params: z.object({ level: z.enum(SEVERITIES).optional() }).strict(),
  grade({ turn }, { level }) {
    const { level: stated, mentions, hedgedAfter } = statedLevel(turn.reply);
    if (!stated) {
      const seen = mentions.map((m) => `${m.level} (${m.stance})`);
      return fail(
        seen.length
          ? `no severity committed to: ${[...new Set(seen)].join(', ')}`
          : 'no severity level (SEV1–SEV4) in the reply',
      );
    }
    if (level && stated !== level) {
      const earlier = mentions.some((m) => m.level === level)
        ? ` (${level} appears only ${mentions
            .filter((m) => m.level === level)
            .map((m) => m.stance)
            .join('/')})`
        : '';
      return fail(`commits to ${stated}, expected ${level}${earlier}`);
    }
    if (hedgedAfter)
      return fail(`states ${stated}, then hedges toward ${hedgedAfter.level}: "${hedgedAfter.sentence.slice(0, 100)}"`);
    return pass(`states ${stated}`);
  },
});

export const escalationStated = defineGrader({
  name: 'escalation_stated',
  kind: 'text',
  description:
    'The reply pages someone or triggers escalation now. Saying nobody should be paged, mentioning the status page, or escalating only "if" something happens is not escalation.',
  params: z.object({}).strict(),
  grade({ turn }) {
    const claims = escalationClaims(turn.reply);
    return claims.length
      ? pass(`escalation: "${claims[0]!.sentence.slice(0, 100)}"`)
      : fail('no page or escalation made in the reply');
  },
});

const DEFAULT_ROLE_NAMES: Record<string, string[]> = {
  incident_commander: ['IC', 'Incident Commander', 'incident lead', 'commander'],
  communications_lead: ['Comms', 'Communications Lead', 'Comms Lead', 'Communications', 'comms'],
  technical_lead: ['Tech Lead', 'Technical Lead', 'TL', 'tech lead', 'Ops Lead'],
  scribe: ['Scribe', 'note-taker', 'note taker', 'notetaker', 'scribe'],
};

function roleNames(persona: PersonaContext): Record<string, RegExp[]> {
  const out: Record<string, RegExp[]> = {};
  const ids = new Set([...Object.keys(DEFAULT_ROLE_NAMES), ...persona.roles.map((r) => r.id)]);
  for (const id of ids) {
    const role = persona.roles.find((r) => r.id === id);
    const names = [...(DEFAULT_ROLE_NAMES[id] ?? []), ...(role ? [role.title, role.short] : [])];
    const escaped = [...new Set(names)].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    // Acronyms match case-sensitively ("IC", not "ic" in "picture").
    const acronyms = escaped.filter((n) => /^[A-Z]{2,3}$/.test(n));
    const words = escaped.filter((n) => !/^[A-Z]{2,3}$/.test(n));
    out[id] = [
      ...(acronyms.length ? [new RegExp(`\\b(?:${acronyms.join('|')})\\b`)] : []),
      ...(words.length ? [new RegExp(`\\b(?:${words.join('|')})\\b`, 'i')] : []),
    ];
  }
  return out;
}

export const rolesNamed = defineGrader({
  name: 'roles_named',
  kind: 'text',
  description:
    "The reply names the incident roles (the persona's role titles: Incident Commander, Communications Lead, Technical Lead, Scribe), each as held or needed — not only to dismiss or defer it.",
  params: z
    .object({
      roles: z
        .array(z.enum(['incident_commander', 'communications_lead', 'technical_lead', 'scribe']))
        .min(1)
        .default(['incident_commander', 'communications_lead', 'technical_lead', 'scribe']),
    })
    .strict(),
  grade({ turn, persona = defaultPersona() }, { roles }) {
    const names = roleNames(persona);
    const mentions = roleMentions(turn.reply, names);
    const missing = roles.filter((r) => !mentions.some((m) => m.role === r && !m.dismissed));
    if (!missing.length) return pass(`names ${roles.length} roles`);
    const dismissed = missing.filter((r) => mentions.some((m) => m.role === r));
    return fail(
      dismissed.length
        ? `roles named only to be dismissed or deferred: ${dismissed.join(', ')}${missing.length > dismissed.length ? `; not named: ${missing.filter((r) => !dismissed.includes(r)).join(', ')}` : ''}`
        : `roles not named: ${missing.join(', ')}`,
    );
  },
});

/** The slowest cadence any audience has at the incident's severity, when the record knows the severity. */
function slowestCadence(turn: TurnRecord, persona: PersonaContext): number | null {
  if (!turn.state.severity) return null;
  const all = AUDIENCES.map((a) => persona.cadence(turn.state.severity!, a)).filter((m): m is number => m !== null);
  return all.length ? Math.max(...all) : null;
}

export const nextUpdateTime = defineGrader({
  name: 'next_update_time',
  kind: 'text',
  description:
    'The reply says when the next update comes (a clock time or "in N minutes", in figures or words), no later than the severity\'s cadence allows.',
  params: z.object({}).strict(),
  grade({ turn, persona = defaultPersona() }) {
    const times = nextUpdateTimes(turn.reply, new Date(turn.at));
    if (!times.length) return fail('no next-update time in the reply');
    const limit = slowestCadence(turn, persona);
    const late = limit === null ? [] : times.filter((t) => t.minutes > limit + 1);
    if (late.length)
      return fail(`next update ${late[0]!.match} is later than the ${turn.state.severity} cadence (${limit} min)`);
    return pass(`next update: ${times[0]!.match}`);
  },
});

export const updateCadence = defineGrader({
  name: 'update_cadence',
  kind: 'text',
  description:
    "The reply states the update cadence: `minutes` when given, else the severity framework's cadence for the incident's severity (for `audience`, or any audience). A slower cadence stated anywhere fails.",
  params: z
    .object({ minutes: z.number().int().positive().optional(), audience: z.enum(AUDIENCES).optional() })
    .strict(),
  grade({ turn, persona = defaultPersona() }, { minutes, audience }) {
    let expected: number[];
    if (minutes !== undefined) expected = [minutes];
    else {
      if (!turn.state.severity) return fail('no incident severity on record to read the cadence from');
      const audiences = audience ? [audience] : [...AUDIENCES];
      expected = audiences.map((a) => persona.cadence(turn.state.severity!, a)).filter((m): m is number => m !== null);
      if (!expected.length) return skip(`no update cadence for ${turn.state.severity}`);
    }
    // "Next update in 15 minutes" states the interval too.
    const stated = [
      ...cadenceStatements(turn.reply),
      ...nextUpdateTimes(turn.reply, new Date(turn.at)).map((t) => ({
        minutes: Math.round(t.minutes),
        sentence: t.sentence,
      })),
    ];
    if (!stated.length) return fail(`no update cadence in the reply (expected every ${expected.join(' or ')} min)`);
    const framework = turn.state.severity
      ? AUDIENCES.map((a) => persona.cadence(turn.state.severity!, a)).filter((m): m is number => m !== null)
      : [];
    const slowest = Math.max(...expected, ...framework);
    const slower = stated.find((s) => s.minutes > slowest + 0.5);
    if (slower)
      return fail(
        `states a cadence of ${slower.minutes} min, slower than ${slowest} min: "${slower.sentence.slice(0, 100)}"`,
      );
    return stated.some((s) => expected.some((e) => Math.abs(s.minutes - e) < 0.5))
      ? pass(`cadence ${expected.join('/')} min stated`)
      : fail(
          `no ${expected.join(' or ')}-minute cadence in the reply (states ${stated.map((s) => s.minutes).join(', ')} min)`,
        );
  },
});

const PHATIC =
  /^(?:any (?:questions|thoughts|concerns)|(?:does )?(?:that|this) (?:make sense|help|work|sound (?:good|ok|right))|makes? sense|sound (?:good|ok)|ok(?:ay)?|right|got it|anything else(?: i can help with)?|shall i (?:continue|go on)|want me to (?:continue|go on)|(?:is there )?anything else|clear|agreed|ready|all good|cool)\??$/i;

export const asksQuestion = defineGrader({
  name: 'asks_question',
  kind: 'text',
  description:
    'The reply ends with a question that asks for the next piece of evidence or a decision (not "any questions?" or "makes sense?").',
  params: z.object({}).strict(),
  grade({ turn }) {
    const lines = turn.reply
      .trim()
      .split('\n')
      .map((l) => plain(l))
      .filter((l) => l && !/^[-=_*]{3,}$/.test(l));
    const last = lines.at(-1) ?? '';
    if (!/\?["”')\s]*$/.test(last)) return fail('the reply does not end with a question');
    const question =
      rawSentences(last)
        .filter((s) => s.question)
        .at(-1)?.raw ?? last;
    if (PHATIC.test(question.trim())) return fail(`ends with a question that asks for nothing: "${question}"`);
    return pass(`asks: ${question.slice(0, 80)}`);
  },
});

export const noBlame = defineGrader({
  name: 'no_blame',
  kind: 'text',
  description:
    'The reply never makes a person the cause, in any construction ("the outage is on Dave", "Dave\'s change took prod down", "thanks to Priya\'s typo", "human error"); negated, quoted and systemic wording passes.',
  params: z.object({}).strict(),
  grade({ turn }) {
    if (!turn.reply.trim()) return skip('empty reply');
    const findings = findBlame(turn.reply);
    return findings.length
      ? fail(`blames: "${findings[0]!.sentence.slice(0, 120)}" (${findings[0]!.reason})`)
      : pass('no blame of a person');
  },
});

const Patterns = z.array(z.string().min(1)).min(1);

/** A pattern matched where the reply says it, not where it says not to ("don't roll back"). */
function affirmed(reply: string, pattern: string): boolean {
  const re = new RegExp(pattern, 'i');
  for (const s of rawSentences(reply)) {
    for (const c of clauses(s.raw)) {
      const m = re.exec(c);
      if (m && !negatedAt(c, m.index, 30)) return true;
    }
  }
  // Patterns that span lines or clauses: fall back to the whole reply.
  return re.test(reply) && !rawSentences(reply).some((s) => re.test(s.raw));
}

/** "{{timebox_minutes}}", "{{timebox_minutes-10}}", "{{postmortem_hours}}": a pattern written against the persona's settings. */
function withSettings(pattern: string, persona: PersonaContext): string {
  return pattern.replace(
    /\{\{\s*(timebox_minutes|postmortem_hours)\s*(?:([-+])\s*(\d+))?\s*\}\}/g,
    (_m, name: string, op?: string, n?: string) => {
      const base = name === 'timebox_minutes' ? persona.timeboxMinutes : persona.postmortemHours;
      return String(op ? (op === '-' ? base - Number(n) : base + Number(n)) : base);
    },
  );
}

export const mentions = defineGrader({
  name: 'mentions',
  kind: 'text',
  description:
    'The reply says all of `all` and at least one of `any` (case-insensitive regular expressions, which may use the persona\'s {{timebox_minutes}} or {{postmortem_hours}}, e.g. "{{timebox_minutes-10}} minutes left"), not inside a negation ("don\'t roll back" is not a mention of rolling back); `negated_ok: true` counts any match.',
  params: z
    .object({ all: Patterns.optional(), any: Patterns.optional(), negated_ok: z.boolean().default(false) })
    .strict()
    .refine((p) => p.all || p.any, 'give all or any'),
  grade({ turn, persona = defaultPersona() }, { all, any, negated_ok }) {
    const has = (raw: string): boolean => {
      const p = withSettings(raw, persona);
      return negated_ok ? new RegExp(p, 'i').test(turn.reply) : affirmed(turn.reply, p);
    };
    const missing = (all ?? []).filter((p) => !has(p));
    if (missing.length) return fail(`missing: ${missing.map((p) => withSettings(p, persona)).join(' | ')}`);
    if (any && !any.some(has)) return fail(`none of: ${any.map((p) => withSettings(p, persona)).join(' | ')}`);
    return pass('mentions what it should');
  },
});

export const notMentions = defineGrader({
  name: 'not_mentions',
  kind: 'text',
  description: 'The reply contains none of the patterns (case-insensitive regular expressions).',
  params: z.object({ patterns: Patterns }).strict(),
  grade({ turn }, { patterns }) {
    const hit = patterns.find((p) => new RegExp(p, 'i').test(turn.reply));
    return hit ? fail(`contains /${hit}/`) : pass('none of the forbidden phrases');
  },
});

/** The most a time-box may be: the persona's setting, and never more than the rule allows. */
function timeboxLimit(persona: PersonaContext, given?: number): { max: number; why: string } {
  if (given !== undefined) return { max: given, why: `${given} min (the case's limit)` };
  if (persona.timeboxMinutes > CONTRACT_LIMITS.timeboxMaxMinutes)
    return {
      max: CONTRACT_LIMITS.timeboxMaxMinutes,
      why: `${CONTRACT_LIMITS.timeboxMaxMinutes} min: SOUL.md's ${persona.timeboxMinutes} min breaks the seed's time-box rule`,
    };
  return { max: persona.timeboxMinutes, why: `${persona.timeboxMinutes} min (SOUL.md hypothesis_timebox_minutes)` };
}

export const timeboxWithin = defineGrader({
  name: 'timebox_within',
  kind: 'text',
  description:
    'Every time the reply allows one hypothesis — in any unit ("15 min", "two hours", "half an hour"), in any sentence that carries the topic on ("give it another couple of hours") — is at most the persona\'s time-box (SOUL.md, capped at the seed rule\'s limit) or max_minutes; dropping the time-box fails.',
  params: z
    .object({ max_minutes: z.number().int().positive().optional(), required: z.boolean().default(true) })
    .strict(),
  grade({ turn, persona = defaultPersona() }, { max_minutes, required }) {
    const { max, why } = timeboxLimit(persona, max_minutes);
    const { budgets, dropped } = timeboxBudgets(turn.reply, new Date(turn.at));
    if (dropped.length) return fail(`drops the time-box: "${dropped[0]!.slice(0, 100)}"`);
    if (!budgets.length) return required ? fail('no hypothesis time-box in the reply') : skip('no time-box stated');
    const over = budgets.filter((b) => b.minutes > max + 0.5);
    if (over.length) {
      const worst = over.reduce((a, b) => (b.minutes > a.minutes ? b : a));
      const shown = Number.isFinite(worst.minutes)
        ? `${Math.round(worst.minutes)} min ("${worst.match}")`
        : `no limit ("${worst.match}")`;
      return fail(`time-box of ${shown} is over ${why}`);
    }
    return pass(`time-box ${Math.round(Math.max(...budgets.map((b) => b.minutes)))} min, within ${max}`);
  },
});

function deadlineLimit(persona: PersonaContext, given?: number): { max: number; why: string } {
  if (given !== undefined) return { max: given, why: `${given} h (the case's limit)` };
  if (persona.postmortemHours > CONTRACT_LIMITS.postmortemMaxHours)
    return {
      max: CONTRACT_LIMITS.postmortemMaxHours,
      why: `${CONTRACT_LIMITS.postmortemMaxHours} h: SOUL.md's ${persona.postmortemHours} h breaks the seed's post-mortem rule`,
    };
  return { max: persona.postmortemHours, why: `${persona.postmortemHours} h (SOUL.md postmortem_deadline_hours)` };
}

export const postmortemDeadlineWithin = defineGrader({
  name: 'postmortem_deadline_within',
  kind: 'text',
  description:
    "Every deadline the reply gives the post-mortem — hours, days or weeks in figures or words, a date, a weekday — is within the persona's deadline (SOUL.md postmortem_deadline_hours, capped at the seed rule's limit) or max_hours of the resolution; saying none is needed fails.",
  params: z.object({ max_hours: z.number().int().positive().optional(), required: z.boolean().default(true) }).strict(),
  grade({ turn, persona = defaultPersona() }, { max_hours, required }) {
    const { max, why } = deadlineLimit(persona, max_hours);
    const ref = new Date(turn.state.resolvedAt ?? turn.at);
    const { budgets, dropped } = postmortemDeadlines(turn.reply, ref);
    if (dropped.length) return fail(`drops the post-mortem: "${dropped[0]!.slice(0, 100)}"`);
    if (!budgets.length)
      return required ? fail('no post-mortem deadline in the reply') : skip('no post-mortem deadline stated');
    const over = budgets.filter((b) => b.minutes / 60 > max + 0.5);
    if (over.length) {
      const worst = over.reduce((a, b) => (b.minutes > a.minutes ? b : a));
      const shown = Number.isFinite(worst.minutes)
        ? `${Math.round(worst.minutes / 60)} h ("${worst.match}")`
        : `no limit ("${worst.match}")`;
      return fail(`post-mortem deadline of ${shown} is over ${why}`);
    }
    return pass(`post-mortem within ${Math.round(Math.max(...budgets.map((b) => b.minutes)) / 60)} h`);
  },
});

export const actionItemsOwned = defineGrader({
  name: 'action_items_owned',
  kind: 'text',
  description:
    'Every action item the reply lists (AI-n, or a bullet under an action-items heading) has one named owner — not "TBD", "someone" or "the team" — and a due date within SOUL.md action_item_max_due_days.',
  params: z.object({}).strict(),
  grade({ turn, persona = defaultPersona() }) {
    const items = listedActionItems(turn.reply);
    if (!items.length) return skip('the reply lists no action items');
    for (const item of items) {
      const where = `"${item.line.slice(0, 80)}"`;
      if (!item.owner) return fail(`action item without an owner: ${where}`);
      const badOwner = placeholderOwner(item.owner);
      if (badOwner) return fail(`action item owner ${badOwner}: ${where}`);
      if (!item.due) return fail(`action item without a due date: ${where}`);
      const badDue = placeholderDue(item.due);
      if (badDue) return fail(`action item due date ${badDue}: ${where}`);
      const days = dueInDays(item.due, new Date(turn.at));
      if (days === null) return fail(`action item due "${item.due}" is not a date or a duration: ${where}`);
      if (days > persona.actionItemMaxDueDays + 1)
        return fail(
          `action item due in ${Math.round(days)} days, over ${persona.actionItemMaxDueDays} (SOUL.md action_item_max_due_days): ${where}`,
        );
    }
    return pass(`${items.length} action item(s), each with a named owner and a due date`);
  },
});

export const noChangeStated = defineGrader({
  name: 'no_change_stated',
  kind: 'text',
  description:
    'With nothing new, the reply still gives the update and says plainly that nothing changed ("no change", "still investigating", "nothing new"); "no change, so no update needed" fails.',
  params: z.object({}).strict(),
  grade({ turn }) {
    const { claims, skipped } = noChangeClaims(turn.reply);
    if (skipped.length)
      return fail(`says nothing changed and skips the update: "${skipped[0]!.sentence.slice(0, 100)}"`);
    return claims.length
      ? pass(`says there is no change: "${claims[0]!.match}"`)
      : fail('does not say that nothing has changed');
  },
});

export const TEXT_GRADERS = [
  severityStated,
  escalationStated,
  rolesNamed,
  nextUpdateTime,
  updateCadence,
  asksQuestion,
  noBlame,
  mentions,
  notMentions,
  timeboxWithin,
  postmortemDeadlineWithin,
  actionItemsOwned,
  noChangeStated,
];
