import { addMinutes } from '../core/time.js';
import { levelOf, type SeverityFramework } from '../severity/framework.js';
import type { Severity } from '../severity/signals.js';
import type { IncidentStatus } from '../store/types.js';

export interface EscalationTrigger {
  afterMinutes: number;
  /** When the trigger fires, counted from the incident's start. Null without a start time. */
  at: string | null;
  action: string;
  /** True once the time has passed and the incident is not in one of the `unless` states. */
  due: boolean;
  unlessStatus: IncidentStatus[];
}

export interface EscalationPlan {
  /** True when this level pages people now (the seed's "Escalation triggered"). */
  triggered: boolean;
  page: string[];
  notify: string[];
  triggers: EscalationTrigger[];
  postmortemRequired: boolean;
}

export function escalationPlan(
  framework: SeverityFramework,
  level: Severity,
  context: { startedAt?: string | null; status?: IncidentStatus; now: Date },
): EscalationPlan {
  const l = levelOf(framework, level);
  return {
    triggered: l.escalation.pages,
    page: l.escalation.page,
    notify: l.escalation.notify,
    postmortemRequired: l.postmortem_required,
    triggers: l.escalation.triggers.map((t) => {
      const at = context.startedAt ? addMinutes(context.startedAt, t.after_minutes) : null;
      const blocked = context.status !== undefined && t.unless_status.includes(context.status);
      return {
        afterMinutes: t.after_minutes,
        at: at?.toISOString() ?? null,
        action: t.action,
        due: at !== null && !blocked && at.getTime() <= context.now.getTime(),
        unlessStatus: t.unless_status,
      };
    }),
  };
}
