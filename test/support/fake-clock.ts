import { ManualClock } from '../../src/core/time.js';

/** Tests use the product's manual clock, starting at a fixed afternoon. */
export class FakeClock extends ManualClock {
  constructor(start: string | Date = '2026-11-26T14:00:00.000Z') {
    super(start);
  }
}
