import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '../core/errors.js';
import { draftStakeholderUpdate } from '../incident/communications.js';
import { recordEvent } from '../incident/record.js';
import type { StatuspageIncident } from '../incident/statuspage.js';
import type { ToolContext } from '../registry/types.js';
import type { IncidentStore } from '../store/types.js';

/** A person who decided, as Slack knows them: only people approve what customers read. */
export interface Approver {
  name: string;
  slackUserId: string;
  human: true;
}

export type DraftStatus = 'pending' | 'approved' | 'discarded';

/** A customer update waiting for (or past) a person's decision. */
export interface CustomerDraft {
  id: string;
  incidentId: string;
  text: string;
  statuspage: StatuspageIncident | null;
  status: DraftStatus;
  proposedBy: string;
  editedBy: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  /** What approval did: where the text went. */
  outcome: string | null;
}

/**
 * The port the Slack card works through: customer text is only drafted here; a person approves,
 * edits or discards it. The integrations layer's approval service (issue 17) implements it; until
 * it lands, `RecordingApprovals` keeps drafts beside the incident and records the approved update.
 */
export interface CustomerApprovals {
  propose(incidentId: string, by: string): Promise<CustomerDraft>;
  get(id: string): Promise<CustomerDraft | null>;
  edit(id: string, text: string, by: Approver): Promise<CustomerDraft>;
  approve(id: string, by: Approver): Promise<CustomerDraft>;
  discard(id: string, by: Approver): Promise<CustomerDraft>;
}

const SYSTEM = 'slack';
const KIND = 'customer-draft';

/**
 * Drafts kept as references of their incident; approval records the customer update through the
 * stakeholder-update service (restarting the customer cadence) and the approved text as a decision
 * on the timeline. Nothing is published: no status page is connected to this stopgap.
 */
export class RecordingApprovals implements CustomerApprovals {
  constructor(
    private readonly store: IncidentStore,
    private readonly context: (actor: string) => ToolContext,
  ) {}

  async propose(incidentId: string, by: string): Promise<CustomerDraft> {
    const ctx = this.context(by);
    const draft = await draftStakeholderUpdate(ctx, { incidentId, audience: 'customer', record: false });
    const value: CustomerDraft = {
      id: `CD-${randomUUID().slice(0, 8)}`,
      incidentId,
      text: draft.body,
      statuspage: draft.statuspage,
      status: 'pending',
      proposedBy: by,
      editedBy: null,
      decidedBy: null,
      decidedAt: null,
      outcome: null,
    };
    await this.store.putRef({
      incidentId,
      system: SYSTEM,
      kind: KIND,
      key: value.id,
      data: { ...value },
      at: ctx.clock.now().toISOString(),
    });
    return value;
  }

  async get(id: string): Promise<CustomerDraft | null> {
    const ref = await this.store.findRef(SYSTEM, KIND, id);
    return ref ? (ref.data as unknown as CustomerDraft) : null;
  }

  private async pending(id: string): Promise<CustomerDraft> {
    const draft = await this.get(id);
    if (!draft)
      throw new NotFoundError('customer update draft', id, 'Draft a new one with the "Draft customer update" button.');
    if (draft.status !== 'pending')
      throw new ConflictError(
        `customer update ${id} was already ${draft.status} by ${draft.decidedBy}`,
        'Draft a new one if customers need another update.',
      );
    return draft;
  }

  private async save(draft: CustomerDraft, at: string): Promise<CustomerDraft> {
    await this.store.updateRef(SYSTEM, KIND, draft.id, { ...draft }, at);
    return draft;
  }

  async edit(id: string, text: string, by: Approver): Promise<CustomerDraft> {
    const draft = await this.pending(id);
    return this.save({ ...draft, text, editedBy: by.name }, this.context(by.name).clock.now().toISOString());
  }

  async approve(id: string, by: Approver): Promise<CustomerDraft> {
    const draft = await this.pending(id);
    const ctx = this.context(by.name);
    const at = ctx.clock.now().toISOString();
    await draftStakeholderUpdate(ctx, { incidentId: draft.incidentId, audience: 'customer', record: true });
    await recordEvent(ctx, {
      incidentId: draft.incidentId,
      kind: 'decision',
      text: `Customer update approved by ${by.name}${draft.editedBy ? ` (edited by ${draft.editedBy})` : ''}: ${draft.text}`,
    });
    return this.save(
      {
        ...draft,
        status: 'approved',
        decidedBy: by.name,
        decidedAt: at,
        outcome: 'recorded on the timeline; no status page is connected, so post the text there yourself',
      },
      at,
    );
  }

  async discard(id: string, by: Approver): Promise<CustomerDraft> {
    const draft = await this.pending(id);
    const at = this.context(by.name).clock.now().toISOString();
    return this.save({ ...draft, status: 'discarded', decidedBy: by.name, decidedAt: at }, at);
  }
}
