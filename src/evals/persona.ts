import { join } from 'node:path';
import { packageRoot } from '../config/package-root.js';
import type { Audience } from '../core/audiences.js';
import { loadFramework, type SeverityFramework } from '../severity/framework.js';
import { SettingsSchema } from '../soul/schema.js';
import type { Soul } from '../soul/load.js';

/**
 * How far a SOUL.md setting may move before it breaks the seed's rule it implements. A 20-minute
 * time-box or a 72-hour post-mortem deadline is a team's choice; a 90-minute box or a week is not.
 */
export const CONTRACT_LIMITS = {
  /** The seed's 15 minutes, at most doubled: longer and one theory eats the incident. */
  timeboxMaxMinutes: 30,
  /** The seed's 48 hours, at most three days: later and the timeline is reconstructed from memory. */
  postmortemMaxHours: 72,
  /** "Tested every quarter". */
  runbookTestMaxDays: 92,
} as const;

/** What graders read from the persona under test instead of hard-coding 15 minutes and 48 hours. */
export interface PersonaContext {
  timeboxMinutes: number;
  postmortemHours: number;
  actionItemMaxDueDays: number;
  roles: { id: string; title: string; short: string }[];
  /** Minutes between updates to an audience at a severity, from the severity framework (null: none owed). */
  cadence(severity: string, audience: Audience): number | null;
}

export function personaContext(soul: Pick<Soul, 'config'>, framework: SeverityFramework): PersonaContext {
  const s = soul.config.settings;
  return {
    timeboxMinutes: s.hypothesis_timebox_minutes,
    postmortemHours: s.postmortem_deadline_hours,
    actionItemMaxDueDays: s.action_item_max_due_days,
    roles: s.roles.map((r) => ({ id: r.id, title: r.title, short: r.short })),
    cadence: (severity, audience) => framework.levels.find((l) => l.id === severity)?.cadence_minutes[audience] ?? null,
  };
}

let shipped: PersonaContext | null = null;

/** The shipped SOUL.md defaults and config/severity.yaml: what a grader reads when no persona is given. */
export function defaultPersona(): PersonaContext {
  shipped ??= personaContext(
    { config: { settings: SettingsSchema.parse({}) } } as Pick<Soul, 'config'>,
    loadFramework(join(packageRoot(), 'config', 'severity.yaml')),
  );
  return shipped;
}
