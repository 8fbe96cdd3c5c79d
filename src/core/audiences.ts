import { z } from 'zod';

/** Who a stakeholder update is written for; each gets its own detail, vocabulary and cadence. */
export const AUDIENCES = ['engineering', 'executive', 'customer'] as const;
export type Audience = (typeof AUDIENCES)[number];
export const AudienceSchema = z.enum(AUDIENCES);
