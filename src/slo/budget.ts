/**
 * Error budgets and multi-window, multi-burn-rate alerts, as in the Google SRE workbook,
 * chapter "Alerting on SLOs". Pure functions: no clock, no I/O.
 *
 * - Error budget = 1 − target over the SLO window (99.9% over 30 days → 0.1% of events may fail).
 * - Burn rate = observed error ratio / (1 − target); burning at 1 spends exactly the budget over the window.
 * - Budget consumed by burning at rate B for a duration d = B × d / window.
 * - A rule fires when both its long window and its short window (1/12 of the long one) burn at or
 *   above its threshold; the short window stops alerts for a burn that has already stopped.
 *   Threshold = budget fraction × window / long-window duration (14.4, 6 and 1 for a 30-day window).
 */
import { InputError } from '../core/errors.js';

export const ALERT_WINDOWS = ['5m', '30m', '1h', '6h', '3d'] as const;
export type AlertWindow = (typeof ALERT_WINDOWS)[number];

export const WINDOW_HOURS: Readonly<Record<AlertWindow, number>> = {
  '5m': 5 / 60,
  '30m': 0.5,
  '1h': 1,
  '6h': 6,
  '3d': 72,
};

const WINDOW_WORDS: Readonly<Record<AlertWindow, string>> = {
  '5m': '5 minutes',
  '30m': '30 minutes',
  '1h': '1 hour',
  '6h': '6 hours',
  '3d': '3 days',
};

/** Error ratio (bad / all events, 0–1) per alerting window; a window left out is unknown. */
export type ErrorRatios = { [W in AlertWindow]?: number | undefined };

export interface BurnRule {
  name: string;
  action: 'page' | 'ticket';
  longWindow: AlertWindow;
  shortWindow: AlertWindow;
  /** Fraction of the whole window's budget that burning at the threshold spends in one long window. */
  budgetFractionPerLongWindow: number;
}

/** The workbook's recommended policy (written for 30 days; thresholds scale with the window). */
export const WORKBOOK_RULES: readonly BurnRule[] = [
  { name: 'page_1h_5m', action: 'page', longWindow: '1h', shortWindow: '5m', budgetFractionPerLongWindow: 0.02 },
  { name: 'page_6h_30m', action: 'page', longWindow: '6h', shortWindow: '30m', budgetFractionPerLongWindow: 0.05 },
  { name: 'ticket_3d_6h', action: 'ticket', longWindow: '3d', shortWindow: '6h', budgetFractionPerLongWindow: 0.1 },
];

/** The workbook's example policy: a post-mortem when one incident consumed more than 20% of a 4-week budget. */
export const POSTMORTEM_BUDGET_FRACTION = 0.2;
export const POSTMORTEM_WINDOW_DAYS = 28;

/**
 * Floating point: 0.0144 / 0.001 is 14.399999999999999, not 14.4. Values within one part in a
 * billion of a threshold count as reaching it, so the workbook's own examples page as it says.
 */
const RELATIVE_TOLERANCE = 1e-9;

function atLeast(value: number, threshold: number): boolean {
  return value >= threshold - RELATIVE_TOLERANCE * Math.max(1, Math.abs(threshold));
}

function moreThan(value: number, threshold: number): boolean {
  return value > threshold + RELATIVE_TOLERANCE * Math.max(1, Math.abs(threshold));
}

/** Rounds away binary noise (5.6000000000000005 → 5.6) without changing any meaningful digit. */
function clean(value: number): number {
  return Number(value.toPrecision(12));
}

/** Short number for text: 14.399999999999999 → "14.4", 0.93333 → "0.9333". */
export function formatNumber(value: number): string {
  return String(Number(value.toPrecision(4)));
}

