import { z } from 'zod';
import { findBlame, withoutQuotes } from '../../incident/blameless.js';
import { SEVERITIES } from '../../severity/signals.js';
import { defineGrader, fail, pass, skip } from './types.js';

const ROLE_PATTERNS: Record<string, RegExp> = {
  incident_commander: /\b(?:IC|Incident Commander)\b/,
  communications_lead: /\b(?:Comms|Communications Lead|Communications)\b/,
  technical_lead: /\b(?:Tech(?:nical)? Lead)\b/,
  scribe: /\bScribe\b/,
};

export const severityStated = defineGrader({
  name: 'severity_stated',
  kind: 'text',
  description: 'The reply states a severity level (SEV1–SEV4), and the expected one when given.',
  params: z.object({ level: z.enum(SEVERITIES).optional() }).strict(),
  grade({ turn }, { level }) {
    const stated = [...turn.reply.matchAll(/\bSEV ?([1-4])\b/gi)].map((m) => `SEV${m[1]}`);
    if (!stated.length) return fail('no severity level (SEV1–SEV4) in the reply');
    if (level && !stated.includes(level)) return fail(`states ${[...new Set(stated)].join(', ')}, expected ${level}`);
    return pass(`states ${level ?? stated[0]}`);
  },
});

export const escalationStated = defineGrader({
  name: 'escalation_stated',
  kind: 'text',
  description: 'The reply says who is paged or that escalation is triggered.',
  params: z.object({}).strict(),
  grade({ turn }) {
    return /\bescalat\w*|\bpag(?:e|es|ed|ing)\b/i.test(turn.reply)
      ? pass('escalation stated')
      : fail('no escalation or paging in the reply');
  },
});

export const rolesNamed = defineGrader({
  name: 'roles_named',
  kind: 'text',
  description: 'The reply names the incident roles (Incident Commander, Communications Lead, Technical Lead, Scribe).',
  params: z
    .object({
      roles: z
        .array(z.enum(['incident_commander', 'communications_lead', 'technical_lead', 'scribe']))
        .min(1)
        .default(['incident_commander', 'communications_lead', 'technical_lead', 'scribe']),
    })
    .strict(),
  grade({ turn }, { roles }) {
    const missing = roles.filter((r) => !ROLE_PATTERNS[r]!.test(turn.reply));
    return missing.length ? fail(`roles not named: ${missing.join(', ')}`) : pass(`names ${roles.length} roles`);
  },
});

export const nextUpdateTime = defineGrader({
  name: 'next_update_time',
  kind: 'text',
  description: 'The reply says when the next update is due (a clock time or "in N minutes").',
  params: z.object({}).strict(),
  grade({ turn }) {
    const m = /next update[^.\n]{0,60}?(\d{1,2}:\d{2}\s*UTC|in \d+ ?min(?:ute)?s?|\d+ ?min(?:ute)?s?)/i.exec(
      turn.reply,
    );
    return m ? pass(`next update: ${m[1]}`) : fail('no next-update time in the reply');
  },
});

export const updateCadence = defineGrader({
  name: 'update_cadence',
  kind: 'text',
  description: 'The reply states the expected update cadence in minutes.',
  params: z.object({ minutes: z.number().int().positive() }).strict(),
  grade({ turn }, { minutes }) {
    const re = new RegExp(`\\b(?:every|in|within)\\s+${minutes}\\s*min(?:ute)?s?\\b|\\b${minutes}-minute\\b`, 'i');
    return re.test(turn.reply)
      ? pass(`cadence ${minutes} min stated`)
      : fail(`no ${minutes}-minute cadence in the reply`);
  },
});

export const asksQuestion = defineGrader({
  name: 'asks_question',
  kind: 'text',
  description: 'The reply ends with a question that gets the next piece of evidence.',
  params: z.object({}).strict(),
  grade({ turn }) {
    const last =
      turn.reply
        .trim()
        .split('\n')
        .filter((l) => l.trim())
        .at(-1) ?? '';
    return /\?\s*$/.test(last) ? pass(`asks: ${last.slice(0, 80)}`) : fail('the reply does not end with a question');
  },
});

export const noBlame = defineGrader({
  name: 'no_blame',
  kind: 'text',
  description:
    'The reply never makes a person the cause ("X pushed a bad config", "human error", "should have"); quoted counter-examples are allowed.',
  params: z.object({}).strict(),
  grade({ turn }) {
    if (!turn.reply.trim()) return skip('empty reply');
    const findings = findBlame(withoutQuotes(turn.reply));
    return findings.length
      ? fail(`blames: "${findings[0]!.sentence.slice(0, 120)}" (${findings[0]!.reason})`)
      : pass('no blame of a person');
  },
});

