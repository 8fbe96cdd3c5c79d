import { addMinutes, formatClock, formatMinutes } from '../../core/time.js';
import { bullets, numbered, section } from '../compose.js';
import { ALERT_NAME } from '../../runbooks/search.js';
import { result, type Output } from '../outputs.js';
import { call, reply, type Play, type Step } from '../step.js';
import { tried } from '../turn.js';

const ACTION =
  /\b(?:we |i |they |team )?(?:just |have |'ve )?(?:restarted|rolled back|reverted|scaled|failed over|redeployed|deployed|flushed|purged|disabled|enabled|drained|killed|bumped|increased|decreased|rotated|blocked|rate[- ]limited|paged|called|opened a ticket|switched)\b/i;
const OBSERVATION =
  /\b(?:we (?:see|saw|are seeing|noticed|found|confirmed)|i (?:see|saw|noticed|found|confirmed)|graphs? show|logs? show|error rate is|latency is|dashboard shows|looks like)\b/i;
const DECISION = /\b(?:we(?:'ll| will) |decided to |going to |let'?s )\b/i;
const RESOLVED =
  /\b(?:resolved|all clear|back to normal|fully recovered|has recovered|is recovered|recovered fully|fix is (?:deployed|live|out)|errors? (?:are|is) (?:gone|back to (?:normal|baseline|zero))|incident is over|we'?re done)\b/i;
const TIMEBOX =
  /\b(?:been|spent|spending|stuck)\b[^.?!]{0,60}?\b(?:for |about |over |nearly |almost )?(\d{1,3}|an?|one|two|half an)\s*(min(?:ute)?s?|hours?|h)\b/i;
const RUNBOOK = /\brunbooks?\b|\bplaybooks? for (?:alerts|incidents)\b/i;

/** Something done or seen during the incident: onto the timeline now, not into someone's memory. */
export const logToTimeline: Play = {
  id: 'log',
  applies: (reading, turn) =>
    turn.activeIncidentId !== null &&
    !reading.report &&
    !RESOLVED.test(turn.text) &&
    (ACTION.test(turn.text) || OBSERVATION.test(turn.text) || DECISION.test(turn.text)),
  next(turn, _reading, env): Step {
    const id = turn.activeIncidentId!;
    const kind = ACTION.test(turn.text) ? 'action' : DECISION.test(turn.text) ? 'decision' : 'observation';
    if (env.allowed.has('log_event') && !tried(turn, 'log_event'))
      return call('log_event', { incidentId: id, kind, text: turn.text.slice(0, 4000) });
    if (!tried(turn, 'get_incident')) return call('get_incident', { incidentId: id, timelineLimit: 3 });
    const state = result(turn, 'get_incident');
    const at = turn.now ?? new Date();
    return reply(
      [
        `Logged on the ${id} timeline at ${formatClock(at, at)} as ${kind === 'action' ? 'an action' : `a ${kind}`}. The timeline is the single source of truth, not anyone's memory — keep telling me what you do and see as it happens.`,
        kind === 'action'
          ? 'Watch the error rate for the next few minutes to confirm the effect, and tell me what it shows.'
          : '',
        state?.attention.length ? section('Also due now:', bullets(state.attention)) : '',
      ]
        .filter(Boolean)
        .join('\n\n'),
    );
  },
};

const TESTING =
  /\b(?:hypothesis|theory)\b|\b(?:testing|checking|investigating|trying|looking into|verifying) (?:whether|if|the theory|the idea)\b/i;

/** "Priya is testing whether the new client exhausts the DB pool": a time-boxed hypothesis, on the timeline. */
export const hypothesis: Play = {
  id: 'hypothesis',
  applies: (reading, turn) =>
    turn.activeIncidentId !== null &&
    turn.activeStatus !== 'resolved' &&
    TESTING.test(turn.text) &&
    !TIMEBOX.test(turn.text) &&
    !reading.pushback.firstError,
  next(turn, _reading, env): Step {
    const id = turn.activeIncidentId!;
    const box = env.settings.hypothesis_timebox_minutes;
    if (env.allowed.has('start_hypothesis') && !tried(turn, 'start_hypothesis')) {
      const statement =
        /(?:whether|if|hypothesis:?|theory:?|theory (?:is )?that)\s+([\s\S]+)$/i.exec(turn.text)?.[1]?.trim() ??
        turn.text;
      const owner = /^([A-Z][a-z]{1,20}) (?:is|will be|'s) /.exec(turn.text)?.[1];
      return call('start_hypothesis', {
        incidentId: id,
        statement: statement.replace(/[.?!]+$/, '').slice(0, 500),
        ...(owner ? { owner } : {}),
      });
    }
    const started = result(turn, 'start_hypothesis');
    if (!started)
      return reply(
        `Keep it to ${box} minutes: if it is not confirmed by then, switch to the next hypothesis. Tell me when you have the answer.`,
      );
    const h = started.hypothesis;
    return reply(
      [
        `${h.id} started: "${h.statement}" (${h.owner}), time-boxed to ${h.timeboxMinutes} minutes — until ${formatClock(h.expiresAt, turn.now ?? undefined)}.`,
        'Decide now what would confirm it and what would rule it out; at the end of the box, call it either way and move on.',
        ...started.warnings.map((w) => `Note: ${w}`),
        'What is the fastest check that would settle it?',
      ].join('\n\n'),
    );
  },
};

/** A hypothesis chased past its time-box: call it and move to the next one. */
export const timebox: Play = {
  id: 'timebox',
  applies: (reading, turn) =>
    !reading.report &&
    TIMEBOX.test(turn.text) &&
    /\b(?:theory|hypothes|looking|chasing|debugging|investigating|digging|suspect)\w*/i.test(turn.text),
  next(turn, _reading, env): Step {
    const box = env.settings.hypothesis_timebox_minutes;
    const m = TIMEBOX.exec(turn.text)!;
    const words: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, 'half an': 0.5 };
    const n = words[m[1]!.toLowerCase()] ?? Number(m[1]);
    const minutes = Math.round(/^h/i.test(m[2]!) ? n * 60 : n);
    const over = minutes > box;
    if (over && turn.activeIncidentId && env.allowed.has('log_event') && !tried(turn, 'log_event')) {
      return call('log_event', {
        incidentId: turn.activeIncidentId,
        kind: 'decision',
        text: `Time-box of ${box} min exceeded after ${minutes} min: calling this hypothesis and moving on. (${turn.text.slice(0, 300)})`,
      });
    }
    return reply(
      over
        ? [
            `That is ${minutes} minutes on one hypothesis — past the ${box}-minute time-box. Call it now:`,
            numbered([
              'Confirmed? Then act on it (roll back, fail over) and say so on the timeline.',
              'Not confirmed? Mark it ruled out or parked, with what you learned, and move to the next hypothesis.',
              `Pick the next one by evidence: what changed recently, what the error logs show, which dependency is unhealthy. Give it ${box} minutes too.`,
            ]),
            turn.activeIncidentId ? 'I have logged the decision on the timeline.' : '',
            'What is the next most likely cause?',
          ]
            .filter(Boolean)
            .join('\n\n')
        : `You are ${minutes} minutes into a ${box}-minute time-box: ${box - minutes} minutes left. If it is not confirmed by then, move to the next hypothesis. What would confirm it fastest?`,
    );
  },
};

/** The incident is over: resolve it, final updates, and the post-mortem due within the deadline. */
export const resolution: Play = {
  id: 'resolution',
  applies: (reading, turn) => turn.activeIncidentId !== null && RESOLVED.test(turn.text) && !reading.wants.postmortem,
  next(turn, _reading, env): Step {
    const id = turn.activeIncidentId!;
    if (env.allowed.has('resolve_incident') && !tried(turn, 'resolve_incident'))
      return call('resolve_incident', { incidentId: id, resolution: turn.text.slice(0, 2000) });
    if (!env.allowed.has('resolve_incident') && env.allowed.has('log_event') && !tried(turn, 'log_event'))
      return call('log_event', { incidentId: id, kind: 'milestone', text: `Resolved: ${turn.text.slice(0, 3900)}` });
    const resolved = result(turn, 'resolve_incident');
    const hours = resolved?.postmortem.deadlineHours ?? env.settings.postmortem_deadline_hours;
    const now = turn.now ?? new Date();
    const due = resolved?.postmortem.dueAt ?? addMinutes(now, hours * 60).toISOString();
    const d = resolved?.durations;
    const took =
      d?.timeToResolveMinutes !== null && d?.timeToResolveMinutes !== undefined
        ? ` Impact lasted ${formatMinutes(d.timeToResolveMinutes)}${d.timeToDetectMinutes ? `; it took ${formatMinutes(d.timeToDetectMinutes)} to detect` : ''}.`
        : '';
    return reply(
      [
        `Good work. ${id} is resolved and on the timeline.${took}`,
        section(
          'Now:',
          numbered([
            'Send the final update to every audience: customers (resolved, what they may still notice), executives (impact and duration), engineering (what fixed it).',
            'Keep the incident channel open for an hour in case it comes back; watch the error rate.',
            `Schedule the post-mortem: it is due within ${hours} hours, by ${formatClock(due, now)} — a timeline, an impact assessment and action items, each with one owner and a due date.`,
          ]),
        ),
        'Keep it blameless: we look for the missing guardrails (alerts, tests, limits), not for who did what. Every incident is a chance to make the whole organisation more resilient.',
        'Who will facilitate the post-mortem?',
      ].join('\n\n'),
    );
  },
};

const RUNBOOK_LOOKUP =
  /\brunbooks? (?:for|on|about)\b|\b(?:which|what(?:'s| is) the|is there an?|do we have an?|find (?:me )?(?:the |a )?|show (?:me )?(?:the )?|pull up (?:the )?|open (?:the )?|where(?:'s| is) the) runbook\b/i;

const RUNBOOK_ADVICE = [
  'Runbooks have to be tested every quarter — an untested runbook is false confidence: the commands drift, the dashboards move, and you find out at 3 AM.',
  section(
    'What that means in practice:',
    bullets([
      'Every alert that pages has a runbook linked from the alert itself; if there is no runbook, the alert should not page.',
      'Each runbook has an owner and a "last tested" date; anything older than a quarter is flagged and tested, or retired (`incident-commander runbooks lint` lists both).',
      'Test them in game days: a realistic drill where someone follows the runbook step by step while the team watches, and fixes what was wrong the same week.',
      'After every incident, update the runbook that was used — or write the one that was missing, with an owner and a due date.',
    ]),
  ),
];

/** The steps of a found runbook, quoted as the team wrote them (data to follow, not instructions to the commander). */
function runbookReply(found: Output<'find_runbook'>): string {
  const best = found.runbooks[0];
  if (!found.configured)
    return [
      'No runbooks folder is configured here, so I cannot look one up (set --runbooks DIR or INCIDENT_COMMANDER_RUNBOOKS).',
      ...RUNBOOK_ADVICE,
    ].join('\n\n');
  if (!best)
    return [
      found.missing ?? 'No runbook matches that.',
      'Write it now while the steps are fresh: one owner, a due date, and test it in the next game day. Until then the alert should not page anyone.',
    ].join('\n\n');
  const steps = (best.steps ?? '')
    .split('\n')
    .filter((l) => l.trim())
    .slice(0, 24);
  return [
    `**Runbook: ${best.title}** (${best.file}; owner ${best.owner}; ${best.lastTested ? `last tested ${best.lastTested.slice(0, 10)}, ${best.daysSinceTest} days ago` : 'never tested'}).`,
    best.stale
      ? `It has not been tested within a quarter: follow it, but verify each step, and note what was wrong so it gets fixed this week.`
      : '',
    `> ${steps.join('\n> ')}${best.truncated || (best.steps ?? '').split('\n').filter((l) => l.trim()).length > steps.length ? '\n> …' : ''}`,
    found.missing ?? '',
    found.runbooks.length > 1
      ? `Also relevant: ${found.runbooks
          .slice(1)
          .map((r) => `"${r.title}" (${r.file})`)
          .join(', ')}.`
      : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** Runbooks: one for every paging alert, tested every quarter — and looked up when someone asks for one. */
export const runbooks: Play = {
  id: 'runbooks',
  applies: (reading, turn) => RUNBOOK.test(turn.text) && (!reading.report || turn.text.includes('?')),
  next(turn, reading, env): Step {
    const alert = ALERT_NAME.exec(turn.text)?.[0];
    const service = reading.extraction.services[0];
    if ((RUNBOOK_LOOKUP.test(turn.text) || alert) && env.allowed.has('find_runbook') && !tried(turn, 'find_runbook')) {
      return call('find_runbook', {
        ...(alert ? { alert } : {}),
        ...(service ? { service } : {}),
        query: turn.text.slice(0, 500),
      });
    }
    const found = result(turn, 'find_runbook');
    if (found) return reply(runbookReply(found));
    return reply(
      [...RUNBOOK_ADVICE, 'Which runbooks page most often? Start the quarterly tests with those.'].join('\n\n'),
    );
  },
};
