import { z } from 'zod';
import { InputError } from '../src/core/errors.js';
import { isoTime } from '../src/registry/fields.js';
import { defineTool } from '../src/registry/types.js';
import { ALERT_WINDOWS, checkBudget, decisionFields, ratiosFromSeries, type ErrorRatios } from '../src/slo/budget.js';

const count = () => z.number().min(0).max(Number.MAX_SAFE_INTEGER);
const ratio = (window: string) =>
  z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe(
      `Error ratio over the last ${window}: bad events / all events, 0–1 (0.0144 means 1.44% failed). Leave out if unknown — never send 0 for "no data".`,
    );

const input = z
  .object({
    target: z
      .number()
      .min(0.5)
      .max(0.99999)
      .optional()
      .describe('SLO target as a fraction: 0.999 for 99.9%. Give this or targetPercent.'),
    targetPercent: z.number().min(50).max(99.999).optional().describe('Or: SLO target in percent, 99.9.'),
    windowDays: z
      .number()
      .min(1)
      .max(90)
      .describe('SLO window in days: 30 for a 30-day window, 28 for 4 weeks. Alert thresholds scale with it.'),
    good: count()
      .optional()
      .describe(
        'Good (successful) events over the whole SLO window. With total, gives the error budget; give both or neither.',
      ),
    total: count().optional().describe('All events over the whole SLO window (good + bad).'),
    errorRatios: z
      .object({
        '5m': ratio('5 minutes'),
        '30m': ratio('30 minutes'),
        '1h': ratio('1 hour'),
        '6h': ratio('6 hours'),
        '3d': ratio('3 days'),
      })
      .strict()
      .optional()
      .describe('Error ratio per alerting window, for the burn-rate alerts. Or give series instead.'),
    series: z
      .array(
        z
          .object({
            at: isoTime().describe(
              'Start of the interval the counts cover, ISO 8601 with offset: "2026-11-26T14:05:00Z".',
            ),
            good: count().describe('Good events in that interval.'),
            total: count().describe('All events in that interval.'),
          })
          .strict(),
      )
      .min(1)
      .max(10_000)
      .optional()
      .describe(
        'Or: per-interval counts (per minute, per 5 minutes…), at most 10,000 points; the error ratio of each window is computed from them. A window the series covers less than 90% of stays unknown.',
      ),
    asOf: isoTime()
      .optional()
      .describe(
        'Evaluate the series as of this time instead of now (for a series exported a while ago). Only with series.',
      ),
    incidentBadEvents: count()
      .optional()
      .describe(
        'Bad events caused by one incident, to check the post-mortem rule (more than 20% of a 4-week budget). Needs good and total.',
      ),
  })
  .strict();

const windowEnum = z.enum(ALERT_WINDOWS);

const output = z.object({
  slo: z.object({
    target: z.number(),
    windowDays: z.number(),
    errorBudgetFraction: z.number().describe('1 − target: the fraction of events allowed to fail.'),
  }),
  budget: z
    .object({
      allowedBadEvents: z.number(),
      badEvents: z.number(),
      consumedFraction: z.number().describe('Above 1 when overspent.'),
      remainingFraction: z.number().describe('Negative when overspent.'),
      exhausted: z.boolean(),
    })
    .nullable()
    .describe('Null without good and total.'),
  burnRates: z.array(
    z.object({
      window: windowEnum,
      errorRatio: z.number().nullable(),
      burnRate: z.number().nullable().describe('errorRatio / (1 − target); null when the window has no data.'),
      unknownBecause: z.string().nullable(),
    }),
  ),
  decision: z.enum(['page', 'ticket', 'none', 'unknown']),
  firedRules: z.array(z.string()),
  missingWindows: z.array(windowEnum),
  reason: z.string(),
  rules: z.array(
    z.object({
      name: z.string(),
      action: z.enum(['page', 'ticket']),
      longWindow: windowEnum,
      shortWindow: windowEnum,
      threshold: z.number(),
      longBurnRate: z.number().nullable(),
      shortBurnRate: z.number().nullable(),
      fired: z.boolean().nullable(),
      status: z.enum(['fired', 'not_fired', 'unknown', 'not_applicable']),
      budgetFractionPerLongWindow: z.number(),
      missing: z.array(windowEnum),
      explanation: z.string(),
    }),
  ),
  policy: z.object({
    releaseFreeze: z.boolean().nullable(),
    releaseFreezeReason: z.string(),
    postmortemRequired: z.boolean().nullable(),
    postmortemReason: z.string(),
    incidentFractionOfFourWeekBudget: z.number().nullable(),
  }),
  summary: z.string(),
});

