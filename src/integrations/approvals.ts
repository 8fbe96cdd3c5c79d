import { ConflictError, InputError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Clock } from '../core/time.js';
import type { IncidentContext } from '../incident/context.js';
import {
  approveStatusDraft,
  discardStatusDraft,
  editStatusDraft,
  requirePerson,
  type Reviewer,
} from '../incident/status-drafts.js';
import type { MessageStore, QueuedMessage } from '../store/messages.js';
import type { StatusDraft } from '../store/types.js';
import type { StatuspageSettings } from './config.js';
import { QUEUES, type QueueHandler, drainOnce } from './queue.js';
import { publishKey } from './statuspage/plan.js';
import { type StatuspageApi, statuspageIncidentOf } from './statuspage/publish.js';

export interface ApprovalOutcome {
  draft: StatusDraft;
  /** published: customers can see it; queued: approved, waiting to be published (retrying, or by another process); dry_run: nothing recorded or sent. */
  publication: 'published' | 'queued' | 'dry_run';
  /** Why it is still queued, when it is. */
  problem: string | null;
}

export interface ApprovalDeskDeps {
  context: (actor: string) => IncidentContext;
  messages: MessageStore;
  clock: Clock;
  logger: Logger;
  settings: StatuspageSettings | null;
  api: StatuspageApi | null;
  handler: QueueHandler | null;
  dryRun: boolean;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Where a person decides on a customer update: the CLI (`incident-commander updates`), the Slack
 * approval card and the incident page all come here. Approval is the only way anything reaches
 * the status page; it is recorded first (who, how, which revision), then published at once
 * when this process can, else by the process running the integrations worker.
 */
export class ApprovalDesk {
  constructor(private readonly deps: ApprovalDeskDeps) {}

  /**
   * Approves the revision the person read and publishes it, waiting up to `waitMs` for the
   * status page to take it (retrying 429 and 5xx with backoff meanwhile). Approving a draft that
   * is approved but not yet published publishes it again.
   */
  async approve(request: {
    draftId: string;
    revision?: number | undefined;
    reviewer: Reviewer;
    waitMs?: number;
  }): Promise<ApprovalOutcome> {
    const reviewer = requirePerson(request.reviewer);
    const ctx = this.deps.context(reviewer.by);
    if (this.deps.dryRun) return this.dryRun(ctx, request.draftId, request.revision);
    let draft: StatusDraft;
    let key: string;
    try {
      draft = await approveStatusDraft(ctx, {
        draftId: request.draftId,
        revision: request.revision,
        reviewer,
        approvers: this.deps.settings?.approvers,
      });
      key = publishKey(draft.id);
    } catch (error) {
      const current = await ctx.store.getDraft(request.draftId);
      if (!(error instanceof ConflictError) || current?.state !== 'approved') throw error;
      // Approved before and not published (the status page refused it, or it is still retrying): try again.
      draft = current;
      key = `${publishKey(draft.id)}:again:${this.deps.clock.now().toISOString()}`;
    }
    await this.deps.messages.enqueue({
      queue: QUEUES.statuspage,
      key,
      partition: draft.incidentId,
      payload: { draftId: draft.id },
      at: this.deps.clock.now().toISOString(),
    });
    if (!this.deps.handler)
      return { draft, publication: 'queued', problem: 'this process has no Statuspage configured' };
    return this.publish(ctx, draft.id, key, request.waitMs ?? 20_000);
  }

  private async publish(ctx: IncidentContext, draftId: string, key: string, waitMs: number): Promise<ApprovalOutcome> {
    const deadline = Date.now() + waitMs;
    const sleep = this.deps.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
    let message: QueuedMessage | undefined;
    for (;;) {
      await drainOnce(this.deps.messages, this.deps.handler!, this.deps);
      const draft = (await ctx.store.getDraft(draftId))!;
      if (draft.state === 'published') return { draft, publication: 'published', problem: null };
      message = (await this.deps.messages.listMessages(QUEUES.statuspage, { partition: draft.incidentId })).find(
        (m) => m.key === key,
      );
      if (message?.state !== 'pending') break;
      const wait = Date.parse(message.availableAt) - this.deps.clock.now().getTime();
      if (Date.now() + Math.max(0, wait) > deadline) break;
      await sleep(Math.max(50, wait));
    }
    return {
      draft: (await ctx.store.getDraft(draftId))!,
      publication: 'queued',
      problem: message?.note ?? null,
    };
  }

  /** What approving would send, logged; nothing is recorded and nothing leaves the process. */
  private async dryRun(ctx: IncidentContext, draftId: string, revision: number | undefined): Promise<ApprovalOutcome> {
    const draft = await ctx.store.getDraft(draftId);
    if (!draft) throw InputError.field('draft', `no draft ${draftId}`);
    if (draft.state !== 'pending')
      throw new ConflictError(`draft ${draftId} is ${draft.state}`, 'Only a pending draft can be approved.');
    if (revision !== undefined && revision !== draft.revision)
      throw new ConflictError(`draft ${draftId} is at revision ${draft.revision}, not ${revision}`, 'Read it again.');
    if (this.deps.api) {
      const existing = await statuspageIncidentOf(ctx, draft.incidentId);
      const ids = new Map(
        draft.components.flatMap((c) => {
          const id = this.deps.settings?.components.get(c.name);
          return id ? [[c.name, id] as const] : [];
        }),
      );
      await this.deps.api.send(this.deps.api.draftRequest(draft, ids, existing));
    }
    return { draft, publication: 'dry_run', problem: null };
  }

  edit(request: { draftId: string; revision?: number | undefined; reviewer: Reviewer; changes: unknown }) {
    const reviewer = requirePerson(request.reviewer);
    return editStatusDraft(this.deps.context(reviewer.by), { ...request, reviewer });
  }

  discard(request: { draftId: string; revision?: number | undefined; reviewer: Reviewer; note?: string }) {
    const reviewer = requirePerson(request.reviewer);
    return discardStatusDraft(this.deps.context(reviewer.by), { ...request, reviewer });
  }
}
