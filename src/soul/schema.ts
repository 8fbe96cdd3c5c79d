import { z } from 'zod';

export const ROLE_IDS = ['incident_commander', 'communications_lead', 'technical_lead', 'scribe'] as const;

const RoleSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case, such as "technical_lead"'),
    title: z.string().min(1).max(60),
    short: z.string().min(1).max(20),
    duty: z.string().min(1).max(300),
  })
  .strict();

export type RoleDefinition = z.output<typeof RoleSchema>;

export const DEFAULT_ROLES: RoleDefinition[] = [
  {
    id: 'incident_commander',
    title: 'Incident Commander',
    short: 'IC',
    duty: 'Owns coordination and decisions; does not debug.',
  },
  {
    id: 'communications_lead',
    title: 'Communications Lead',
    short: 'Comms',
    duty: 'Posts stakeholder updates on the cadence, including "no change".',
  },
  {
    id: 'technical_lead',
    title: 'Technical Lead',
    short: 'Tech Lead',
    duty: 'Leads the investigation and time-boxes each hypothesis.',
  },
  {
    id: 'scribe',
    title: 'Scribe',
    short: 'Scribe',
    duty: 'Records every action, decision and finding on the timeline as it happens.',
  },
];

export const SettingsSchema = z
  .object({
    hypothesis_timebox_minutes: z.number().int().min(1).max(240).default(15),
    postmortem_deadline_hours: z
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .default(48),
    suspect_window_minutes: z
      .number()
      .int()
      .min(5)
      .max(7 * 24 * 60)
      .default(120),
    reporter_holds_ic: z.boolean().default(true),
    action_item_max_due_days: z.number().int().min(1).max(365).default(56),
    roles: z
      .array(RoleSchema)
      .min(1)
      .default(DEFAULT_ROLES)
      .superRefine((roles, ctx) => {
        const seen = new Set<string>();
        roles.forEach((role, index) => {
          if (seen.has(role.id))
            ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicate role id "${role.id}"` });
          seen.add(role.id);
        });
        if (!seen.has('incident_commander')) {
          ctx.addIssue({
            code: 'custom',
            message: 'must include a role with id "incident_commander": every incident has a commander',
          });
        }
      }),
  })
  .strict();

export const LimitsSchema = z
  .object({
    max_steps: z.number().int().min(1).max(100).default(12),
    max_turn_tokens: z.number().int().min(1000).default(400_000),
    max_session_tokens: z.number().int().min(1000).default(4_000_000),
    max_turn_cost_usd: z.number().positive().default(1),
    max_session_cost_usd: z.number().positive().default(10),
    /** Tool calls run from one model response; the rest are answered "not run" (one response once asked for 1,000 writes). */
    max_tool_calls_per_response: z.number().int().min(1).max(100).default(16),
    /** Past this many prompt tokens, the oldest turns are folded into a summary the runtime writes. */
    compact_at_tokens: z.number().int().min(10_000).max(2_000_000).default(120_000),
  })
  .strict();

export type Limits = z.output<typeof LimitsSchema>;

export const SoulFrontMatterSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be kebab-case, such as "incident-response-commander"'),
    description: z.string().min(1).max(500),
    model: z.string().min(1).max(100),
    max_tokens: z.number().int().min(256).max(64_000),
    /** Sent only when set: current Claude models deprecate sampling temperature. */
    temperature: z.number().min(0).max(1).optional(),
    /**
     * How long the prompt cache keeps the persona, tools and history: "1h" outlasts the pauses of
     * an incident (writes cost 2× input instead of 1.25×); "5m" is the API's default.
     */
    cache_ttl: z.enum(['5m', '1h']).default('1h'),
    tools: z.array(z.string().min(1)).min(1),
    settings: SettingsSchema.prefault({}),
    /** Budgets per turn and per session; every one ends a turn with its own stop reason. */
    limits: LimitsSchema.prefault({}),
  })
  .strict();

export type SoulFrontMatter = z.output<typeof SoulFrontMatterSchema>;
export type SoulSettings = SoulFrontMatter['settings'];

/** Working settings with the defaults; what tools use when no SOUL.md is loaded (library use, tests). */
export const DEFAULT_SETTINGS: SoulSettings = SettingsSchema.parse({});
