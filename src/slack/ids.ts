import { z } from 'zod';
import { AUDIENCES, type Audience } from '../core/audiences.js';
import { parseIncidentId } from '../core/ids.js';

/** Action, view and shortcut ids this app renders and listens for: one list, so the two never drift. */
export const ACTION = {
  claimRole: 'ic_claim_role',
  postUpdate: 'ic_post_update',
  draftCustomer: 'ic_draft_customer',
  startHypothesis: 'ic_start_hypothesis',
  resolve: 'ic_resolve',
  snooze: 'ic_snooze',
  approveCustomer: 'ic_customer_approve',
  editCustomer: 'ic_customer_edit',
  discardCustomer: 'ic_customer_discard',
  openDeclare: 'ic_open_declare',
} as const;

export const VIEW = {
  declare: 'ic_declare',
  hypothesis: 'ic_hypothesis',
  resolve: 'ic_resolve_view',
  action: 'ic_action_item',
  editCustomer: 'ic_customer_edit_view',
} as const;

/** What a button or select carries: rendered by us, read back from Slack, so checked again on the way in. */
const IncidentIdValue = z
  .string()
  .max(20)
  .transform((s, ctx) => {
    const id = parseIncidentId(s);
    if (!id) ctx.addIssue({ code: 'custom', message: 'not an incident id' });
    return id ?? '';
  });

export const RoleValue = z
  .string()
  .max(200)
  .transform((s) => s.split('|'))
  .pipe(z.tuple([IncidentIdValue, z.string().regex(/^[a-z][a-z0-9_]{0,59}$/)]));

export const AudienceValue = z
  .string()
  .max(100)
  .transform((s) => s.split('|'))
  .pipe(z.tuple([IncidentIdValue, z.enum(AUDIENCES)]));

export const SnoozeValue = z
  .string()
  .max(200)
  .transform((s) => s.split('|'))
  .pipe(z.tuple([IncidentIdValue, z.string().regex(/^[a-z]+(?::[a-z0-9_-]+)?$/)]));

/** A customer draft and the revision the card showed. */
export const DraftValue = z
  .string()
  .max(100)
  .transform((s) => s.split('|'))
  .pipe(z.tuple([z.string().regex(/^[A-Za-z0-9_-]{1,60}$/), z.string().regex(/^[1-9]\d{0,6}$/)]))
  .transform(([id, revision]) => ({ id, revision: Number(revision) }));

export { IncidentIdValue };

export const roleValue = (incidentId: string, role: string): string => `${incidentId}|${role}`;
export const audienceValue = (incidentId: string, audience: Audience): string => `${incidentId}|${audience}`;
export const draftValue = (draftId: string, revision: number): string => `${draftId}|${revision}`;
export const snoozeValue = (incidentId: string, kind: string): string => `${incidentId}|${kind}`;
