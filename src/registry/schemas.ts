import { z } from 'zod';
import { AUDIENCES } from '../core/audiences.js';
import { SEVERITIES, SignalsSchema } from '../severity/signals.js';
import { ACTION_KINDS, ACTION_PRIORITIES, ACTION_STATUSES, EVENT_KINDS, INCIDENT_STATUSES } from '../store/types.js';

/** Output schemas shared by several tools; they describe what the MCP server returns as structured content. */
export const EscalationSchema = z.object({
  triggered: z.boolean().describe('True when this level pages people now.'),
  page: z.array(z.string()),
  notify: z.array(z.string()),
  triggers: z.array(
    z.object({
      afterMinutes: z.number(),
      at: z.string().nullable(),
      action: z.string(),
      due: z.boolean(),
      unlessStatus: z.array(z.enum(INCIDENT_STATUSES)),
    }),
  ),
  postmortemRequired: z.boolean(),
});

export const CadenceSchema = z.object(
  Object.fromEntries(AUDIENCES.map((a) => [a, z.number().nullable()])) as Record<
    (typeof AUDIENCES)[number],
    z.ZodNullable<z.ZodNumber>
  >,
);

export const ImpactSchema = z.object({
  customerFacing: z.boolean().nullable(),
  usersAffectedPct: z.number().nullable(),
  usersAffected: z.number().nullable(),
  revenueImpact: z.number().nullable(),
  description: z.string(),
});

export const IncidentSchema = z.object({
  id: z.string(),
  title: z.string(),
  summary: z.string(),
  severity: z.enum(SEVERITIES),
  status: z.enum(INCIDENT_STATUSES),
  services: z.array(z.string()),
  impact: ImpactSchema,
  signals: SignalsSchema,
  declaredBy: z.string(),
  startedAt: z.string(),
  detectedAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  mitigatedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  resolution: z.string().nullable(),
  postmortemPublishedAt: z.string().nullable(),
  version: z.number(),
});

export const HypothesisSchema = z.object({
  id: z.string(),
  statement: z.string(),
  owner: z.string(),
  startedAt: z.string(),
  timeboxMinutes: z.number(),
  status: z.enum(['open', 'confirmed', 'ruled_out', 'abandoned']),
  resolvedAt: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  evidence: z.string(),
  /** Open past its time-box. */
  expired: z.boolean(),
  /** When the time-box ends (or ended). */
  expiresAt: z.string(),
  minutesLeft: z.number().describe('Negative once expired; never more than the time-box.'),
  clockBehind: z
    .boolean()
    .describe('The clock reads earlier than the start (it was set back): minutesLeft is clamped.'),
});

export const RoleAssignmentSchema = z.object({
  role: z.string(),
  title: z.string(),
  person: z.string().nullable(),
  need: z.string().nullable(),
  interim: z.boolean(),
  assignedAt: z.string(),
});

export const TimelineEventSchema = z.object({
  seq: z.number(),
  at: z.string(),
  author: z.string(),
  kind: z.enum(EVENT_KINDS),
  text: z.string(),
  data: z.record(z.string(), z.unknown()).nullable(),
});

export const ActionItemSchema = z.object({
  id: z.string(),
  incidentId: z.string(),
  title: z.string(),
  description: z.string(),
  owner: z.string(),
  dueAt: z.string(),
  kind: z.enum(ACTION_KINDS),
  priority: z.enum(ACTION_PRIORITIES),
  status: z.enum(ACTION_STATUSES),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  completedAt: z.string().nullable(),
  overdue: z.boolean(),
});

export const DurationsSchema = z.object({
  timeToDetectMinutes: z.number().nullable(),
  timeToAcknowledgeMinutes: z.number().nullable(),
  timeToMitigateMinutes: z.number().nullable(),
  timeToResolveMinutes: z.number().nullable(),
});

export const ScheduleSchema = z.object({
  audience: z.enum(AUDIENCES),
  cadenceMinutes: z.number().nullable(),
  lastUpdateAt: z.string().nullable(),
  nextDueAt: z.string().nullable(),
  overdue: z.boolean(),
  overdueMinutes: z.number(),
});
