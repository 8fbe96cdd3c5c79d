import { addMinutes, formatMinutes, minutesBetween } from '../core/time.js';
import type { Hypothesis } from '../store/types.js';

export interface HypothesisView extends Omit<Hypothesis, 'incidentId'> {
  expired: boolean;
  expiresAt: string;
  /** Never more than the time-box, whatever the clock says. */
  minutesLeft: number;
  /** The clock reads earlier than the hypothesis started (it was set back): minutesLeft is clamped. */
  clockBehind: boolean;
}

/** A hypothesis with its clock: open past its time-box means switch to the next one. */
export function hypothesisView(h: Hypothesis, now: Date): HypothesisView {
  const expiresAt = addMinutes(h.startedAt, h.timeboxMinutes);
  const clockBehind = now.getTime() < Date.parse(h.startedAt);
  // A clock set back 3 hours would otherwise give a 15-minute time-box 195 minutes.
  const minutesLeft = Math.min(h.timeboxMinutes, Math.floor(minutesBetween(now, expiresAt) * 10) / 10);
  const { incidentId: _incident, ...rest } = h;
  return {
    ...rest,
    expiresAt: expiresAt.toISOString(),
    minutesLeft,
    clockBehind,
    expired: h.status === 'open' && minutesLeft < 0,
  };
}

export function expiryAdvice(h: HypothesisView): string {
  return `${h.id} "${h.statement}" (owner ${h.owner}) is ${formatMinutes(-h.minutesLeft)} past its ${h.timeboxMinutes}-minute time-box: confirm it, rule it out or park it, and switch to the next hypothesis.`;
}
