import type { NormalisedInput } from './types.js';
import { ACK_MINUTES } from './limits.js';

/** How a plan talks: durations, shares and names in words, and the rotation's rules. */

export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function pct(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

/** "day", "week", "2 weeks", "10 days". */
export function span(days: number): string {
  if (days === 1) return 'day';
  if (days === 7) return 'week';
  if (days % 7 === 0) return `${days / 7} weeks`;
  return `${days} days`;
}

/** "6-week", "10-day": a cycle's length as an adjective. */
export function cycle(days: number): string {
  return days % 7 === 0 ? `${days / 7}-week` : `${days}-day`;
}

export function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** The rules the plan follows, stated for the team. */
export function rulesFor(cfg: NormalisedInput, duty: number): string[] {
  const n = cfg.members.length;
  const rd = cfg.rotationDays;
  const day = capitalise(cfg.handoffDay);
  const cadence = rd === 7 ? 'Weekly' : `Every ${span(rd)}:`;
  const when =
    rd % 7 === 0
      ? `every ${rd === 7 ? '' : `${rd / 7}${rd / 7 === 2 ? 'nd' : rd / 7 === 3 ? 'rd' : 'th'} `}${day} at ${cfg.handoffTime} (${cfg.timeZone})`
      : `at ${cfg.handoffTime} (${cfg.timeZone}) every ${span(rd)}, starting ${day} ${cfg.start}`;
  const dutyText = cfg.secondary
    ? `each engineer is primary once every ${span(n * rd)} and secondary the ${span(rd)} before (shadow and backup): ${span(2 * rd)} of duty per ${cycle(n * rd)} cycle, ${pct(duty)} of the time`
    : `each engineer is primary once every ${span(n * rd)}: ${pct(duty)} of the time`;
  return [
    `${cadence} primary${cfg.secondary ? ' + secondary' : ''}, handing off ${when} — in business hours, so the handoff is a conversation, not a note.`,
    `Team of ${n}: ${dutyText}.`,
    cfg.secondary
      ? `The primary acknowledges a page within ${ACK_MINUTES} minutes; if not, it escalates to the secondary automatically.`
      : `The primary acknowledges a page within ${ACK_MINUTES} minutes; if not, it escalates per the escalation policy (this rotation has no secondary).`,
    'No on-call during leave: nobody is scheduled on a day of their leave; swap shifts in advance through an explicit swap, recorded in the plan and the paging tool.',
    'Compensate on-call with time off or a stipend — unrewarded on-call leads to attrition.',
    'Every alert that pages has a runbook; if there is no runbook, the alert should not page.',
    `Weekly on-call review${rd === 7 ? ` at the ${day} ${cfg.handoffTime} handoff` : ''}: the outgoing on-call shares what happened and which alerts were noise.`,
  ];
}
