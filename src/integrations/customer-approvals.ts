import { draftStakeholderUpdate } from '../incident/communications.js';
import type { IncidentContext } from '../incident/context.js';
import type { StatuspageIncident } from '../incident/statuspage.js';
import type { StatusDraft } from '../store/types.js';
import type { ApprovalOutcome } from './approvals.js';
import type { Integrations } from './open.js';

/** A person deciding in a chat front door (the Slack card): only people approve what customers read. */
export interface ChatApprover {
  name: string;
  human: true;
}

/** A draft as a chat card shows it. */
export interface ChatDraft {
  id: string;
  incidentId: string;
  revision: number;
  text: string;
  statuspage: StatuspageIncident | null;
  status: 'pending' | 'approved' | 'discarded';
  proposedBy: string;
  editedBy: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  outcome: string | null;
}

function asChatDraft(d: StatusDraft, outcome: string | null = null): ChatDraft {
  const decided = d.review ?? null;
  return {
    id: d.id,
    incidentId: d.incidentId,
    revision: d.revision,
    text: d.body,
    statuspage: { name: d.title, status: d.status, impact: d.impact, body: d.body, components: d.components },
    status:
      d.state === 'pending' ? 'pending' : d.state === 'approved' || d.state === 'published' ? 'approved' : 'discarded',
    proposedBy: d.createdBy,
    editedBy: d.revision > 1 ? 'a person' : null,
    decidedBy: decided?.by ?? null,
    decidedAt: decided?.at ?? null,
    outcome:
      outcome ??
      (d.state === 'published'
        ? `published to the status page${d.published?.url ? `: ${d.published.url}` : ''}`
        : d.state === 'superseded'
          ? 'replaced by a newer draft'
          : null),
  };
}

function outcomeOf(o: ApprovalOutcome): string {
  if (o.publication === 'published')
    return `published to the status page${o.draft.published?.url ? `: ${o.draft.published.url}` : ''}`;
  if (o.publication === 'dry_run') return 'dry run: nothing was approved or sent';
  return `approved, not published yet: ${o.problem ?? 'waiting for the integrations worker'}`;
}

/**
 * The approval port a chat front door works through (the Slack card's CustomerApprovals), over
 * the integrations' approval desk: a proposal is the recorded customer update's status-page draft,
 * and approving it through the chat is a person's decision (via 'slack') that publishes it.
 */
export function chatApprovals(
  integrations: Pick<Integrations, 'approvals'>,
  context: (actor: string) => IncidentContext,
  via: 'slack' | 'web' = 'slack',
) {
  return {
    async propose(incidentId: string, by: string): Promise<ChatDraft> {
      const ctx = context(by);
      const drafted = await draftStakeholderUpdate(ctx, { incidentId, audience: 'customer', record: true });
      return asChatDraft((await ctx.store.getDraft(drafted.statusDraftId!))!);
    },
    async get(id: string): Promise<ChatDraft | null> {
      const draft = await context('incident-commander').store.getDraft(id);
      return draft ? asChatDraft(draft) : null;
    },
    async edit(id: string, text: string, by: ChatApprover, revision?: number): Promise<ChatDraft> {
      const draft = await integrations.approvals.edit({
        draftId: id,
        revision,
        reviewer: { via, by: by.name },
        changes: { body: text },
      });
      return { ...asChatDraft(draft), editedBy: by.name };
    },
    async approve(id: string, by: ChatApprover, revision?: number): Promise<ChatDraft> {
      const outcome = await integrations.approvals.approve({ draftId: id, revision, reviewer: { via, by: by.name } });
      return asChatDraft(outcome.draft, outcomeOf(outcome));
    },
    async discard(id: string, by: ChatApprover, revision?: number): Promise<ChatDraft> {
      return asChatDraft(
        await integrations.approvals.discard({ draftId: id, revision, reviewer: { via, by: by.name } }),
      );
    },
  };
}
