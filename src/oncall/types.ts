import type { Weekday } from './limits.js';

/** The rotation planner's input and output. */

export interface Leave {
  person: string;
  /** First day of leave, `YYYY-MM-DD`, in the rotation's time zone (inclusive). */
  from: string;
  /** Last day of leave, `YYYY-MM-DD` (inclusive). */
  to: string;
}

export interface Swap {
  /** 1-based period number, or the `YYYY-MM-DD` local date the shift starts on. */
  period: number | string;
  /** Who is on call (primary or secondary) in that period and gives the shift away. */
  from: string;
  /** Who takes it. */
  to: string;
}

export interface RotationInput {
  members: readonly string[];
  start?: string | undefined;
  weeks?: number | undefined;
  rotationDays?: number | undefined;
  handoffDay?: string | undefined;
  handoffTime?: string | undefined;
  timeZone?: string | undefined;
  secondary?: boolean | undefined;
  unavailable?: readonly Leave[] | undefined;
  swaps?: readonly Swap[] | undefined;
}

export interface Shift {
  /** 1-based. */
  period: number;
  /** UTC instant of the handoff that starts the shift. */
  start: string;
  end: string;
  /** `YYYY-MM-DD HH:MM` in the rotation's time zone. */
  startLocal: string;
  endLocal: string;
  /** Null only when everyone is on leave during the shift (see conflicts). */
  primary: string | null;
  /** Null when the plan has no secondary, or nobody else is available (see conflicts). */
  secondary: string | null;
}

export interface Share {
  primaryShifts: number;
  secondaryShifts: number;
  /** Fraction of the planned shifts, 0–1. */
  primaryShare: number;
  secondaryShare: number;
}

export interface Conflict {
  period: number;
  start: string;
  role: 'primary' | 'secondary';
  onLeave: string[];
  reason: string;
}

/** The plan's settings after defaults: echoed in the plan so a reader sees what was applied. */
export interface RotationSettings {
  members: string[];
  start: string;
  weeks: number;
  rotationDays: number;
  handoffDay: Weekday;
  handoffTime: string;
  timeZone: string;
  secondary: boolean;
}

export interface RotationPlan {
  settings: RotationSettings;
  shifts: Shift[];
  shares: Record<string, Share>;
  fairness: { maxMinusMinPrimary: number; maxMinusMinSecondary: number };
  conflicts: Conflict[];
  rules: string[];
  warnings: string[];
}

/** The input after defaults and checks, with people as indices into `members`. */
export interface NormalisedInput extends RotationSettings {
  leave: { index: number; person: number; from: string; to: string }[];
  swaps: { index: number; period: number | string; from: number; to: number }[];
}
