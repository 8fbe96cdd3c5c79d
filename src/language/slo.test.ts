import { describe, expect, it } from 'vitest';
import { readSloQuestion } from './slo.js';

describe('reading an SLO question', () => {
  it('reads target, window, burn windows and event counts in the ways people write them', () => {
    expect(
      readSloQuestion(
        'Our SLO is 99.9% over 30 days. The error rate is 2% over the last hour and 3% in the last 5 minutes. Should we page?',
      ),
    ).toEqual({
      targetPercent: 99.9,
      windowDays: 30,
      good: null,
      total: null,
      errorRatios: { '1h': 0.02, '5m': 0.03 },
    });
    expect(
      readSloQuestion(
        '99.95% availability target, 28-day window: 12 million requests, 4,800 failed. How much error budget is left?',
      ),
    ).toMatchObject({ targetPercent: 99.95, windowDays: 28, total: 12_000_000, good: 11_995_200 });
    expect(readSloQuestion('SLO target 99.9%, 4 weeks. 6h error rate: 0.7%, 30m error rate: 0.8%')).toMatchObject({
      targetPercent: 99.9,
      windowDays: 28,
      errorRatios: { '6h': 0.007, '30m': 0.008 },
    });
    expect(
      readSloQuestion('99.9% SLO; 0.12% errors over the last 3 days and 0.2% over the last 6 hours — page or ticket?'),
    ).toMatchObject({ windowDays: null, errorRatios: { '3d': 0.0012, '6h': 0.002 } });
  });

  it('leaves out what was not said', () => {
    expect(readSloQuestion('When should we page on SLOs?')).toEqual({
      targetPercent: null,
      windowDays: null,
      good: null,
      total: null,
      errorRatios: {},
    });
  });
});
