/**
 * What an on-call question says about the team: its size, the names in rotation order, leave, the
 * time zone and the handoff day.
 */
const NUMBER_WORDS: Record<string, number> = {
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
};

/** "a team of 6", "six engineers", "rotation for 4 people" → the number, or null. */
export function teamSize(lower: string): number | null {
  const m =
    /\b(?:team|group|rotation|squad|pool) of (\d{1,3}|[a-z]+)\b/.exec(lower) ??
    /\b(\d{1,3}|[a-z]+) (?:engineers|people|person|devs|developers|sres|members|folks|of us)\b/.exec(lower);
  if (!m) return null;
  const n = NUMBER_WORDS[m[1]!] ?? Number(m[1]);
  return Number.isInteger(n) && n > 0 && n <= 200 ? n : null;
}

const WEEKDAY = /\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b/i;
const TIME_ZONE =
  /\b((?:Africa|America|Asia|Atlantic|Australia|Europe|Indian|Pacific)\/[A-Z][A-Za-z_]+(?:\/[A-Z][A-Za-z_]+)?|UTC)\b/;
const NOT_NAMES = new Set([
  'I',
  'We',
  'Our',
  'The',
  'How',
  'What',
  'Should',
  'Can',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
  'UTC',
  'PagerDuty',
  'SEV1',
  'SEV2',
]);

/** What an on-call question says about the team: names in rotation order, leave, time zone, handoff day. */
export function readRotationRequest(
  text: string,
  teamSize: number | null,
): {
  members: string[];
  named: boolean;
  unavailable: { person: string; from: string; to: string }[];
  timeZone?: string;
  handoffDay?: string;
} {
  const list =
    /\b([A-Z][a-z]{1,20}(?:\s*,\s*(?:and\s+)?[A-Z][a-z]{1,20}){1,}(?:\s*,?\s+and\s+[A-Z][a-z]{1,20})?)\b/.exec(text);
  const names = list
    ? list[1]!
        .split(/\s*,\s*|\s+and\s+/)
        .map((n) => n.replace(/^and\s+/, '').trim())
        .filter((n) => n && !NOT_NAMES.has(n))
    : [];
  const named = names.length >= 2 && new Set(names).size === names.length;
  const members = named ? names : Array.from({ length: teamSize ?? 6 }, (_, i) => `Engineer ${i + 1}`);
  const unavailable = named
    ? [
        ...text.matchAll(
          /\b([A-Z][a-z]{1,20})\b[^.;\n]{0,40}?\b(?:leave|vacation|holiday|off|away|out|PTO)\b[^.;\n]{0,20}?(\d{4}-\d{2}-\d{2})(?:\s*(?:to|until|through|–|-)\s*(\d{4}-\d{2}-\d{2}))?/g,
        ),
      ]
        .filter((m) => members.includes(m[1]!))
        .map((m) => ({ person: m[1]!, from: m[2]!, to: m[3] ?? m[2]! }))
    : [];
  const tz = TIME_ZONE.exec(text)?.[1];
  const day =
    /\bhand ?offs? (?:on|every)\s+(\w+)/i.exec(text)?.[1] ??
    (/\bhand ?off/i.test(text) ? WEEKDAY.exec(text)?.[1] : undefined);
  return {
    members,
    named,
    unavailable,
    ...(tz ? { timeZone: tz } : {}),
    ...(day && WEEKDAY.test(day) ? { handoffDay: day.toLowerCase().replace(/s$/, '') } : {}),
  };
}
