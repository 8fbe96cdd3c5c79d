import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHANNEL_NAME_MAX, channelNames, slugify } from './names.js';

describe('incident channel names', () => {
  it('are inc-<n>-<slug>: ASCII, lowercase, hyphenated, without filler words', () => {
    expect(channelNames('INC-12', 'Payment API is returning 500s!', () => 'abc')[0]).toBe(
      'inc-12-payment-api-returning-500s',
    );
    expect(slugify('Zahlungen schlagen fehl — Café Ödland', 40)).toBe('zahlungen-schlagen-fehl-cafe-odland');
    expect(channelNames('INC-3', '支付失败', () => 'Q1w2')[0]).toBe('inc-3');
  });

  it('offer -2, -3… when a name is taken, and a random last resort', () => {
    const names = channelNames('INC-4', 'search down', () => 'R4nD0m-xyz');
    expect(names).toEqual([
      'inc-4-search-down',
      'inc-4-search-down-2',
      'inc-4-search-down-3',
      'inc-4-search-down-4',
      'inc-4-search-down-5',
      'inc-4-r4nd0m',
    ]);
  });

  it('always follow Slack naming rules, whatever the title (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 400 }),
        fc.integer({ min: 1, max: 999_999_999 }),
        (title, n) => {
          for (const name of channelNames(`INC-${n}`, title, () => 'abcdef')) {
            expect(name).toMatch(/^[a-z0-9][a-z0-9_-]*$/);
            expect(name.length).toBeLessThanOrEqual(CHANNEL_NAME_MAX);
            expect(name.startsWith(`inc-${n}`)).toBe(true);
          }
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });
});
