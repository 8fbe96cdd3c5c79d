import { z } from 'zod';
import { canonicalTimeZone, isHandoffTime, isIsoDate } from '../src/oncall/calendar.js';
import { ROTATION_DEFAULTS, ROTATION_LIMITS, WEEKDAYS } from '../src/oncall/limits.js';
import { planRotation } from '../src/oncall/plan.js';
import { person, text } from '../src/registry/fields.js';
import { defineTool } from '../src/registry/types.js';

const isoDate = () => z.string().trim().refine(isIsoDate, 'must be a date YYYY-MM-DD such as "2026-11-30"');

const PERIOD_PROBLEM = 'must be a period number (1 is the first shift) or the date YYYY-MM-DD a shift starts on';

const input = z
  .object({
    members: z
      // Shares are keyed by name, and "__proto__" cannot be a key of a plain object: it would vanish from them.
      .array(
        person().refine(
          (name) => name !== '__proto__',
          'cannot be "__proto__" (each person\'s share is keyed by name); use another name for this person',
        ),
      )
      .min(ROTATION_LIMITS.minMembers)
      .max(ROTATION_LIMITS.maxMembers)
      .describe(
        'The engineers in the rotation, in rotation order (2–50, names unique ignoring case). The first is primary first.',
      ),
    start: isoDate()
      .optional()
      .describe(
        'Date of the first handoff, YYYY-MM-DD, in timeZone; must fall on handoffDay. Default: the next handoff day from now.',
      ),
    weeks: z
      .number()
      .int()
      .min(1)
      .max(ROTATION_LIMITS.maxWeeks)
      .optional()
      .describe(
        'How many rotation periods to plan (1–104; a period is rotationDays long). Default: whole cycles of the team covering at least 12 periods.',
      ),
    rotationDays: z
      .number()
      .int()
      .min(ROTATION_LIMITS.minRotationDays)
      .max(ROTATION_LIMITS.maxRotationDays)
      .default(ROTATION_DEFAULTS.rotationDays)
      .describe('Length of one shift in days (1–28, default 7: weekly, as recommended).'),
    handoffDay: z
      .enum(WEEKDAYS)
      .default(ROTATION_DEFAULTS.handoffDay)
      .describe('Weekday of the handoff (default monday).'),
    handoffTime: z
      .string()
      .trim()
      .refine(isHandoffTime, 'must be a 24-hour time HH:MM such as "10:00"')
      .default(ROTATION_DEFAULTS.handoffTime)
      .describe(
        'Local time of the handoff, HH:MM (default "10:00": in business hours, so the handoff is a conversation).',
      ),
    timeZone: text(64)
      .refine(
        (tz) => canonicalTimeZone(tz) !== null,
        'must be an IANA time zone such as "Europe/London", "America/New_York" or "UTC"',
      )
      .default(ROTATION_DEFAULTS.timeZone)
      .describe(
        'IANA time zone of the handoff time and of leave dates, e.g. "Europe/London" (default "UTC"). Daylight-saving changes are handled.',
      ),
    secondary: z
      .boolean()
      .default(ROTATION_DEFAULTS.secondary)
      .describe(
        "Plan a secondary (backup) for each shift (default true): the next period's primary, shadowing the week before.",
      ),
    unavailable: z
      .array(
        z
          .object({
            person: person().describe('A member of the rotation.'),
            from: isoDate().describe('First day of leave, YYYY-MM-DD (inclusive).'),
            to: isoDate().describe('Last day of leave, YYYY-MM-DD (inclusive).'),
          })
          .strict(),
      )
      .max(500)
      .default([])
      .describe('Leave: nobody is primary or secondary in a shift that touches any day of their leave.'),
    swaps: z
      .array(
        z
          .object({
            period: z
              .union(
                [
                  z.number().int().min(1).max(ROTATION_LIMITS.maxWeeks),
                  z.string().trim().refine(isIsoDate, PERIOD_PROBLEM),
                ],
                { error: PERIOD_PROBLEM },
              )
              .describe('The shift: its period number (1 = first) or the date it starts on, YYYY-MM-DD.'),
            from: person().describe('Who is on call (primary or secondary) in that shift and gives it away.'),
            to: person().describe(
              'Who takes it; must not be on leave then. If they already hold the other role in that shift, the two trade roles.',
            ),
          })
          .strict(),
      )
      .max(200)
      .default([])
      .describe(
        'Explicit swaps, applied in order after scheduling. One-way: to trade weeks, add the reverse swap for the other week.',
      ),
  })
  .strict();

const share = z.object({
  primaryShifts: z.number(),
  secondaryShifts: z.number(),
  primaryShare: z.number(),
  secondaryShare: z.number(),
});

const output = z.object({
  settings: z.object({
    members: z.array(z.string()),
    start: z.string(),
    weeks: z.number(),
    rotationDays: z.number(),
    handoffDay: z.enum(WEEKDAYS),
    handoffTime: z.string(),
    timeZone: z.string(),
    secondary: z.boolean(),
  }),
  shifts: z.array(
    z.object({
      period: z.number(),
      start: z.string().describe('UTC instant of the handoff that starts the shift.'),
      end: z.string(),
      startLocal: z.string().describe('YYYY-MM-DD HH:MM in settings.timeZone.'),
      endLocal: z.string(),
      primary: z.string().nullable(),
      secondary: z.string().nullable(),
    }),
  ),
  shares: z.record(z.string(), share),
  fairness: z.object({ maxMinusMinPrimary: z.number(), maxMinusMinSecondary: z.number() }),
  conflicts: z.array(
    z.object({
      period: z.number(),
      start: z.string(),
      role: z.enum(['primary', 'secondary']),
      onLeave: z.array(z.string()),
      reason: z.string(),
    }),
  ),
  rules: z.array(z.string()),
  warnings: z.array(z.string()),
});

export const planOncallRotation = defineTool({
  name: 'plan_oncall_rotation',
  title: 'Plan on-call rotation',
  description: [
    'Plan an on-call rotation the sustainable way: weekly primary + secondary handing off Monday 10:00 (configurable), each engineer primary once every N weeks and secondary the week before, nobody on call during leave, explicit swaps.',
    'Call it when someone asks to set up, plan or fix an on-call schedule; give the team in rotation order, leave as date ranges and any swaps.',
    "Returns every shift (UTC instants and local times, primary, secondary), each person's share, fairness (primary counts stay within 1 without leave), conflicts (shifts leave leaves uncovered, with why), the rules to state with the schedule, and warnings (a team of 2–3 cannot sustain it; long shifts).",
    "Computes only: it writes nothing and does not change the roster. Unknown people, a start off the handoff day or a swap onto someone's leave are refused with the field named.",
  ].join(' '),
  input,
  output,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    return planRotation(args, ctx.clock.now());
  },
});

/** The output schema, for readers of this tool's results (the offline playbook). */
export { output as planOncallRotationOutput };