/** 0.02 → "2%", 0.001 → "0.1%". */
export function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(4))}%`;
}

function checkTarget(target: number, field = 'target'): void {
  if (!Number.isFinite(target) || target <= 0 || target > 1)
    throw InputError.field(field, `must be a fraction between 0 and 1 (99.9% is 0.999), got ${String(target)}`);
  if (target === 1)
    throw InputError.field(
      field,
      'a 100% target leaves no error budget (every failure breaks the SLO, and burn rates divide by zero); use a target below 1 such as 0.999',
    );
}

function checkWindowDays(windowDays: number): void {
  if (!Number.isFinite(windowDays) || windowDays <= 0)
    throw InputError.field('windowDays', `must be a positive number of days, got ${String(windowDays)}`);
}

function checkCount(value: number, field: string): void {
  if (!Number.isFinite(value) || value < 0)
    throw InputError.field(field, `must be a number of events, 0 or more, got ${String(value)}`);
}

function checkRatio(value: number, field: string): void {
  if (!Number.isFinite(value) || value < 0 || value > 1)
    throw InputError.field(
      field,
      `must be an error ratio between 0 and 1 (bad events / all events), got ${String(value)}`,
    );
}

/** 1 − target: the fraction of events allowed to fail. 0.999 → 0.001 exactly (not 0.0010000000000000009). */
export function errorBudgetFraction(target: number): number {
  checkTarget(target);
  return Math.round((1 - target) * 1e12) / 1e12;
}

export interface ErrorBudget {
  /** (1 − target) × total events over the window. */
  allowedBadEvents: number;
  /** total − good. */
  badEvents: number;
  /** badEvents / allowedBadEvents; above 1 when the budget is overspent. */
  consumedFraction: number;
  /** 1 − consumedFraction; negative when overspent (−0.5: spent half a budget more than allowed). */
  remainingFraction: number;
  exhausted: boolean;
}

/** The budget over the SLO window from event counts (budgeting method Occurrences). */
export function errorBudget(input: { target: number; windowDays: number; good: number; total: number }): ErrorBudget {
  const fraction = errorBudgetFraction(input.target);
  checkWindowDays(input.windowDays);
  checkCount(input.good, 'good');
  checkCount(input.total, 'total');
  if (input.good > input.total)
    throw InputError.field(
      'good',
      `${input.good} good events is more than the ${input.total} total events; good counts only the successful ones among total`,
    );
  const allowedBadEvents = clean(fraction * input.total);
  const badEvents = clean(input.total - input.good);
  // No events at all: nothing failed, nothing was spent.
  const consumedFraction =
    badEvents === 0 ? 0 : allowedBadEvents === 0 ? Number.POSITIVE_INFINITY : clean(badEvents / allowedBadEvents);
  return {
    allowedBadEvents,
    badEvents,
    consumedFraction,
    remainingFraction: clean(1 - consumedFraction),
    exhausted: atLeast(consumedFraction, 1),
  };
}

/** Observed error ratio / (1 − target). 1 spends exactly the budget over the window. */
export function burnRate(errorRatio: number, target: number): number {
  checkRatio(errorRatio, 'errorRatio');
  return errorRatio / errorBudgetFraction(target);
}

/** Fraction of the window's budget spent by burning at `burnRate` for `hours`: B × d / window. */
export function budgetConsumedByBurn(input: { burnRate: number; hours: number; windowDays: number }): number {
  checkWindowDays(input.windowDays);
  return clean((input.burnRate * input.hours) / (input.windowDays * 24));
}

/** The burn rate that spends `budgetFraction` of the window's budget in `longWindowHours`. */
export function burnRateThreshold(input: {
  budgetFraction: number;
  longWindowHours: number;
  windowDays: number;
}): number {
  checkWindowDays(input.windowDays);
  return clean((input.budgetFraction * input.windowDays * 24) / input.longWindowHours);
}

export type RuleStatus = 'fired' | 'not_fired' | 'unknown' | 'not_applicable';

export interface RuleResult {
  name: string;
  action: 'page' | 'ticket';
  longWindow: AlertWindow;
  shortWindow: AlertWindow;
  threshold: number;
  longBurnRate: number | null;
  shortBurnRate: number | null;
  /** true: fired; false: known not to fire; null: cannot tell (data missing) or not applicable. */
  fired: boolean | null;
  status: RuleStatus;
  budgetFractionPerLongWindow: number;
  /** Windows of this rule with no data. */
  missing: AlertWindow[];
  explanation: string;
}

export type AlertDecision = 'page' | 'ticket' | 'none' | 'unknown';

export interface WindowBurn {
  window: AlertWindow;
  errorRatio: number | null;
  burnRate: number | null;
}

export interface BurnRateAlerts {
  /**
   * The highest action a rule confirmed. `none` only when every applicable rule is known not to
   * fire; `unknown` when none fired and at least one could not be checked.
   */
  decision: AlertDecision;
  rules: RuleResult[];
  burnRates: WindowBurn[];
  /** Windows whose data would change or complete the decision. */
  missingWindows: AlertWindow[];
  reason: string;
}

function evaluateRule(rule: BurnRule, windowDays: number, burn: ReadonlyMap<AlertWindow, number>): RuleResult {
  const threshold = burnRateThreshold({
    budgetFraction: rule.budgetFractionPerLongWindow,
    longWindowHours: WINDOW_HOURS[rule.longWindow],
    windowDays,
  });
  const longBurnRate = burn.get(rule.longWindow) ?? null;
  const shortBurnRate = burn.get(rule.shortWindow) ?? null;
  const missing = [rule.longWindow, rule.shortWindow].filter((w) => !burn.has(w));
  const base = {
    name: rule.name,
    action: rule.action,
    longWindow: rule.longWindow,
    shortWindow: rule.shortWindow,
    threshold,
    longBurnRate,
    shortBurnRate,
    budgetFractionPerLongWindow: rule.budgetFractionPerLongWindow,
  };
  const t = formatNumber(threshold);
  if (WINDOW_HOURS[rule.longWindow] > windowDays * 24) {
    return {
      ...base,
      fired: null,
      status: 'not_applicable',
      missing: [],
      explanation: `not applicable: its ${rule.longWindow} long window is longer than the ${formatNumber(windowDays)}-day SLO window`,
    };
  }
  const longHigh = longBurnRate === null ? null : atLeast(longBurnRate, threshold);
  const shortHigh = shortBurnRate === null ? null : atLeast(shortBurnRate, threshold);
  const describe = (w: AlertWindow, rate: number | null) =>
    rate === null
      ? `${w} unknown (no data)`
      : `${w} burn rate ${formatNumber(rate)} ${atLeast(rate, threshold) ? '≥' : '<'} ${t}`;
  const both = `${describe(rule.longWindow, longBurnRate)}; ${describe(rule.shortWindow, shortBurnRate)}`;
  if (longHigh === true && shortHigh === true) {
    return { ...base, fired: true, status: 'fired', missing, explanation: `${rule.action}: ${both}` };
  }
  // A rule is an AND of its two windows: one window known below the threshold settles it, whatever the other shows.
  if (longHigh === false || shortHigh === false) {
    const recovered = longHigh === true && shortHigh === false;
    const note = recovered
      ? ` — the ${rule.longWindow} window is still high but the ${rule.shortWindow} window is back below: the burn has stopped (recovered), no ${rule.action}`
      : '';
    return { ...base, fired: false, status: 'not_fired', missing, explanation: `not fired: ${both}${note}` };
  }
  return {
    ...base,
    fired: null,
    status: 'unknown',
    missing,
    explanation: `unknown: ${both}; give the error ratio for ${missing.join(' and ')} to check it`,
  };
}

function ruleHeadline(rule: RuleResult, windowDays: number): string {
  return `${formatPercent(rule.budgetFractionPerLongWindow)} of the ${formatNumber(windowDays)}-day budget burns in ${WINDOW_WORDS[rule.longWindow]}`;
}

/**
 * Evaluates the workbook's three rules (page 1h/5m, page 6h/30m, ticket 3d/6h) with thresholds
 * scaled to the window. Windows without data are unknown, never assumed fine.
 */
export function burnRateAlerts(input: {
  target: number;
  windowDays: number;
  errorRatios: ErrorRatios;
  rules?: readonly BurnRule[];
}): BurnRateAlerts {
  const fraction = errorBudgetFraction(input.target);
  checkWindowDays(input.windowDays);
  const burn = new Map<AlertWindow, number>();
  const burnRates: WindowBurn[] = [];
  for (const window of ALERT_WINDOWS) {
    const ratio = input.errorRatios[window];
    if (ratio === undefined) {
      burnRates.push({ window, errorRatio: null, burnRate: null });
      continue;
    }
    checkRatio(ratio, `errorRatios.${window}`);
    const rate = ratio / fraction;
    burn.set(window, rate);
    burnRates.push({ window, errorRatio: ratio, burnRate: rate });
  }
  const rules = (input.rules ?? WORKBOOK_RULES).map((r) => evaluateRule(r, input.windowDays, burn));
  const fired = rules.filter((r) => r.status === 'fired');
  const unknown = rules.filter((r) => r.status === 'unknown');
  const firedPage = fired.filter((r) => r.action === 'page');
  const firedTicket = fired.filter((r) => r.action === 'ticket');
  const headline = (r: RuleResult) =>
    `${ruleHeadline(r, input.windowDays)}: ${r.action} (${r.explanation.replace(/^\w+: /, '')})`;
  const missingOf = (list: RuleResult[]) =>
    [...new Set(list.flatMap((r) => r.missing))].sort((a, b) => ALERT_WINDOWS.indexOf(a) - ALERT_WINDOWS.indexOf(b));

  let decision: AlertDecision;
  let reason: string;
  let missingWindows: AlertWindow[];
  if (firedPage.length) {
    decision = 'page';
    missingWindows = [];
    reason = firedPage.map(headline).join('. ');
  } else {
    const unknownPage = unknown.filter((r) => r.action === 'page');
    if (firedTicket.length) {
      decision = 'ticket';
      missingWindows = missingOf(unknownPage);
      reason = firedTicket.map(headline).join('. ');
      if (unknownPage.length)
        reason += `. This may be a page: ${unknownPage.map((r) => r.name).join(', ')} could not be checked — missing error ratio for ${missingWindows.join(', ')}`;
    } else if (unknown.length) {
      decision = 'unknown';
      missingWindows = missingOf(unknown);
      reason = `Unknown, not fine: no rule fired, but ${unknown.map((r) => `${r.name} (${r.longWindow}/${r.shortWindow})`).join(', ')} could not be checked — missing error ratio for ${missingWindows.join(', ')}`;
    } else {
      decision = 'none';
      missingWindows = [];
      const checked = rules.filter((r) => r.status === 'not_fired');
      reason = `No alert: ${checked.map((r) => `${r.name} not fired (${r.explanation.replace(/^not fired: /, '')})`).join('; ') || 'no rule applies to this window'}`;
    }
  }
  return { decision, rules, burnRates, missingWindows, reason };
}

export interface SeriesPoint {
  /** Start of the interval the counts cover (ISO 8601). */
  at: string;
  good: number;
  total: number;
}

export interface SeriesWindow {
  window: AlertWindow;
  /** Intervals counted in the window. */
  points: number;
  good: number;
  total: number;
  /** Share of the window covered by the intervals present (0–1). */
  coverage: number;
  errorRatio: number | null;
  /** Why errorRatio is null, when it is. */
  unknownBecause: string | null;
}

/** Below this share of a window covered by data, the window is unknown rather than guessed. */
export const MIN_SERIES_COVERAGE = 0.9;

/**
 * Error ratio over each alerting window from per-interval counts (per minute, per 5 minutes…).
 * Each point counts the events in [at, at + step), where step is the series' typical spacing
 * (the median gap between points) unless given. A point belongs to a window when the middle of its
 * interval falls in [now − window, now). A window is unknown (never 0) when the series covers less
 * than 90% of it, when its step is longer than the window, or when it holds no events.
 */
export function ratiosFromSeries(
  points: readonly SeriesPoint[],
  now: Date,
  options: { stepMs?: number } = {},
): { errorRatios: ErrorRatios; windows: SeriesWindow[]; stepMs: number | null } {
  const nowMs = now.getTime();
  const parsed = points.map((p, i) => {
    const at = Date.parse(p.at);
    if (Number.isNaN(at))
      throw InputError.field(
        `series[${i}].at`,
        `must be an ISO 8601 time such as "2026-11-26T14:05:00Z", got ${JSON.stringify(p.at)}`,
      );
    checkCount(p.good, `series[${i}].good`);
    checkCount(p.total, `series[${i}].total`);
    if (p.good > p.total)
      throw InputError.field(
        `series[${i}].good`,
        `${p.good} good events is more than the ${p.total} total events of that interval`,
      );
    if (at > nowMs)
      throw InputError.field(
        `series[${i}].at`,
        `${p.at} is after the evaluation time ${now.toISOString()}; counts from the future cannot be right (check the time zone, or evaluate as of a later time)`,
      );
    return { at, good: p.good, total: p.total, index: i };
  });
  parsed.sort((a, b) => a.at - b.at);
  for (let i = 1; i < parsed.length; i++) {
    if (parsed[i]!.at === parsed[i - 1]!.at)
      throw InputError.field(
        `series[${parsed[i]!.index}].at`,
        `two points at the same time (also series[${parsed[i - 1]!.index}]); give one count per interval`,
      );
  }
  let stepMs: number | null = options.stepMs ?? null;
  if (stepMs === null && parsed.length >= 2) {
    const gaps = parsed
      .slice(1)
      .map((p, i) => p.at - parsed[i]!.at)
      .sort((a, b) => a - b);
    stepMs = gaps[Math.floor((gaps.length - 1) / 2)]!;
  }
  const errorRatios: ErrorRatios = {};
  const windows = ALERT_WINDOWS.map((window): SeriesWindow => {
    const windowMs = WINDOW_HOURS[window] * 3_600_000;
    const empty = { window, points: 0, good: 0, total: 0, coverage: 0, errorRatio: null };
    if (stepMs === null)
      return {
        ...empty,
        unknownBecause: parsed.length ? 'one point only: the interval length is unknown' : 'no points',
      };
    if (stepMs > windowMs)
      return {
        ...empty,
        unknownBecause: `the series step (${formatNumber(stepMs / 60_000)} min) is longer than the window`,
      };
    const step = stepMs;
    const inWindow = parsed.filter((p) => {
      const middle = p.at + step / 2;
      return middle >= nowMs - windowMs && middle < nowMs;
    });
    const good = clean(inWindow.reduce((s, p) => s + p.good, 0));
    const total = clean(inWindow.reduce((s, p) => s + p.total, 0));
    const coverage = Math.min(1, clean((inWindow.length * step) / windowMs));
    const counted = { window, points: inWindow.length, good, total, coverage };
    if (coverage < MIN_SERIES_COVERAGE)
      return {
        ...counted,
        errorRatio: null,
        unknownBecause: `the series covers ${formatPercent(coverage)} of the window (needs ${formatPercent(MIN_SERIES_COVERAGE)})`,
      };
    if (total === 0) return { ...counted, errorRatio: null, unknownBecause: 'no events in the window' };
    const errorRatio = clean((total - good) / total);
    errorRatios[window] = errorRatio;
    return { ...counted, errorRatio, unknownBecause: null };
  });
  return { errorRatios, windows, stepMs };
}

export interface PolicyConsequences {
  /** true when the budget is exhausted; null when the budget is unknown (no counts). */
  releaseFreeze: boolean | null;
  releaseFreezeReason: string;
  /** true when one incident consumed more than 20% of a 4-week budget; null when not checked. */
  postmortemRequired: boolean | null;
  postmortemReason: string;
  incidentFractionOfFourWeekBudget: number | null;
}

/**
 * The workbook's example error budget policy: freeze releases (other than P0 fixes and security
 * fixes) while the budget is exhausted; a post-mortem when one incident consumed more than 20% of
 * a 4-week budget. For another window length the 4-week budget is scaled from this window's
 * (allowed bad events × 28 / window days), which assumes steady traffic.
 */
export function policyConsequences(input: {
  budget: ErrorBudget | null;
  windowDays: number;
  incidentBadEvents?: number | undefined;
}): PolicyConsequences {
  checkWindowDays(input.windowDays);
  const { budget } = input;
  let releaseFreeze: boolean | null = null;
  let releaseFreezeReason =
    'unknown: give good and total events over the window to know whether the budget is exhausted';
  if (budget) {
    releaseFreeze = budget.exhausted;
    releaseFreezeReason = budget.exhausted
      ? `freeze releases: the budget is exhausted (${formatPercent(budget.consumedFraction)} consumed); halt changes and releases other than P0 and security fixes until the service is back within its SLO`
      : `no freeze: ${formatPercent(budget.remainingFraction)} of the budget remains`;
  }
  let postmortemRequired: boolean | null = null;
  let incidentFractionOfFourWeekBudget: number | null = null;
  let postmortemReason =
    'not checked: give incidentBadEvents (bad events caused by one incident) to check the 20%-of-a-4-week-budget rule';
  if (input.incidentBadEvents !== undefined) {
    checkCount(input.incidentBadEvents, 'incidentBadEvents');
    if (!budget) {
      postmortemReason = 'unknown: give good and total events over the window; the 4-week budget is counted in events';
    } else {
      const fourWeekBudget = clean((budget.allowedBadEvents * POSTMORTEM_WINDOW_DAYS) / input.windowDays);
      if (fourWeekBudget === 0) {
        postmortemReason = 'unknown: no events over the window, so there is no 4-week budget to compare with';
      } else {
        const fraction = clean(input.incidentBadEvents / fourWeekBudget);
        incidentFractionOfFourWeekBudget = fraction;
        postmortemRequired = moreThan(fraction, POSTMORTEM_BUDGET_FRACTION);
        const scaled =
          input.windowDays === POSTMORTEM_WINDOW_DAYS
            ? ''
            : ` (4-week budget scaled from this ${formatNumber(input.windowDays)}-day window: ${formatNumber(fourWeekBudget)} bad events, assuming steady traffic)`;
        postmortemReason = `${postmortemRequired ? 'post-mortem required' : 'no post-mortem required by the budget rule'}: the incident consumed ${formatPercent(fraction)} of a 4-week budget${postmortemRequired ? ', more than' : ', not more than'} ${formatPercent(POSTMORTEM_BUDGET_FRACTION)}${scaled}`;
      }
    }
  }
  return { releaseFreeze, releaseFreezeReason, postmortemRequired, postmortemReason, incidentFractionOfFourWeekBudget };
}

export interface BudgetCheck {
  target: number;
  windowDays: number;
  /** 1 − target. */
  errorBudgetFraction: number;
  budget: ErrorBudget | null;
  alerts: BurnRateAlerts;
  policy: PolicyConsequences;
  summary: string;
}

/** Budget, burn-rate decision and policy consequences in one report (the tool and the CLI both use it). */
export function checkBudget(input: {
  target: number;
  windowDays: number;
  good?: number | undefined;
  total?: number | undefined;
  errorRatios: ErrorRatios;
  incidentBadEvents?: number | undefined;
}): BudgetCheck {
  const fraction = errorBudgetFraction(input.target);
  checkWindowDays(input.windowDays);
  if ((input.good === undefined) !== (input.total === undefined)) {
    throw InputError.field(
      input.good === undefined ? 'good' : 'total',
      'give both good and total (events over the SLO window), or neither',
    );
  }
  const budget =
    input.good !== undefined && input.total !== undefined
      ? errorBudget({ target: input.target, windowDays: input.windowDays, good: input.good, total: input.total })
      : null;
  const alerts = burnRateAlerts({ target: input.target, windowDays: input.windowDays, errorRatios: input.errorRatios });
  const policy = policyConsequences({
    budget,
    windowDays: input.windowDays,
    incidentBadEvents: input.incidentBadEvents,
  });
  const slo = `${formatPercent(input.target)} over ${formatNumber(input.windowDays)} days: ${formatPercent(fraction)} of events may fail`;
  const spent = budget
    ? `${formatNumber(budget.badEvents)} of ${formatNumber(budget.allowedBadEvents)} allowed bad events, ${formatPercent(budget.consumedFraction)} of the budget consumed${budget.exhausted ? ' — EXHAUSTED' : `, ${formatPercent(budget.remainingFraction)} remains`}`
    : 'budget unknown (no good/total counts)';
  const summary = `${slo}. ${spent}. Decision: ${alerts.decision.toUpperCase()} — ${alerts.reason}.${policy.releaseFreeze ? ' Freeze releases.' : ''}${policy.postmortemRequired ? ' Post-mortem required.' : ''}`;
  return {
    target: input.target,
    windowDays: input.windowDays,
    errorBudgetFraction: fraction,
    budget,
    alerts,
    policy,
    summary,
  };
}

/** The decision part of a report, flat, as the tool and `slo check --json` both print it. */
export function decisionFields(report: BudgetCheck) {
  return {
    decision: report.alerts.decision,
    firedRules: report.alerts.rules.filter((r) => r.status === 'fired').map((r) => r.name),
    missingWindows: report.alerts.missingWindows,
    reason: report.alerts.reason,
    rules: report.alerts.rules,
    policy: report.policy,
  };
}
