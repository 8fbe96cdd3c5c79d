/** A person who decided, as Slack knows them: only people approve what customers read. */
export interface Approver {
  name: string;
  slackUserId: string;
  human: true;
}

export type DraftStatus = 'pending' | 'approved' | 'discarded';

/** A customer update waiting for (or past) a person's decision, as the Slack card shows it. */
export interface CustomerDraft {
  id: string;
  incidentId: string;
  /** Raised by every edit: a decision names the revision the person read, so an edit made meanwhile is not approved unseen. */
  revision: number;
  text: string;
  statuspage: {
    name: string;
    status: string;
    impact: string;
    components: readonly { name: string; status: string }[];
  } | null;
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
 * edits or discards it, at the revision they read. The integrations' approval desk implements it
 * (src/integrations/customer-approvals.ts), and publishes an approved update to the status page.
 */
export interface CustomerApprovals {
  propose(incidentId: string, by: string): Promise<CustomerDraft>;
  get(id: string): Promise<CustomerDraft | null>;
  edit(id: string, text: string, by: Approver, revision?: number): Promise<CustomerDraft>;
  approve(id: string, by: Approver, revision?: number): Promise<CustomerDraft>;
  discard(id: string, by: Approver, revision?: number): Promise<CustomerDraft>;
}
