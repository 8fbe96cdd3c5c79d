import type { Clock } from '../../src/core/time.js';

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  private current: number;
  constructor(start: string | Date = '2026-11-26T14:00:00.000Z') {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  advanceMinutes(minutes: number): void {
    this.current += minutes * 60_000;
  }
  set(at: string | Date): void {
    this.current = new Date(at).getTime();
  }
}
