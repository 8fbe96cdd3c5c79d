import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.js';
import {
  budgetConsumedByBurn,
  burnRate,
  burnRateAlerts,
  burnRateThreshold,
  checkBudget,
  errorBudget,
  policyConsequences,
  ratiosFromSeries,
  type SeriesPoint,
} from './budget.js';

const SLO = { target: 0.999, windowDays: 30 };

function thresholds(windowDays: number): Record<string, number> {
  const { rules } = burnRateAlerts({ target: 0.999, windowDays, errorRatios: {} });
  return Object.fromEntries(rules.map((r) => [r.name, r.threshold]));
}

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('error budget (SRE workbook, "Alerting on SLOs")', () => {
  it('99.9% over 30 days lets 0.1% of events fail', () => {
    const b = errorBudget({ ...SLO, good: 999_550, total: 1_000_000 });
    expect(b).toEqual({
      allowedBadEvents: 1000,
      badEvents: 450,
      consumedFraction: 0.45,
      remainingFraction: 0.55,
      exhausted: false,
    });
  });

  it('is exhausted exactly when the bad events reach the allowance, and reports overspending', () => {
    expect(errorBudget({ ...SLO, good: 999_000, total: 1_000_000 })).toMatchObject({
      consumedFraction: 1,
      remainingFraction: 0,
      exhausted: true,
    });
    expect(errorBudget({ ...SLO, good: 998_999, total: 1_000_000 }).exhausted).toBe(true);
    expect(errorBudget({ ...SLO, good: 998_500, total: 1_000_000 })).toMatchObject({
      consumedFraction: 1.5,
      remainingFraction: -0.5,
      exhausted: true,
    });
    expect(errorBudget({ ...SLO, good: 999_001, total: 1_000_000 }).exhausted).toBe(false);
  });

  it('spends nothing when there were no events', () => {
    expect(errorBudget({ ...SLO, good: 0, total: 0 })).toEqual({
      allowedBadEvents: 0,
      badEvents: 0,
      consumedFraction: 0,
      remainingFraction: 1,
      exhausted: false,
    });
  });

  it('rejects a 100% target and more good events than total, naming the field', () => {
    const full = inputError(() => errorBudget({ target: 1, windowDays: 30, good: 10, total: 10 }));
    expect(full.issues[0]).toMatchObject({
      field: 'target',
      problem: expect.stringMatching(/100% target leaves no error budget/),
    });
    expect(inputError(() => burnRate(0.01, 1)).issues[0]?.field).toBe('target');
    expect(
      inputError(() => burnRateAlerts({ target: 1, windowDays: 30, errorRatios: { '1h': 0.5 } })).issues[0]?.field,
    ).toBe('target');
    const good = inputError(() => errorBudget({ ...SLO, good: 11, total: 10 }));
    expect(good.issues[0]).toMatchObject({
      field: 'good',
      problem: expect.stringMatching(/more than the 10 total events/),
    });
    expect(inputError(() => errorBudget({ ...SLO, good: -1, total: 10 })).issues[0]?.field).toBe('good');
    expect(inputError(() => burnRateAlerts({ ...SLO, errorRatios: { '5m': 1.5 } })).issues[0]?.field).toBe(
      'errorRatios.5m',
    );
  });
});

describe('burn rate', () => {
  it('is the error ratio over the budget: burning at 1 spends exactly the budget over the window', () => {
    expect(burnRate(0.001, 0.999)).toBeCloseTo(1, 12);
    expect(burnRate(0.0144, 0.999)).toBeCloseTo(14.4, 12);
    expect(budgetConsumedByBurn({ burnRate: 1, hours: 30 * 24, windowDays: 30 })).toBe(1);
  });

  it('reproduces the workbook: 14.4 for 1 hour spends 2%, 6 for 6 hours 5%, 1 for 3 days 10% of a 30-day budget', () => {
    expect(budgetConsumedByBurn({ burnRate: 14.4, hours: 1, windowDays: 30 })).toBe(0.02);
    expect(budgetConsumedByBurn({ burnRate: 6, hours: 6, windowDays: 30 })).toBe(0.05);
    expect(budgetConsumedByBurn({ burnRate: 1, hours: 72, windowDays: 30 })).toBe(0.1);
  });

  it('gives the workbook thresholds 14.4, 6 and 1 for 30 days, and scales them for 28 and 7 days', () => {
    expect(thresholds(30)).toEqual({ page_1h_5m: 14.4, page_6h_30m: 6, ticket_3d_6h: 1 });
    // 28 days = 672 hours: 2% × 672 / 1, 5% × 672 / 6, 10% × 28 / 3.
    expect(thresholds(28)).toEqual({ page_1h_5m: 13.44, page_6h_30m: 5.6, ticket_3d_6h: expect.closeTo(0.9333333, 6) });
    expect(thresholds(7)).toEqual({ page_1h_5m: 3.36, page_6h_30m: 1.4, ticket_3d_6h: expect.closeTo(0.2333333, 6) });
    expect(burnRateThreshold({ budgetFraction: 0.02, longWindowHours: 1, windowDays: 28 })).toBe(13.44);
    // Each threshold still means the same share of the budget in its long window.
    for (const [days, t] of [
      [28, thresholds(28)],
      [7, thresholds(7)],
    ] as const) {
      expect(budgetConsumedByBurn({ burnRate: t['page_1h_5m']!, hours: 1, windowDays: days })).toBeCloseTo(0.02, 12);
      expect(budgetConsumedByBurn({ burnRate: t['ticket_3d_6h']!, hours: 72, windowDays: days })).toBeCloseTo(0.1, 12);
    }
  });
});

