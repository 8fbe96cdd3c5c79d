import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ToolRegistry } from '../src/registry/registry.js';
import { createHarness, type Harness } from '../test/support/harness.js';
import { checkErrorBudget, checkErrorBudgetOutput } from './check-error-budget.js';

let h: Harness;
afterEach(() => h?.close());

const registry = new ToolRegistry([checkErrorBudget]);

type Out = ReturnType<typeof checkErrorBudgetOutput.parse>;

async function ok(args: unknown): Promise<Out> {
  const result = await registry.call('check_error_budget', args, h.ctx);
  if (!result.ok) throw new Error(result.text);
  return checkErrorBudgetOutput.parse(result.output);
}

async function fails(args: unknown) {
  const result = await registry.call('check_error_budget', args, h.ctx);
  if (result.ok) throw new Error(`expected a failure, got ${result.text}`);
  return result;
}

describe('check_error_budget', () => {
  it('is read-only and idempotent, and describes every input field', () => {
    expect(checkErrorBudget.annotations).toEqual({
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
    });
    type Schema = { description?: string; properties?: Record<string, Schema>; items?: Schema };
    const undescribed = (schema: Schema, path: string): string[] =>
      Object.entries(schema.properties ?? {}).flatMap(([key, field]) => [
        ...(field.description ? [] : [`${path}${key}`]),
        ...undescribed(field, `${path}${key}.`),
        ...(field.items ? undescribed(field.items, `${path}${key}[].`) : []),
      ]);
    expect(undescribed(z.toJSONSchema(checkErrorBudget.input, { io: 'input' }) as Schema, '')).toEqual([]);
  });

  it('pages on a fast burn, with the budget, the rule that fired and the release freeze', async () => {
    h = createHarness();
    const out = await ok({
      targetPercent: 99.9,
      windowDays: 30,
      good: 998_700,
      total: 1_000_000,
      errorRatios: { '5m': 0.02, '30m': 0.016, '1h': 0.0144, '6h': 0.003, '3d': 0.0008 },
      incidentBadEvents: 250,
    });
    expect(out.slo).toEqual({ target: 0.999, windowDays: 30, errorBudgetFraction: 0.001 });
    expect(out.budget).toEqual({
      allowedBadEvents: 1000,
      badEvents: 1300,
      consumedFraction: 1.3,
      remainingFraction: -0.3,
      exhausted: true,
    });
    expect(out.decision).toBe('page');
    expect(out.firedRules).toEqual(['page_1h_5m']);
    expect(out.reason).toMatch(
      /^2% of the 30-day budget burns in 1 hour: page \(1h burn rate 14\.4 ≥ 14\.4; 5m burn rate 20 ≥ 14\.4\)/,
    );
    expect(out.burnRates.find((b) => b.window === '1h')).toMatchObject({
      errorRatio: 0.0144,
      burnRate: expect.closeTo(14.4, 9),
      unknownBecause: null,
    });
    expect(out.policy).toMatchObject({ releaseFreeze: true, postmortemRequired: true });
    expect(out.policy.postmortemReason).toMatch(/26\.79% of a 4-week budget, more than 20%/);
    expect(out.summary).toMatch(/Decision: PAGE/);
  });

  it('tickets a slow burn over a 28-day window with thresholds scaled to it', async () => {
    h = createHarness();
    const out = await ok({
      target: 0.99,
      windowDays: 28,
      good: 99_500,
      total: 100_000,
      errorRatios: { '5m': 0.0095, '30m': 0.0095, '1h': 0.0095, '6h': 0.0095, '3d': 0.0095 },
    });
    expect(out.rules.map((r) => [r.name, r.threshold, r.status])).toEqual([
      ['page_1h_5m', 13.44, 'not_fired'],
      ['page_6h_30m', 5.6, 'not_fired'],
      ['ticket_3d_6h', expect.closeTo(0.93333, 4), 'fired'],
    ]);
    expect(out.decision).toBe('ticket');
    expect(out.policy).toMatchObject({ releaseFreeze: false, postmortemRequired: null });
  });

  it('says unknown, naming the missing windows, instead of all clear', async () => {
    h = createHarness();
    const out = await ok({ target: 0.999, windowDays: 30, errorRatios: { '1h': 0.0144, '6h': 0.0001, '3d': 0.0001 } });
    expect(out.decision).toBe('unknown');
    expect(out.missingWindows).toEqual(['5m']);
    expect(out.budget).toBeNull();
    expect(out.policy.releaseFreeze).toBeNull();
    expect(out.burnRates.find((b) => b.window === '5m')).toEqual({
      window: '5m',
      errorRatio: null,
      burnRate: null,
      unknownBecause: 'not given in errorRatios',
    });
  });

  it('computes the window error ratios from a per-minute series ending now', async () => {
    h = createHarness({ start: '2026-11-26T12:00:00Z' });
    const now = Date.parse('2026-11-26T12:00:00Z');
    // The last 8 hours, one point a minute: 0.5% errors, then 3% over the last 10 minutes.
    const series = Array.from({ length: 480 }, (_, i) => {
      const minutesAgo = 480 - i;
      return { at: new Date(now - minutesAgo * 60_000).toISOString(), good: minutesAgo <= 10 ? 970 : 995, total: 1000 };
    });
    const out = await ok({ target: 0.999, windowDays: 30, series });
    expect(out.burnRates.map((b) => [b.window, b.burnRate === null ? null : Number(b.burnRate.toFixed(3))])).toEqual([
      ['5m', 30],
      ['30m', 13.333],
      ['1h', 9.167],
      ['6h', 5.694],
      ['3d', null],
    ]);
    expect(out.burnRates.find((b) => b.window === '3d')?.unknownBecause).toMatch(/covers 11\.11% of the window/);
    // 1h at 9.2 < 14.4 and 6h at 5.7 < 6 settle both page rules; the ticket needs the 3d window.
    expect(out.decision).toBe('unknown');
    expect(out.missingWindows).toEqual(['3d']);
    // Two hours later the same series is stale: the short windows become unknown, unless evaluated as of its end.
    h.clock.advanceMinutes(120);
    const stale = await ok({ target: 0.999, windowDays: 30, series });
    expect(stale.burnRates.find((b) => b.window === '5m')).toMatchObject({
      burnRate: null,
      unknownBecause: expect.stringMatching(/covers 0% of the window/),
    });
    expect(stale.missingWindows).toEqual(['5m', '30m', '1h', '6h', '3d']);
    const asOf = await ok({ target: 0.999, windowDays: 30, series, asOf: '2026-11-26T12:00:00Z' });
    expect(asOf.burnRates.find((b) => b.window === '5m')?.burnRate).toBeCloseTo(30, 9);
  });

  it('refuses bad input, naming the field', async () => {
    h = createHarness();
    const schema = await fails({ target: 1, windowDays: 400, good: -1, errorRatios: { '1h': 2, '2h': 0.1 } });
    expect(schema.error.code).toBe('invalid_input');
    expect(schema.text).toContain('field "target": must be at most 0.99999');
    expect(schema.text).toContain('field "windowDays": must be at most 90');
    expect(schema.text).toContain('field "good": must be at least 0');
    expect(schema.text).toContain('field "errorRatios.1h": must be at most 1');
    expect(schema.text).toMatch(
      /field "errorRatios": unknown field\(s\) "2h"; accepted fields here: 5m, 30m, 1h, 6h, 3d/,
    );

    const cases: [unknown, string, RegExp][] = [
      [{ windowDays: 30, good: 1, total: 2 }, 'target', /is required/],
      [{ target: 0.999, targetPercent: 99.9, windowDays: 30 }, 'targetPercent', /not both/],
      [{ target: 0.999, windowDays: 30, good: 11, total: 10 }, 'good', /more than the 10 total events/],
      [{ target: 0.999, windowDays: 30, good: 10 }, 'total', /give both good and total/],
      [
        { target: 0.999, windowDays: 30, errorRatios: {}, series: [{ at: '2026-11-26T11:59:00Z', good: 1, total: 1 }] },
        'series',
        /not both/,
      ],
      [{ target: 0.999, windowDays: 30, incidentBadEvents: 5 }, 'incidentBadEvents', /needs good and total/],
      [{ target: 0.999, windowDays: 30, asOf: '2026-11-26T12:00:00Z' }, 'asOf', /only used with series/],
    ];
    for (const [args, field, problem] of cases) {
      const result = await fails(args);
      expect(result.error.issues?.[0], JSON.stringify(args)).toMatchObject({
        field,
        problem: expect.stringMatching(problem),
      });
    }

    const series = await fails({ target: 0.999, windowDays: 30, series: [{ at: 'yesterday', good: 1, total: 1 }] });
    expect(series.text).toContain('field "series[0].at": must be an ISO 8601 time');
    const future = await fails({
      target: 0.999,
      windowDays: 30,
      series: [{ at: '2099-01-01T00:00:00Z', good: 1, total: 1 }],
    });
    expect(future.error.issues?.[0]?.field).toBe('series[0].at');
  });
});
