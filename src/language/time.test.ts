import { describe, expect, it } from 'vitest';
import { clockTimes, dueDate, spans, startTime } from './time.js';

const NOW = new Date('2026-11-12T10:00:00Z'); // a Thursday

describe('start times', () => {
  const start = (s: string) => startTime(s, NOW)?.at.toISOString() ?? null;
  it('reads clock times, relative times and weekdays', () => {
    expect(start('checkout down since 9:40')).toBe('2026-11-12T09:40:00.000Z');
    expect(start('started around 14:05 yesterday')).toBe('2026-11-11T14:05:00.000Z');
    expect(start('errors since 10 min ago')).toBe('2026-11-12T09:50:00.000Z');
    expect(start('page fired 25 minutes ago')).toBe('2026-11-12T09:35:00.000Z');
    expect(start('503s for the last hour or so')).toBe('2026-11-12T09:00:00.000Z');
    expect(start('bucket was public since tuesday')).toBe('2026-11-10T00:00:00.000Z');
    expect(start('alerts since 03:07 utc')).toBe('2026-11-12T03:07:00.000Z');
    expect(start('since 9:10 pst')).toBe('2026-11-11T17:10:00.000Z');
    expect(start('checkout is down')).toBeNull();
  });
  it('does not read versions, decimals or dates as times', () => {
    expect(clockTimes('rolled out v4.1 and p99 is 4.5s', NOW)).toEqual([]);
    expect(clockTimes('on 2026-11-12', NOW)).toEqual([]);
  });
});

describe('durations', () => {
  it('reads how long, in words and units', () => {
    expect(spans('still on the cache idea, 25 minutes in').map((s) => [s.minutes, s.kind])).toEqual([[25, 'in']]);
    expect(spans('been at it for an hour and a half').map((s) => s.minutes)).toEqual([90]);
    expect(spans('all green for 20min').map((s) => s.minutes)).toEqual([20]);
    expect(spans('over 2h').map((s) => s.minutes)).toEqual([120]);
    expect(spans('half an hour ago').map((s) => [s.minutes, s.kind])).toEqual([[30, 'ago']]);
    expect(spans('2 m users affected')).toEqual([]);
  });
});

describe('due dates', () => {
  const due = (s: string) => {
    const d = dueDate(s, NOW);
    return d?.kind === 'date' ? d.date : (d?.kind ?? null);
  };
  it('reads the forms people use for deadlines', () => {
    expect(due('tom to add an alert by next friday')).toBe('2026-11-20');
    expect(due('by friday')).toBe('2026-11-13');
    expect(due('owner Tom, due in 2 weeks')).toBe('2026-11-26');
    expect(due('eod')).toBe('2026-11-12');
    expect(due('tomorrow pls')).toBe('2026-11-13');
    expect(due('end of next week')).toBe('2026-11-20');
    expect(due('due monday')).toBe('2026-11-16');
    expect(due('by dec 3')).toBe('2026-12-03');
    expect(due('due 2026-12-01')).toBe('2026-12-01');
    expect(due('within three days')).toBe('2026-11-15');
  });
  it('says when a date cannot be read, instead of guessing', () => {
    expect(due('whenever you get to it')).toBe('unreadable');
    expect(due('after the freeze')).toBe('unreadable');
    expect(due('asap')).toBe('unreadable');
    expect(due('add an alert on queue depth')).toBeNull();
  });
});