describe('multi-window, multi-burn-rate alerts', () => {
  it('pages when both the 1h and the 5m error ratios are 0.0144 (burn rate 14.4, despite floating point)', () => {
    const a = burnRateAlerts({
      ...SLO,
      errorRatios: { '5m': 0.0144, '30m': 0.0144, '1h': 0.0144, '6h': 0.0005, '3d': 0.0002 },
    });
    expect(a.decision).toBe('page');
    expect(a.rules.find((r) => r.name === 'page_1h_5m')).toMatchObject({
      fired: true,
      status: 'fired',
      threshold: 14.4,
      longWindow: '1h',
      shortWindow: '5m',
      budgetFractionPerLongWindow: 0.02,
    });
    expect(a.reason).toMatch(/^2% of the 30-day budget burns in 1 hour: page/);
  });

  it('does not page when the 1h window is at 14.4 but the 5m window is back to normal (recovered)', () => {
    const a = burnRateAlerts({
      ...SLO,
      errorRatios: { '5m': 0.0002, '30m': 0.0003, '1h': 0.0144, '6h': 0.0025, '3d': 0.0001 },
    });
    const rule = a.rules.find((r) => r.name === 'page_1h_5m')!;
    expect(rule).toMatchObject({ fired: false, status: 'not_fired' });
    expect(rule.explanation).toMatch(/recovered/);
    expect(a.decision).toBe('none');
  });

  it('pages when the 6h and 30m burn rates are 6 (5% of the budget in 6 hours)', () => {
    const a = burnRateAlerts({
      ...SLO,
      errorRatios: { '5m': 0.001, '30m': 0.006, '1h': 0.006, '6h': 0.006, '3d': 0.0005 },
    });
    expect(a.decision).toBe('page');
    expect(a.rules.filter((r) => r.fired).map((r) => r.name)).toEqual(['page_6h_30m']);
    expect(a.reason).toMatch(/^5% of the 30-day budget burns in 6 hours: page/);
  });

  it('opens a ticket when the 3d and 6h burn rates are 1.0 (10% of the budget in 3 days)', () => {
    const a = burnRateAlerts({
      ...SLO,
      errorRatios: { '5m': 0.001, '30m': 0.001, '1h': 0.001, '6h': 0.001, '3d': 0.001 },
    });
    expect(a.decision).toBe('ticket');
    expect(a.rules.filter((r) => r.fired).map((r) => r.name)).toEqual(['ticket_3d_6h']);
    expect(a.reason).toMatch(/^10% of the 30-day budget burns in 3 days: ticket/);
  });

  it('stays quiet just below the thresholds', () => {
    const a = burnRateAlerts({
      ...SLO,
      errorRatios: { '5m': 0.0143, '30m': 0.0059, '1h': 0.0143, '6h': 0.00099, '3d': 0.00099 },
    });
    expect(a.decision).toBe('none');
    expect(a.rules.every((r) => r.fired === false)).toBe(true);
  });

  it('uses the thresholds of a 28-day window: a burn of 13.44 pages there, not for 30 days', () => {
    const errorRatios = { '5m': 0.01344, '1h': 0.01344, '30m': 0, '6h': 0, '3d': 0 };
    expect(burnRateAlerts({ target: 0.999, windowDays: 28, errorRatios }).decision).toBe('page');
    expect(burnRateAlerts({ target: 0.999, windowDays: 30, errorRatios }).decision).toBe('none');
  });

  it('reports missing windows as unknown, never as fine', () => {
    const none = burnRateAlerts({ ...SLO, errorRatios: {} });
    expect(none.decision).toBe('unknown');
    expect(none.rules.every((r) => r.status === 'unknown' && r.fired === null)).toBe(true);
    expect(none.missingWindows).toEqual(['5m', '30m', '1h', '6h', '3d']);
    expect(none.reason).toMatch(/^Unknown, not fine: .*missing error ratio for 5m, 30m, 1h, 6h, 3d/);

    // 1h at the threshold: only the 5m window can say whether to page.
    const high = burnRateAlerts({ ...SLO, errorRatios: { '1h': 0.0144, '30m': 0, '6h': 0, '3d': 0 } });
    expect(high.decision).toBe('unknown');
    expect(high.missingWindows).toEqual(['5m']);
    expect(high.rules.find((r) => r.name === 'page_1h_5m')).toMatchObject({
      status: 'unknown',
      fired: null,
      missing: ['5m'],
    });
  });

  it('still pages when the other rules lack data, and a ticket says a page could not be ruled out', () => {
    expect(burnRateAlerts({ ...SLO, errorRatios: { '1h': 0.02, '5m': 0.02 } }).decision).toBe('page');
    const ticket = burnRateAlerts({ ...SLO, errorRatios: { '3d': 0.002, '6h': 0.002 } });
    expect(ticket.decision).toBe('ticket');
    // The 6h burn rate (2) is known to be below 6, so only the 1h/5m page is open.
    expect(ticket.rules.find((r) => r.name === 'page_6h_30m')).toMatchObject({ status: 'not_fired', missing: ['30m'] });
    expect(ticket.missingWindows).toEqual(['5m', '1h']);
    expect(ticket.reason).toMatch(/This may be a page: page_1h_5m could not be checked/);
  });

  it('settles a rule when its known window is below the threshold, and still lists the missing one', () => {
    const a = burnRateAlerts({ ...SLO, errorRatios: { '1h': 0.0001, '6h': 0.0001, '3d': 0.0001 } });
    expect(a.decision).toBe('none');
    expect(a.rules.find((r) => r.name === 'page_1h_5m')).toMatchObject({
      status: 'not_fired',
      fired: false,
      missing: ['5m'],
    });
  });

  it('does not apply the 3-day rule to a window shorter than 3 days', () => {
    const a = burnRateAlerts({
      target: 0.99,
      windowDays: 2,
      errorRatios: { '5m': 0, '30m': 0, '1h': 0, '6h': 0, '3d': 0.5 },
    });
    expect(a.rules.find((r) => r.name === 'ticket_3d_6h')).toMatchObject({ status: 'not_applicable', fired: null });
    expect(a.decision).toBe('none');
  });
});

