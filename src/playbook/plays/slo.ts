import { bullets, section } from '../compose.js';
import { failure, result } from '../outputs.js';
import { call, reply, type Play, type Step } from '../step.js';
import { tried } from '../turn.js';

const SLO_WORDS =
  /\b(?:slos?|slis?|error budgets?|burn(?:ing)? rate|burn(?:ing)? (?:through )?(?:the |our )?budget|page or (?:a )?ticket|when (?:should we|to) page|should (?:we|i) (?:page|wake)|availability target)\b/i;

type Window = '5m' | '30m' | '1h' | '6h' | '3d';

/** "1.5k" → 1500, "2,000,000" → 2000000, "3 million" → 3000000. */
function amount(digits: string, unit: string | undefined): number {
  const n = Number(digits.replace(/,/g, ''));
  const scale = !unit
    ? 1
    : /^k|thousand/i.test(unit)
      ? 1e3
      : /^m|million/i.test(unit)
        ? 1e6
        : /^b|billion/i.test(unit)
          ? 1e9
          : 1;
  return n * scale;
}

/** "0.7" (percent) → 0.007, without binary-float noise. */
const percent = (digits: string): number => Math.round(Number(digits) * 1e8) / 1e10;

function windowOf(text: string): Window | null {
  const t = text.toLowerCase().replace(/\s+/g, '');
  if (/^(?:5m|5min|5minutes?|fiveminutes?)$/.test(t)) return '5m';
  if (/^(?:30m|30min|30minutes?|halfanhour)$/.test(t)) return '30m';
  if (/^(?:1h|1hr|1hour|hour|anhour|onehour|60m|60min|60minutes)$/.test(t)) return '1h';
  if (/^(?:6h|6hrs?|6hours|sixhours)$/.test(t)) return '6h';
  if (/^(?:3d|3days|threedays|72h|72hours)$/.test(t)) return '3d';
  return null;
}

const WINDOW = String.raw`5 ?m(?:in(?:utes?)?)?|five minutes|30 ?m(?:in(?:utes?)?)?|half an hour|1 ?h(?:(?:ou)?r)?|(?:an |one )?hour|60 ?min(?:utes)?|6 ?h(?:(?:ou)?rs?)?|six hours|3 ?d(?:ays)?|three days|72 ?h(?:ours)?`;
const NUMBER = String.raw`(\d[\d,]*(?:\.\d+)?)\s*(k|thousand|m(?:illion)?|b(?:illion)?)?`;

export interface SloQuestion {
  targetPercent: number | null;
  windowDays: number | null;
  good: number | null;
  total: number | null;
  errorRatios: Partial<Record<Window, number>>;
}

