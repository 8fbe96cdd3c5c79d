import { AUDIENCES, type Audience } from '../core/audiences.js';
import { addMinutes, minutesBetween } from '../core/time.js';
import { levelOf, type SeverityFramework } from '../severity/framework.js';
import type { Hypothesis, IncidentRecord, SeverityChange, StakeholderUpdate } from '../store/types.js';

/** An update that was due and came late, or never came. */
export interface CadenceMiss {
  audience: Audience;
  dueAt: string;
  sentAt: string | null;
  lateMinutes: number;
}

/** A hypothesis worked past its time-box (still open, or closed late). */
export interface TimeboxOverrun {
  id: string;
  statement: string;
  owner: string;
  overrunMinutes: number;
  open: boolean;
}

/**
 * Replays the record to find every update window that was missed: per audience, the clock starts at the
 * declaration (or a severity change, which resets the schedule) and at each update; an update later than
 * `graceMinutes` past its due time is a miss, and so is each whole window with none. Pure.
 */
export function cadenceMisses(
  framework: SeverityFramework,
  history: readonly SeverityChange[],
  updates: readonly StakeholderUpdate[],
  end: Date | string,
  graceMinutes = 2,
): CadenceMiss[] {
  const endAt = new Date(end).toISOString();
  const misses: CadenceMiss[] = [];
  history.forEach((change, i) => {
    const segmentEnd = history[i + 1]?.at ?? endAt;
    const cadence = levelOf(framework, change.to).cadence_minutes;
    for (const audience of AUDIENCES) {
      const minutes = cadence[audience];
      if (minutes === null) continue;
      const sent = updates
        .filter((u) => u.audience === audience && u.at > change.at && u.at <= segmentEnd)
        .map((u) => u.at);
      let from = change.at;
      for (;;) {
        const due = addMinutes(from, minutes).toISOString();
        if (due >= segmentEnd) break;
        const next = sent.find((at) => at > from);
        const late = next ? minutesBetween(due, next) : minutesBetween(due, segmentEnd);
        if (next && late <= graceMinutes) {
          from = next;
          continue;
        }
        if (!next && late <= graceMinutes) break;
        misses.push({ audience, dueAt: due, sentAt: next ?? null, lateMinutes: Math.floor(late) });
        from = next ?? due;
      }
    }
  });
  return misses.sort((a, b) => a.dueAt.localeCompare(b.dueAt));
}

/** Hypotheses kept open longer than their time-box allowed (with `graceMinutes` of slack). Pure. */
export function timeboxOverruns(
  hypotheses: readonly Hypothesis[],
  end: Date | string,
  graceMinutes = 1,
): TimeboxOverrun[] {
  return hypotheses.flatMap((h) => {
    const closed = h.resolvedAt ?? new Date(end).toISOString();
    const over = minutesBetween(addMinutes(h.startedAt, h.timeboxMinutes), closed);
    return over > graceMinutes
      ? [
          {
            id: h.id,
            statement: h.statement,
            owner: h.owner,
            overrunMinutes: Math.floor(over),
            open: h.status === 'open',
          },
        ]
      : [];
  });
}

/** Both checks for one incident's record, up to its resolution or `now`. */
export function disciplineOf(
  framework: SeverityFramework,
  record: Pick<IncidentRecord, 'incident' | 'history' | 'updates' | 'hypotheses'>,
  now: Date,
): { cadenceMisses: CadenceMiss[]; timeboxOverruns: TimeboxOverrun[] } {
  const end = record.incident.resolvedAt ?? now.toISOString();
  return {
    cadenceMisses: cadenceMisses(framework, record.history, record.updates, end),
    timeboxOverruns: timeboxOverruns(record.hypotheses, end),
  };
}
