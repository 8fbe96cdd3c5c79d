import type { DraftReview, StatusDraft } from '../types.js';

/** Rows of status_drafts in raw mode, and how they read back. */
type Row = unknown[];

const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export const DRAFT_SELECT =
  'SELECT id, incident_id, state, revision, status, impact, components, title, body, update_id, created_by, created_at, updated_at, review, published_at, published_ref, published_url FROM status_drafts';

export function toDraft(r: Row): StatusDraft {
  return {
    id: String(r[0]),
    incidentId: String(r[1]),
    state: r[2] as StatusDraft['state'],
    revision: Number(r[3]),
    status: r[4] as StatusDraft['status'],
    impact: r[5] as StatusDraft['impact'],
    components: JSON.parse(String(r[6])) as StatusDraft['components'],
    title: String(r[7]),
    body: String(r[8]),
    updateId: strOrNull(r[9]),
    createdBy: String(r[10]),
    createdAt: String(r[11]),
    updatedAt: String(r[12]),
    review: r[13] === null ? null : (JSON.parse(String(r[13])) as DraftReview),
    published: r[14] === null ? null : { at: String(r[14]), ref: String(r[15]), url: strOrNull(r[16]) },
  };
}
