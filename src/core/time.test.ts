import { describe, expect, it } from 'vitest';
import { formatClock, formatMinutes, parseDuration, parseIsoTime } from './time.js';

describe('parseDuration', () => {
  it.each([
    ['2h', 7_200_000],
    ['90m', 5_400_000],
    ['1h30m', 5_400_000],
    ['7d', 604_800_000],
    ['2w', 1_209_600_000],
    ['2 hours ago', 7_200_000],
    ['45 minutes', 2_700_000],
  ])('%s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'yesterday', '2', 'h', '-2h', '2 parsecs', '0m'])('rejects %j', (text) =>
    expect(parseDuration(text)).toBeNull(),
  );
});

describe('parseIsoTime', () => {
  it('accepts times with an offset and bare dates', () => {
    expect(parseIsoTime('2026-11-26T14:05:00Z')?.toISOString()).toBe('2026-11-26T14:05:00.000Z');
    expect(parseIsoTime('2026-11-26T15:05:00+01:00')?.toISOString()).toBe('2026-11-26T14:05:00.000Z');
    expect(parseIsoTime('2026-11-26')?.toISOString()).toBe('2026-11-26T00:00:00.000Z');
  });
  it.each(['2026-11-26T14:05:00', '2026-02-30', '2026-13-01', '26/11/2026', 'now', '2026-11-26T25:00:00Z'])(
    'rejects %j',
    (text) => expect(parseIsoTime(text)).toBeNull(),
  );
});

describe('formatting', () => {
  it('formats minutes and clock times for people at 3 AM', () => {
    expect(formatMinutes(14)).toBe('14 min');
    expect(formatMinutes(125)).toBe('2 h 5 min');
    expect(formatMinutes(3000)).toBe('2 d 2 h');
    expect(formatClock('2026-11-26T14:05:00Z', new Date('2026-11-26T20:00:00Z'))).toBe('14:05 UTC');
    expect(formatClock('2026-11-27T14:05:00Z', new Date('2026-11-26T20:00:00Z'))).toBe('2026-11-27 14:05 UTC');
  });
});