export const checkErrorBudget = defineTool({
  name: 'check_error_budget',
  title: 'Check error budget and burn-rate alerts',
  description: [
    'Check an SLO error budget and the multi-window, multi-burn-rate alerts of the Google SRE workbook: page when the 1h and 5m burn rates are both at least 14.4 (2% of a 30-day budget in 1 hour) or the 6h and 30m both at least 6 (5% in 6 hours); ticket when the 3d and 6h are both at least 1 (10% in 3 days). Thresholds scale with windowDays.',
    'Give target (or targetPercent) and windowDays; good and total over the window for the budget; errorRatios per window, or a per-interval series, for the alerts. Computes only — reads and writes nothing.',
    'Returns the budget (allowed, consumed, remaining, exhausted), the burn rate per window, decision page|ticket|none|unknown with the rule that fired and why, and the policy consequences: release freeze when the budget is exhausted; post-mortem when one incident (incidentBadEvents) consumed more than 20% of a 4-week budget.',
    'A window without data is unknown, never fine: decision "unknown" names the missing windows — ask for them instead of assuming all is well. Event-count (Occurrences) SLOs only.',
  ].join(' '),
  input,
  output,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    if (args.target !== undefined && args.targetPercent !== undefined)
      throw InputError.field('targetPercent', 'give target or targetPercent, not both');
    const target =
      args.target ?? (args.targetPercent !== undefined ? Math.round(args.targetPercent * 1e10) / 1e12 : undefined);
    if (target === undefined)
      throw InputError.field('target', 'is required: the SLO target, 0.999 for 99.9% (or targetPercent: 99.9)');
    if (args.errorRatios && args.series) throw InputError.field('series', 'give errorRatios or series, not both');
    if (args.asOf !== undefined && !args.series) throw InputError.field('asOf', 'is only used with series');
    if (args.incidentBadEvents !== undefined && args.total === undefined)
      throw InputError.field(
        'incidentBadEvents',
        'needs good and total over the window: the 4-week budget is counted in events',
      );
    let errorRatios: ErrorRatios = args.errorRatios ?? {};
    let seriesUnknown = new Map<string, string>();
    if (args.series) {
      const fromSeries = ratiosFromSeries(args.series, args.asOf ? new Date(args.asOf) : ctx.clock.now());
      errorRatios = fromSeries.errorRatios;
      seriesUnknown = new Map(
        fromSeries.windows.flatMap((w) => (w.unknownBecause ? [[w.window, w.unknownBecause] as const] : [])),
      );
    }
    const report = checkBudget({
      target,
      windowDays: args.windowDays,
      good: args.good,
      total: args.total,
      errorRatios,
      incidentBadEvents: args.incidentBadEvents,
    });
    return {
      slo: { target: report.target, windowDays: report.windowDays, errorBudgetFraction: report.errorBudgetFraction },
      budget: report.budget,
      burnRates: report.alerts.burnRates.map((b) => ({
        ...b,
        unknownBecause:
          b.burnRate !== null
            ? null
            : (seriesUnknown.get(b.window) ?? (args.series ? 'no data in the series' : 'not given in errorRatios')),
      })),
      ...decisionFields(report),
      summary: report.summary,
    };
  },
});

/** The output schema, for readers of this tool's results (the offline playbook). */
export { output as checkErrorBudgetOutput };
