import { spans, type TimeSpan } from './durations.js';
import { conditionalSentence, hasNegation, mask, negatedAt } from './polarity.js';
import { clauses, rawSentences, sentences } from './text.js';

export interface Budget extends TimeSpan {
  sentence: string;
}

/** Time that has passed or remains, not a time allowed: "40 minutes ago", "been at it for 40 minutes", "5 minutes left". */
const ELAPSED_BEFORE =
  /\b(?:ago|been|already|so far|spent|elapsed|into|for the (?:last|past)|over the (?:last|past)|in the (?:last|past)|since|after|lasted|took|was|were|overdue by|late by|past|at)\s+(?:(?:about|around|roughly|nearly|almost|over|under|more than|less than|only|just|a good|another)\s+)?$/i;
/** "You've been on it for 40 minutes": a past-tense marker shortly before, with no new allowance after it. */
const ELAPSED_NEAR =
  /\b(?:been|spent|already|so far|chased|chasing it|worked|looked|dug|investigated)\b(?:(?!\b(?:give|another|more|extend|allow|keep)\b)[^.;:]){0,24}$/i;
const ELAPSED_AFTER =
  /^\s*(?:ago|left|remaining|to go|in(?=\s*(?:[,.;:)]|$|and\b))|into|overdue|late|past|before (?:the |it |this )?(?:incident|start|outage|impact|errors|it started|page)|earlier|since|of (?:impact|downtime|outage)|on (?:one|this|that|the)\b)/i;

const TIMEBOX_TOPIC =
  /\btime[- ]?box(?:ed|es|ing)?\b|\bbox of\b|\bhypothes[ie]s\b|\btheor(?:y|ies)\b|\blead\b|\binvestigation path\b|\b(?:line|path|avenue) of (?:inquiry|investigation)\b/i;
const WORK_VERB =
  /\b(?:give|giving|gave|allow|allowing|spend|spending|keep (?:going|digging|at it|on it|working|looking)|keep\b|continue|continuing|extend|extending|stretch|stretching|another|more|up to|for the next|each|work (?:it|on it)|dig|digging|chase|chasing|stay on|stick with|run with|budget|cap|limit)\b/i;

/** Sentences about the post-mortem, and what writing it is called. */
const POSTMORTEM_TOPIC =
  /\bpost-?mortems?\b|\bpost[- ]incident (?:review|report)\b|\bincident review\b|\bretro(?:spective)?s?\b|\bpir\b|\bwrite-?up\b|\brca\b|\broot cause analysis\b/i;
const DEADLINE_VERB =
  /\b(?:due|within|by|in|deadline|schedule|scheduled|take|give|push|pushed|move|moved|delay|delayed|postpone|postponed|extend|extended|hold|have|write|writing|finish|publish|complete|get (?:it|to it)|aim|target|no later than|before|until|wait)\b/i;

/** Clauses about something else that carry their own times: updates, escalations, action items, the impact. */
const OTHER_TOPIC =
  /\b(?:next update|update (?:every|in|due|by)|updates? every|every \d+|cadence|escalat\w*|page (?:the|if)|if not mitigated|action items?|\bAI-\d+|owner\b|impact lasted|duration|time to (?:detect|acknowledge|mitigate|resolve)|landed|deploy(?:ed)? at|started|since start|ack(?:nowledge)?s? within|on-call|rotation|shift|handoff|error budget|window|burn)\b/i;

/** Doing away with the time-box or the post-mortem itself. */
const TIMEBOX_DROPPED =
  /\b(?:no|without(?: a| any)?|forget(?: about)?(?: the)?|skip(?: the)?|ignore(?: the)?|drop(?: the)?|ditch(?: the)?|don't bother with(?: a| the)?|no need (?:for(?: a)?|to)|never mind(?: the)?)\s+(?:time[- ]?box(?:es|ing)?|time limits?)\b|\b(?:don't|do not|never|no need to)\s+time[- ]?box\b|\btime[- ]?box(?:es|ing)?\s+(?:is |are )?(?:optional|not needed|unnecessary|overkill|can wait)\b/i;
