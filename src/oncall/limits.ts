/** The rotation's bounds and defaults: what the CLI, the tool schema and the planner all check against. */
export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const ROTATION_LIMITS = {
  minMembers: 2,
  maxMembers: 50,
  maxWeeks: 104,
  minRotationDays: 1,
  maxRotationDays: 28,
  defaultMinPeriods: 12,
} as const;
export const ROTATION_DEFAULTS = {
  rotationDays: 7,
  handoffDay: 'monday',
  handoffTime: '10:00',
  timeZone: 'UTC',
  secondary: true,
} as const;
/** The seed's acknowledgement window: a primary who does not acknowledge in this time is escalated past. */
export const ACK_MINUTES = 15;