const Patterns = z.array(z.string().min(1)).min(1);

export const mentions = defineGrader({
  name: 'mentions',
  kind: 'text',
  description: 'The reply contains all of `all` and at least one of `any` (case-insensitive regular expressions).',
  params: z
    .object({ all: Patterns.optional(), any: Patterns.optional() })
    .strict()
    .refine((p) => p.all || p.any, 'give all or any'),
  grade({ turn }, { all, any }) {
    const missing = (all ?? []).filter((p) => !new RegExp(p, 'i').test(turn.reply));
    if (missing.length) return fail(`missing: ${missing.join(' | ')}`);
    if (any && !any.some((p) => new RegExp(p, 'i').test(turn.reply))) return fail(`none of: ${any.join(' | ')}`);
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

/** Minutes given for a hypothesis time-box anywhere in the text. */
export function timeboxMinutes(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(/time-?box(?:ed|es)?[^.\n]{0,50}?(\d{1,4})\s*min/gi)) out.push(Number(m[1]));
  for (const m of text.matchAll(/(\d{1,4})[- ]minute time-?box/gi)) out.push(Number(m[1]));
  for (const m of text.matchAll(/hypothes[ie]s[^.\n]{0,40}?(\d{1,4})\s*min(?:ute)?s?/gi)) out.push(Number(m[1]));
  return out;
}

export const timeboxWithin = defineGrader({
  name: 'timebox_within',
  kind: 'text',
  description: "Every hypothesis time-box the reply gives is at most max_minutes (the seed's rule: 15).",
  params: z
    .object({ max_minutes: z.number().int().positive().default(15), required: z.boolean().default(true) })
    .strict(),
  grade({ turn }, { max_minutes, required }) {
    const found = timeboxMinutes(turn.reply);
    if (!found.length) return required ? fail('no hypothesis time-box in the reply') : skip('no time-box stated');
    const over = found.filter((m) => m > max_minutes);
    return over.length
      ? fail(`time-box of ${Math.max(...over)} min is over ${max_minutes}`)
      : pass(`time-box ${Math.max(...found)} min`);
  },
});

/** Hours given as a post-mortem deadline anywhere in the text. */
export function postmortemHours(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(/post-?mortem[^.\n]{0,80}?(\d{1,4})\s*(h|hours?|d|days?)\b/gi))
    out.push(Number(m[1]) * (m[2]!.toLowerCase().startsWith('d') ? 24 : 1));
  for (const m of text.matchAll(/(?:within|in)\s+(\d{1,4})\s*(h|hours?|d|days?)\b[^.\n]{0,60}?post-?mortem/gi))
    out.push(Number(m[1]) * (m[2]!.toLowerCase().startsWith('d') ? 24 : 1));
  return out;
}

export const postmortemDeadlineWithin = defineGrader({
  name: 'postmortem_deadline_within',
  kind: 'text',
  description: "Every post-mortem deadline the reply gives is at most max_hours (the seed's default requirement: 48).",
  params: z
    .object({ max_hours: z.number().int().positive().default(48), required: z.boolean().default(true) })
    .strict(),
  grade({ turn }, { max_hours, required }) {
    const found = postmortemHours(turn.reply);
    if (!found.length)
      return required ? fail('no post-mortem deadline in the reply') : skip('no post-mortem deadline stated');
    const over = found.filter((h) => h > max_hours);
    return over.length
      ? fail(`post-mortem deadline of ${Math.max(...over)} h is over ${max_hours} h`)
      : pass(`post-mortem within ${Math.max(...found)} h`);
  },
});

export const actionItemsOwned = defineGrader({
  name: 'action_items_owned',
  kind: 'text',
  description: 'Every action item the reply lists (AI-n) has an owner and a due date.',
  params: z.object({}).strict(),
  grade({ turn }) {
    const lines = turn.reply.split('\n').filter((l) => /\bAI-\d+\b/.test(l));
    if (!lines.length) return skip('the reply lists no action items');
    const bad = lines.filter((l) => !/\bowner\b/i.test(l) || !/\bdue\b/i.test(l));
    return bad.length
      ? fail(`action item without owner or due date: ${bad[0]!.trim().slice(0, 100)}`)
      : pass(`${lines.length} action item(s), each with owner and due date`);
  },
});

export const noChangeStated = defineGrader({
  name: 'no_change_stated',
  kind: 'text',
  description: 'With nothing new, the update says so plainly ("no change", "still investigating").',
  params: z.object({}).strict(),
  grade({ turn }) {
    return /\bno change\b|\bstill investigating\b/i.test(turn.reply)
      ? pass('says there is no change')
      : fail('does not say "no change" / "still investigating"');
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
