import { z } from 'zod';

export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const SeveritySchema = z.enum(SEVERITIES);

/** Lower rank is more severe: SEV1 = 1. */
export function severityRank(level: Severity): number {
  return SEVERITIES.indexOf(level) + 1;
}

export const SERVICE_STATES = ['down', 'degraded', 'at_risk', 'healthy'] as const;
export type ServiceState = (typeof SERVICE_STATES)[number];

/** Impact signals: the facts severity is decided from. Every one is optional: unknown is not false. */
export const SignalsSchema = z
  .object({
    customerFacing: z
      .boolean()
      .optional()
      .describe('Customers or end users see the problem (not only internal staff or systems).'),
    revenuePath: z
      .boolean()
      .optional()
      .describe('A revenue path is affected: checkout, payments, billing, sign-up, ordering.'),
    criticalFunction: z
      .boolean()
      .optional()
      .describe('A critical function is affected: login, core API, data pipeline customers depend on.'),
    usersAffectedPct: z.number().min(0).max(100).optional().describe('Share of users or requests affected, 0–100.'),
    dataLoss: z.boolean().optional().describe('Data has been lost or corrupted, or is at risk of being lost.'),
    securityBreach: z
      .boolean()
      .optional()
      .describe('A security breach or exposure: unauthorised access, leaked data or credentials.'),
    state: z
      .enum(SERVICE_STATES)
      .optional()
      .describe(
        'down = failing outright; degraded = slow or partially failing; at_risk = no impact yet; healthy = none.',
      ),
    durationMinutes: z
      .number()
      .min(0)
      .max(525_600)
      .optional()
      .describe('How long the impact has lasted so far, in minutes.'),
    workaroundAvailable: z.boolean().optional().describe('Users have a reasonable workaround.'),
  })
  .strict();

export type Signals = z.output<typeof SignalsSchema>;
export type SignalName = keyof Signals;

export interface SignalInfo {
  /** Name in YAML config files. */
  yaml: string;
  kind: 'boolean' | 'number' | 'state';
  /** The question to ask when the signal is unknown. */
  question: string;
}

export const SIGNALS: Record<SignalName, SignalInfo> = {
  customerFacing: {
    yaml: 'customer_facing',
    kind: 'boolean',
    question: 'Do customers see this, or only internal users?',
  },
  revenuePath: {
    yaml: 'revenue_path',
    kind: 'boolean',
    question: 'Is a revenue path (checkout, payments, billing, sign-up) affected?',
  },
  criticalFunction: {
    yaml: 'critical_function',
    kind: 'boolean',
    question: 'Is a critical function (login, core API) affected?',
  },
  usersAffectedPct: {
    yaml: 'users_affected_pct',
    kind: 'number',
    question: 'What share of users or requests is failing: all, most, or a few percent?',
  },
  dataLoss: { yaml: 'data_loss', kind: 'boolean', question: 'Is any data lost or corrupted?' },
  securityBreach: {
    yaml: 'security_breach',
    kind: 'boolean',
    question: 'Is there any sign of unauthorised access or exposed data?',
  },
  state: {
    yaml: 'state',
    kind: 'state',
    question: 'Is it failing outright (down) or slow and partially failing (degraded)?',
  },
  durationMinutes: { yaml: 'duration_minutes', kind: 'number', question: 'How long has the impact lasted?' },
  workaroundAvailable: { yaml: 'workaround_available', kind: 'boolean', question: 'Do users have a workaround?' },
};

export const SIGNAL_NAMES = Object.keys(SIGNALS) as SignalName[];