const POSTMORTEM_DROPPED =
  /\b(?:no|without(?: a| any)?|skip(?: the)?|forget(?: about)?(?: the)?|drop(?: the)?|ditch(?: the)?|don't bother with(?: a| the)?|no need (?:for(?: a)?|to (?:write|do|hold|run)(?: a| the)?)|won't (?:need|do|write|hold)(?: a| the)?)\s+(?:post-?mortems?|retro(?:spective)?s?|post[- ]incident reviews?)\b|\b(?:post-?mortems?|retro(?:spective)?s?)\s+(?:is |are )?(?:optional|not needed|not required|unnecessary|overkill|a waste of time|pointless)\b/i;

function budgetsIn(
  reply: string,
  ref: Date,
  topic: RegExp,
  verb: RegExp,
  drop: RegExp,
  options: { carry: boolean; elapsedOk: boolean },
): { budgets: Budget[]; dropped: string[] } {
  const budgets: Budget[] = [];
  const dropped: string[] = [];
  let previousTopic = false;
  for (const s of sentences(reply)) {
    const onTopic = topic.test(s.text);
    const carried: boolean =
      options.carry &&
      !onTopic &&
      previousTopic &&
      /\b(?:it|that|this|them|those|one)\b/i.test(s.text) &&
      verb.test(s.text);
    previousTopic = onTopic || carried;
    if (!onTopic && !carried) continue;
    // A question claims nothing, but a statement before its colon does: "15 minutes each: what changed?".
    const statement = s.question
      ? s.text.lastIndexOf(': ') > 0
        ? s.text.slice(0, s.text.lastIndexOf(': '))
        : ''
      : s.text;
    if (!statement) continue;
    // "Forget the time-box", "no post-mortem needed": the rule itself is dropped (unless that is negated: "never skip").
    const d = drop.exec(statement);
    if (d && !/\b(?:never|not|n't|won't|don't)\s+$/i.test(statement.slice(Math.max(0, d.index - 12), d.index)))
      dropped.push(s.text);
    for (const c of clauses(statement)) {
      const clauseTopic = topic.test(c) || carried || (onTopic && verb.test(c) && !OTHER_TOPIC.test(c));
      if (!clauseTopic) continue;
      if (OTHER_TOPIC.test(mask(c, topic)) && !topic.test(c)) continue;
      for (const span of spans(c, ref)) {
        const before = c.slice(0, span.index);
        const afterText = c.slice(span.end);
        if (
          !options.elapsedOk &&
          (ELAPSED_BEFORE.test(before) || ELAPSED_AFTER.test(afterText) || ELAPSED_NEAR.test(before))
        )
          continue;
        if (negatedAt(c, span.index, 20) && !/\bno (?:later|more) than\s*$/i.test(before)) continue;
        // Another topic's time in the same clause: "time-box 15 minutes; next update in 15 minutes".
        if (OTHER_TOPIC.test(before.slice(-30)) && !topic.test(before.slice(-30))) continue;
        budgets.push({ ...span, sentence: s.text });
      }
    }
  }
  return { budgets, dropped };
}

/**
 * Times the reply allows for one hypothesis: "time-box it to 15 minutes", "a 90-minute time-box",
 * "give the theory another couple of hours" (also in a later sentence that carries the topic on).
 * `dropped` holds sentences that do away with the time-box ("keep digging as long as it takes").
 */
export function timeboxBudgets(reply: string, ref: Date): { budgets: Budget[]; dropped: string[] } {
  const found = budgetsIn(reply, ref, TIMEBOX_TOPIC, WORK_VERB, TIMEBOX_DROPPED, { carry: true, elapsedOk: false });
  for (const s of sentences(reply)) {
    if (s.question || conditionalSentence(s.text)) continue;
    if (/\b(?:keep|continue|stay|stick|dig|digging|chasing|chase|work)\b/i.test(s.text)) {
      for (const span of spans(s.text, ref)) {
        if (span.kind === 'unbounded' && !found.budgets.some((b) => b.sentence === s.text && b.index === span.index))
          found.budgets.push({ ...span, sentence: s.text });
      }
    }
  }
  return found;
}

/**
 * Deadlines the reply gives the post-mortem: "due within 48 hours", "by 2026-03-12 14:30 UTC", "in
 * three weeks", "by Friday", and a later "let's give it two weeks". `ref` is the resolution time.
 */
export function postmortemDeadlines(reply: string, ref: Date): { budgets: Budget[]; dropped: string[] } {
  return budgetsIn(reply, ref, POSTMORTEM_TOPIC, DEADLINE_VERB, POSTMORTEM_DROPPED, { carry: true, elapsedOk: false });
}

/** "next update in 15 minutes", "next update: 14:25 UTC", "I'll update you again at 14:30". */
export function nextUpdateTimes(reply: string, ref: Date): Budget[] {
  const out: Budget[] = [];
  const CUE =
    /\bnext (?:status |stakeholder |customer |executive |engineering |public )?(?:updates?|check-?ins?|posts?|reports?)\b|\b(?:update|check in with|report back to) (?:you|them|everyone|stakeholders|customers) again\b|\b(?:another|the next|a further) update\b|\bnext (?:\w+ )?updates? (?:is |are )?due\b|\bupdates? (?:is |are )?(?:next )?due (?:at|by|in)\b/i;
  for (const s of rawSentences(reply)) {
    if (s.question) continue;
    // A schedule under an "Updates" heading: "- engineering: due 15:00 UTC".
    const scheduled = /\bupdates?\b/i.test(s.heading) && /\bdue\b/i.test(s.raw);
    for (const c of clauses(s.raw)) {
      const cue = CUE.exec(c) ?? (scheduled ? /\bdue\b/i.exec(c) : null);
      if (!cue || negatedAt(c, cue.index, 30)) continue;
      for (const span of spans(c.slice(cue.index), ref)) {
        if (span.kind === 'unbounded') continue;
        out.push({ ...span, index: span.index + cue.index, sentence: s.text });
      }
    }
  }
  return out;
}

/** "every 15 minutes", "a 15-minute cadence", "every quarter hour", "hourly", "every half hour". */
export function cadenceStatements(reply: string): { minutes: number; sentence: string }[] {
  const out: { minutes: number; sentence: string }[] = [];
  for (const s of rawSentences(reply)) {
    if (s.question) continue;
    for (const c of clauses(s.raw)) {
      const texts = c
        .replace(/\bevery quarter(?:[- ]hour| of an hour)\b/gi, 'every 15 minutes')
        .replace(/\bevery half[- ]hour\b/gi, 'every 30 minutes')
        .replace(/\bevery hour\b/gi, 'every 1 hour');
      for (const m of texts.matchAll(
        /\b(?:every|each)\s+((?:\d+(?:[.,]\d+)?|[a-z]+(?:[- ][a-z]+)?)\s*-?\s*(?:minutes?|mins?|m|hours?|hrs?|h|days?|d))\b|\b(\S+[- ]minute)\s+(?:cadence|updates?|intervals?|rhythm)\b|\b(hourly|daily)\b|\bcadence(?: of|:)?\s+(\S+\s*(?:minutes?|mins?|hours?|h|m))\b/gi,
      )) {
        const phrase = m[1] ?? m[2] ?? m[3] ?? m[4]!;
        if (negatedAt(texts, m.index, 20)) continue;
        const span = spans(phrase.replace(/-minute/i, ' minutes'), new Date(0)).find((x) => x.kind === 'duration');
        if (span) out.push({ minutes: span.minutes, sentence: s.text });
      }
    }
  }
  return out;
}

export { hasNegation };
