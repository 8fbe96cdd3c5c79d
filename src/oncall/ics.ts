import { ACK_MINUTES } from './limits.js';
import type { RotationPlan, Shift } from './types.js';

/**
 * An on-call plan as an RFC 5545 calendar: one event per shift per role, in UTC, with UIDs that
 * stay the same when the plan is regenerated (so re-importing updates events instead of
 * duplicating them).
 */
export interface ICalendarOptions {
  /** DTSTAMP of every event: when the calendar was generated. */
  now: Date;
  /** Calendar name (X-WR-CALNAME). Default: "On call: Ana, Ben, Chi". */
  name?: string;
  /**
   * Stable id of this rotation, part of every UID. Default: derived from the members, so
   * regenerating the same team's plan keeps its UIDs.
   */
  rotationId?: string;
}

const CRLF = '\r\n';
const MAX_OCTETS = 75;
const PRODID = '-//incident-commander//On-call rotation//EN';

/** Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines. */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/**
 * Folds a content line so no physical line is longer than 75 octets (RFC 5545 §3.1): continuation
 * lines start with one space. Never splits a UTF-8 character.
 */
export function foldLine(line: string): string {
  if (Buffer.byteLength(line, 'utf8') <= MAX_OCTETS) return line;
  const out: string[] = [];
  let current = '';
  let octets = 0;
  let limit = MAX_OCTETS;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (octets + size > limit) {
      out.push(current);
      current = '';
      octets = 0;
      limit = MAX_OCTETS - 1;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join(`${CRLF} `);
}

/** `20261130T100000Z` */
function utcStamp(at: Date | string): string {
  return new Date(at)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** FNV-1a, 32 bits, hex: a short stable id from text. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'rotation'
  );
}

function describe(plan: RotationPlan, shift: Shift, role: 'primary' | 'secondary', next: Shift | undefined): string {
  const { timeZone, handoffTime } = plan.settings;
  const when = `${shift.startLocal} → ${shift.endLocal} (${timeZone})`;
  const lines: string[] = [];
  if (role === 'primary') {
    lines.push(`Primary on call, period ${shift.period}: ${when}.`);
    lines.push(
      shift.secondary
        ? `Acknowledge every page within ${ACK_MINUTES} minutes; if you do not, it escalates to the secondary, ${shift.secondary}.`
        : `Acknowledge every page within ${ACK_MINUTES} minutes; there is no secondary this shift, so an unacknowledged page goes to the escalation policy.`,
    );
  } else {
    lines.push(`Secondary (backup), period ${shift.period}: ${when}.`);
    lines.push(
      `If the primary, ${shift.primary ?? 'nobody'}, does not acknowledge a page within ${ACK_MINUTES} minutes, it escalates to you.`,
    );
    if (next && next.primary === shift.secondary)
      lines.push(`You are primary next period (from ${next.startLocal}): shadow this shift.`);
  }
  lines.push('Every alert that pages has a runbook; no runbook, no page.');
  lines.push(`At the handoff (${handoffTime}), the outgoing on-call shares what happened and which alerts were noise.`);
  return lines.join('\n');
}

/** The plan as a VCALENDAR string with CRLF line endings. */
export function toICalendar(plan: RotationPlan, options: ICalendarOptions): string {
  const rotationId = options.rotationId
    ? slug(options.rotationId)
    : `oncall-${fnv1a(
        [...plan.settings.members]
          .map((m) => m.toLowerCase())
          .sort()
          .join('\n'),
      )}`;
  const name = options.name ?? `On call: ${plan.settings.members.join(', ')}`;
  const dtstamp = utcStamp(options.now);
  const lines: string[] = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${PRODID}`,
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(name)}`,
  ];
  plan.shifts.forEach((shift, i) => {
    const roles = plan.settings.secondary ? (['primary', 'secondary'] as const) : (['primary'] as const);
    for (const role of roles) {
      const who = shift[role];
      lines.push(
        'BEGIN:VEVENT',
        `UID:${utcStamp(shift.start)}-${role}.${rotationId}@incident-commander`,
        `DTSTAMP:${dtstamp}`,
        `DTSTART:${utcStamp(shift.start)}`,
        `DTEND:${utcStamp(shift.end)}`,
        `SUMMARY:${escapeText(`On call (${role}): ${who ?? 'UNCOVERED — nobody available'}`)}`,
        `DESCRIPTION:${escapeText(describe(plan, shift, role, plan.shifts[i + 1]))}`,
        `CATEGORIES:${escapeText('On call')}`,
        'TRANSP:TRANSPARENT',
        'END:VEVENT',
      );
    }
  });
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join(CRLF) + CRLF;
}
