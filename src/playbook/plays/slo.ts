import { bullets, section } from '../compose.js';
import { failure, result } from '../outputs.js';
import { call, reply, type Play, type Step } from '../step.js';
import { tried } from '../turn.js';
import { readSloQuestion } from '../../language/index.js';

const EXPLAIN = bullets([
  'Page when the error budget burns fast in two windows at once: the last hour and the last 5 minutes both at 14.4× the budget rate (2% of a 30-day budget in one hour), or the last 6 hours and 30 minutes both at 6× (5% in 6 hours).',
  'Open a ticket, not a page, for a slow burn: the last 3 days and 6 hours both at 1× (10% of the budget in 3 days).',
  'The short window makes the alert stop soon after the burn stops; the long window keeps one bad minute from waking anyone.',
  'Budget exhausted: freeze feature releases until it recovers. One incident that used more than 20% of a 4-week budget gets a post-mortem.',
]);

/** "Should we page? 99.9% SLO, the last hour is at 2% errors": the decision computed, not recited. */
export const slo: Play = {
  id: 'slo',
  applies: (heard) => heard.intents.includes('slo') && !heard.intents.includes('report'),
  next(turn, _heard, env): Step {
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
