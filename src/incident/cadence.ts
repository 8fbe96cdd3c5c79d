import { AUDIENCES, type Audience } from '../core/audiences.js';
import { addMinutes, minutesBetween } from '../core/time.js';
import { levelOf, type SeverityFramework } from '../severity/framework.js';
import type { Incident, StakeholderUpdate } from '../store/types.js';

export interface AudienceSchedule {
  audience: Audience;
  /** Null when this severity has no scheduled updates for the audience. */
  cadenceMinutes: number | null;
  lastUpdateAt: string | null;
  /** The update is due at this time; null when no cadence applies or the incident is resolved. */
  nextDueAt: string | null;
  overdue: boolean;
  overdueMinutes: number;
}

/**
 * When each audience's next update is due. The clock starts at the last update to that audience,
 * or at the last severity change (declaration included) if that is later: a severity change resets the schedule.
 */
export function updateSchedule(
  framework: SeverityFramework,
  incident: Incident,
  updates: readonly StakeholderUpdate[],
  severitySetAt: string,
  now: Date,
): AudienceSchedule[] {
  const cadence = levelOf(framework, incident.severity).cadence_minutes;
  return AUDIENCES.map((audience) => {
    const minutes = cadence[audience];
    const last = updates.filter((u) => u.audience === audience).at(-1) ?? null;
    if (minutes === null || incident.status === 'resolved') {
      return {
        audience,
        cadenceMinutes: minutes,
        lastUpdateAt: last?.at ?? null,
        nextDueAt: null,
        overdue: false,
        overdueMinutes: 0,
      };
    }
    const from = last && last.at > severitySetAt ? last.at : severitySetAt;
    const due = addMinutes(from, minutes);
    const late = minutesBetween(due, now);
    return {
      audience,
      cadenceMinutes: minutes,
      lastUpdateAt: last?.at ?? null,
      nextDueAt: due.toISOString(),
      overdue: late > 0,
      overdueMinutes: late > 0 ? Math.floor(late) : 0,
    };
  });
}
