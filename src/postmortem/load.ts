import { requireIncident } from '../incident/lookup.js';
import type { ToolContext } from '../registry/types.js';
import { levelOf } from '../severity/framework.js';
import { generatePostmortem, type Postmortem, type PostmortemInput } from './generate.js';

export type PostmortemExtras = Pick<PostmortemInput, 'whys' | 'factors' | 'wentWell' | 'wentBadly' | 'timelineLimit'>;

/** Reads the whole record of one incident (every timeline entry) and drafts its post-mortem. */
export async function draftPostmortem(
  ctx: ToolContext,
  incidentId: string,
  extras: PostmortemExtras = {},
): Promise<Postmortem> {
  const incident = await requireIncident(ctx.store, incidentId);
  const [roles, history, updates, items, hypotheses, timeline] = await Promise.all([
    ctx.store.listRoles(incident.id),
    ctx.store.severityHistory(incident.id),
    ctx.store.listUpdates(incident.id),
    ctx.store.listActionItems({ incidentId: incident.id, status: ['open', 'in_progress', 'done', 'wont_do'] }),
    ctx.store.listHypotheses(incident.id),
    ctx.store.listTimeline(incident.id),
  ]);
  return generatePostmortem({
    incident,
    level: levelOf(ctx.severity, incident.severity),
    roles,
    history,
    updates,
    items,
    hypotheses,
    timeline,
    deadlineHours: ctx.settings.postmortem_deadline_hours,
    timeboxMinutes: ctx.settings.hypothesis_timebox_minutes,
    now: ctx.clock.now(),
    ...extras,
  });
}