describe('error ratios from a series', () => {
  const now = new Date('2026-11-26T12:00:00Z');
  /** One point per minute for `minutes` minutes before now; `bad(i)` bad events of 1000 in minute i (0 = the oldest). */
  function perMinute(minutes: number, bad: (minutesAgo: number) => number): SeriesPoint[] {
    return Array.from({ length: minutes }, (_, i) => {
      const minutesAgo = minutes - i;
      return {
        at: new Date(now.getTime() - minutesAgo * 60_000).toISOString(),
        good: 1000 - bad(minutesAgo),
        total: 1000,
      };
    });
  }

  it('computes each window from per-minute counts, and pages on a burn in the last hour', () => {
    // 3 days of 0.05% errors, then the last hour at 2%.
    const series = perMinute(3 * 24 * 60, (ago) => (ago <= 60 ? 20 : 0.5));
    const { errorRatios, windows, stepMs } = ratiosFromSeries(series, now);
    expect(stepMs).toBe(60_000);
    expect(errorRatios['5m']).toBe(0.02);
    expect(errorRatios['1h']).toBe(0.02);
    expect(errorRatios['30m']).toBe(0.02);
    expect(errorRatios['6h']).toBeCloseTo((60 * 20 + 300 * 0.5) / (360 * 1000), 12);
    expect(windows.find((w) => w.window === '5m')).toMatchObject({
      points: 5,
      total: 5000,
      coverage: 1,
      unknownBecause: null,
    });
    expect(burnRateAlerts({ ...SLO, errorRatios }).decision).toBe('page');
  });

  it('leaves windows the series does not cover unknown, instead of 0', () => {
    const { errorRatios, windows } = ratiosFromSeries(
      perMinute(90, () => 0),
      now,
    );
    expect(errorRatios).toEqual({ '5m': 0, '30m': 0, '1h': 0 });
    expect(windows.find((w) => w.window === '6h')?.unknownBecause).toMatch(/covers 25% of the window/);
    expect(burnRateAlerts({ ...SLO, errorRatios }).decision).toBe('unknown');
  });

  it('treats a stale series, an empty window and a single point as unknown', () => {
    const stale = perMinute(60, () => 0).map((p) => ({
      ...p,
      at: new Date(Date.parse(p.at) - 10 * 60_000).toISOString(),
    }));
    expect(ratiosFromSeries(stale, now).errorRatios['5m']).toBeUndefined();
    const idle = perMinute(10, () => 0).map((p) => ({ ...p, good: 0, total: 0 }));
    expect(ratiosFromSeries(idle, now).windows.find((w) => w.window === '5m')?.unknownBecause).toBe(
      'no events in the window',
    );
    expect(
      ratiosFromSeries(
        perMinute(1, () => 1),
        now,
      ).windows[0]?.unknownBecause,
    ).toMatch(/one point only/);
  });

  it('rejects points with more good than total, duplicates, and points after now', () => {
    const series = perMinute(5, () => 0);
    expect(
      inputError(() => ratiosFromSeries([...series.slice(0, 2), { ...series[2]!, good: 1001 }], now)).issues[0]?.field,
    ).toBe('series[2].good');
    expect(inputError(() => ratiosFromSeries([...series, series[1]!], now)).issues[0]?.field).toMatch(
      /^series\[(1|5)\]\.at$/,
    );
    expect(
      inputError(() => ratiosFromSeries([{ at: '2026-11-26T12:05:00Z', good: 1, total: 1 }], now)).issues[0]?.field,
    ).toBe('series[0].at');
  });
});

