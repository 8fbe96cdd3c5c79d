import { ALERT_NAME } from '../../runbooks/search.js';
import { bullets, section } from '../compose.js';
import { type Output, result } from '../outputs.js';
import { call, type Play, reply, type Step } from '../step.js';
import { tried } from '../turn.js';

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
  applies: (heard) => heard.intents.includes('runbook') && !heard.intents.includes('report'),
  next(turn, heard, env): Step {
    const alert = heard.alert?.name ?? ALERT_NAME.exec(turn.text)?.[0];
    const service = heard.services[0];
    if ((heard.runbookLookup || alert) && env.allowed.has('find_runbook') && !tried(turn, 'find_runbook')) {
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