/** The numbers an SLO question carries, read from its words; what is not said stays null, never guessed. */
export function readSloQuestion(text: string): SloQuestion {
  const target =
    /(\d{2}(?:\.\d{1,3})?)\s*%\s*(?:slo|target|availability|success|of requests|over|in|for|\()/i.exec(text) ??
    /\b(?:slo|target|objective)\b[^.%\d]{0,30}(\d{2}(?:\.\d{1,3})?)\s*%/i.exec(text);
  const days = /(\d{1,2})[- ]?(?:days?|d)\b(?:\s*(?:rolling\s*)?(?:window|slo|period))?/i.exec(
    text.replace(/(?:last|past|over the) (?:3 ?d(?:ays)?|three days)/gi, ''),
  );
  const weeks = /(\d)[- ]?weeks?\b/i.exec(text);
  const total = new RegExp(String.raw`${NUMBER}\s*(?:requests|events|calls|transactions|checkouts|queries)`, 'i').exec(
    text,
  );
  const bad = new RegExp(
    String.raw`${NUMBER}\s*(?:of (?:them|those) )?(?:failed|errors?|failures|bad|5xx|were errors)`,
    'i',
  ).exec(text);
  const errorRatios: Partial<Record<Window, number>> = {};
  const pairs = [
    new RegExp(
      String.raw`(\d+(?:\.\d+)?)\s*%[^.;,%]{0,30}?\b(?:over|in|for|during) (?:the )?(?:last |past )?(${WINDOW})\b`,
      'gi',
    ),
    new RegExp(
      String.raw`\b(${WINDOW})(?: error rate| error ratio| errors?)?\s*(?:is|was|at|:|=|of)?\s*(\d+(?:\.\d+)?)\s*%`,
      'gi',
    ),
  ];
  for (const m of text.matchAll(pairs[0]!)) {
    const w = windowOf(m[2]!);
    if (w) errorRatios[w] ??= percent(m[1]!);
  }
  for (const m of text.matchAll(pairs[1]!)) {
    const w = windowOf(m[1]!);
    if (w) errorRatios[w] ??= percent(m[2]!);
  }
  const totalEvents = total ? amount(total[1]!, total[2]) : null;
  const badEvents = bad ? amount(bad[1]!, bad[2]) : null;
  return {
    targetPercent: target ? Number(target[1]) : null,
    windowDays: days ? Number(days[1]) : weeks ? Number(weeks[1]) * 7 : null,
    total: totalEvents,
    good: totalEvents !== null && badEvents !== null && badEvents <= totalEvents ? totalEvents - badEvents : null,
    errorRatios,
  };
}

const EXPLAIN = bullets([
  'Page when the error budget burns fast in two windows at once: the last hour and the last 5 minutes both at 14.4× the budget rate (2% of a 30-day budget in one hour), or the last 6 hours and 30 minutes both at 6× (5% in 6 hours).',
  'Open a ticket, not a page, for a slow burn: the last 3 days and 6 hours both at 1× (10% of the budget in 3 days).',
  'The short window makes the alert stop soon after the burn stops; the long window keeps one bad minute from waking anyone.',
  'Budget exhausted: freeze feature releases until it recovers. One incident that used more than 20% of a 4-week budget gets a post-mortem.',
]);

/** "Should we page? 99.9% SLO, the last hour is at 2% errors": the decision computed, not recited. */
export const slo: Play = {
  id: 'slo',
  applies: (reading, turn) => SLO_WORDS.test(turn.text) && (!reading.report || /\?/.test(turn.text)),
  next(turn, _reading, env): Step {
    const q = readSloQuestion(turn.text);
    const hasNumbers = q.total !== null || Object.keys(q.errorRatios).length > 0;
    if (
      q.targetPercent !== null &&
      hasNumbers &&
      env.allowed.has('check_error_budget') &&
      !tried(turn, 'check_error_budget')
    ) {
      return call('check_error_budget', {
        targetPercent: q.targetPercent,
        windowDays: q.windowDays ?? 30,
        ...(q.total !== null && q.good !== null ? { good: q.good, total: q.total } : {}),
        ...(Object.keys(q.errorRatios).length ? { errorRatios: q.errorRatios } : {}),
      });
    }
    const check = result(turn, 'check_error_budget');
    if (check) {
      const parts = [`**Decision: ${check.decision.toUpperCase()}** — ${check.reason}.`];
      if (q.windowDays === null)
        parts.push(`(I assumed a 30-day window; tell me yours and I will redo it — the thresholds scale with it.)`);
      if (check.budget) {
        const b = check.budget;
        parts.push(
          `Error budget (${(check.slo.target * 100).toFixed(3).replace(/\.?0+$/, '')}% over ${check.slo.windowDays} days): ${Math.round(b.badEvents).toLocaleString('en-US')} of ${Math.round(b.allowedBadEvents).toLocaleString('en-US')} allowed failures used — ${(b.consumedFraction * 100).toFixed(1)}% consumed, ${(b.remainingFraction * 100).toFixed(1)}% left${b.exhausted ? ' (EXHAUSTED)' : ''}.`,
        );
      }
      const rates = check.burnRates
        .filter((r) => r.burnRate !== null)
        .map((r) => `${r.window} ${r.burnRate!.toFixed(1)}×`);
      if (rates.length) parts.push(`Burn rates: ${rates.join(', ')} (1× spends the budget exactly over the window).`);
      const rules = check.rules
        .filter((r) => r.status !== 'not_applicable')
        .map(
          (r) =>
            `${r.action.toUpperCase()} ${r.longWindow}+${r.shortWindow} ≥ ${r.threshold.toFixed(1)}×: ${r.status.replace('_', ' ')}${r.missing.length ? ` (missing ${r.missing.join(', ')})` : ''}`,
        );
      parts.push(section('Rules (multi-window, multi-burn-rate, SRE workbook):', bullets(rules)));
      if (check.missingWindows.length)
        parts.push(
          `Missing windows: ${check.missingWindows.join(', ')} — a window without data is unknown, not fine. Give me those error rates to complete the decision.`,
        );
      const policy = [
        check.policy.releaseFreeze ? check.policy.releaseFreezeReason : '',
        check.policy.postmortemRequired ? check.policy.postmortemReason : '',
      ].filter(Boolean);
      if (policy.length) parts.push(section('Policy:', bullets(policy)));
      if (check.decision === 'page')
        parts.push('Page the on-call now and open an incident if users are affected; every page needs a runbook.');
      return reply(parts.join('\n\n'));
    }
    const missing = [
      q.targetPercent === null ? 'the SLO target (e.g. 99.9%)' : '',
      !hasNumbers ? 'the error rate over the last hour and 5 minutes (or good and total requests over the window)' : '',
    ].filter(Boolean);
    const error = failure(turn, 'check_error_budget');
    return reply(
      [
        error
          ? `I could not check that: ${error}`
          : 'Page from SLOs, not from symptoms: an alert should wake someone only when the error budget is burning fast enough to matter.',
        section('How the decision is made (Google SRE workbook):', EXPLAIN),
        missing.length
          ? `Give me ${missing.join(' and ')}, and I will compute the burn rates and tell you page, ticket or nothing.`
          : '',
      ]
        .filter(Boolean)
        .join('\n\n'),
    );
  },
};