describe('policy consequences', () => {
  it('freezes releases when the budget is exhausted', () => {
    const exhausted = errorBudget({ ...SLO, good: 998_800, total: 1_000_000 });
    expect(policyConsequences({ budget: exhausted, windowDays: 30 })).toMatchObject({
      releaseFreeze: true,
      releaseFreezeReason: expect.stringMatching(/^freeze releases: the budget is exhausted \(120% consumed\)/),
    });
    expect(policyConsequences({ budget: null, windowDays: 30 })).toMatchObject({
      releaseFreeze: null,
      postmortemRequired: null,
    });
  });

  it('requires a post-mortem when one incident consumed more than 20% of a 4-week budget', () => {
    const budget = errorBudget({ target: 0.999, windowDays: 28, good: 999_000, total: 1_000_000 }); // 1000 bad events allowed over 4 weeks
    expect(policyConsequences({ budget, windowDays: 28, incidentBadEvents: 201 })).toMatchObject({
      postmortemRequired: true,
      incidentFractionOfFourWeekBudget: 0.201,
    });
    expect(policyConsequences({ budget, windowDays: 28, incidentBadEvents: 200 })).toMatchObject({
      postmortemRequired: false,
      incidentFractionOfFourWeekBudget: 0.2,
    });
    // 30-day window: 1000 allowed over 30 days → 933.3 over 4 weeks; 190 bad events is 20.4% of that.
    const monthly = errorBudget({ ...SLO, good: 999_000, total: 1_000_000 });
    const scaled = policyConsequences({ budget: monthly, windowDays: 30, incidentBadEvents: 190 });
    expect(scaled.postmortemRequired).toBe(true);
    expect(scaled.postmortemReason).toMatch(/scaled from this 30-day window/);
  });

  it('combines budget, alerts and policy in one report', () => {
    const report = checkBudget({
      ...SLO,
      good: 998_500,
      total: 1_000_000,
      errorRatios: { '5m': 0.02, '1h': 0.015, '30m': 0.01, '6h': 0.004, '3d': 0.0015 },
      incidentBadEvents: 300,
    });
    expect(report.budget?.exhausted).toBe(true);
    expect(report.alerts.decision).toBe('page');
    expect(report.policy).toMatchObject({ releaseFreeze: true, postmortemRequired: true });
    expect(report.summary).toMatch(
      /^99\.9% over 30 days: 0\.1% of events may fail\. 1500 of 1000 allowed bad events, 150% of the budget consumed — EXHAUSTED\. Decision: PAGE/,
    );
    expect(inputError(() => checkBudget({ ...SLO, good: 5, errorRatios: {} })).issues[0]?.field).toBe('total');
  });
});
