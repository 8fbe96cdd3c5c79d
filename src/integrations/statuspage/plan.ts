import type { IncidentContext } from '../../incident/context.js';
import { draftStakeholderUpdate } from '../../incident/communications.js';
import { proposeStatusDraft } from '../../incident/status-drafts.js';
import type { NewQueuedMessage } from '../../store/messages.js';
import type { IncidentRecord } from '../../store/types.js';
import { QUEUES } from '../queue.js';
import type { PublishPayload } from './publish.js';

export const publishKey = (draftId: string): string => `publish:${draftId}`;

/**
 * What the status page needs for one incident: every approved draft in the outbox (the approval
 * is the person's; publishing it is ours, and survives a crash between the two), and once an
 * incident with a published status page incident is resolved, a resolved draft proposed for a
 * person to approve (resolution resolves the status page incident only with their approval).
 */
export async function planStatuspage(ctx: IncidentContext, record: IncidentRecord): Promise<NewQueuedMessage[]> {
  const at = ctx.clock.now().toISOString();
  const out: NewQueuedMessage[] = record.drafts
    .filter((d) => d.state === 'approved')
    .map((d) => ({
      queue: QUEUES.statuspage,
      key: publishKey(d.id),
      partition: d.incidentId,
      payload: { draftId: d.id } satisfies PublishPayload,
      at,
    }));
  const { incident } = record;
  const published = record.drafts.some((d) => d.state === 'published');
  const resolvedDraft = record.drafts.some(
    (d) => d.status === 'resolved' && d.createdAt >= (incident.resolvedAt ?? ''),
  );
  if (incident.status === 'resolved' && published && !resolvedDraft) {
    const update = await draftStakeholderUpdate(ctx, { incidentId: incident.id, audience: 'customer', record: false });
    await proposeStatusDraft(ctx, { incidentId: incident.id, body: update.body, author: 'incident-commander' });
  }
  return out;
}
