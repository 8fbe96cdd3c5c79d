import type { CustomerDraft } from '../approvals.js';
import { type Block, fitMessage, LIMITS, md, type Message, plain, sections } from '../blocks.js';
import { ACTION, draftValue } from '../ids.js';
import { escapeText } from '../mrkdwn.js';
import { when } from './headline.js';

/** The card a customer update waits on: the text customers would read, and Approve / Edit / Discard. */
export function renderCustomerCard(draft: CustomerDraft, now: Date): Message {
  const quoted = escapeText(draft.text)
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');
  const components = draft.statuspage?.components.length
    ? `Status page: ${draft.statuspage.status}, impact ${draft.statuspage.impact}; ${draft.statuspage.components.map((c) => `${escapeText(c.name)} ${c.status.replace(/_/g, ' ')}`).join(', ')}`
    : draft.statuspage
      ? `Status page: ${draft.statuspage.status}, impact ${draft.statuspage.impact}`
      : '';
  const state =
    draft.status === 'pending'
      ? `Drafted for ${escapeText(draft.proposedBy)}${draft.editedBy ? `, edited by ${escapeText(draft.editedBy)}` : ''} · *needs a person's approval before customers see it*`
      : draft.status === 'approved'
        ? `:white_check_mark: Approved by ${escapeText(draft.decidedBy ?? '?')}${draft.decidedAt ? ` at ${when(draft.decidedAt, now)}` : ''} — ${escapeText(draft.outcome ?? 'waiting to be published to the status page')}`
        : draft.decidedBy
          ? `:wastebasket: Discarded by ${escapeText(draft.decidedBy)}${draft.decidedAt ? ` at ${when(draft.decidedAt, now)}` : ''}`
          : `:wastebasket: ${escapeText(draft.outcome ?? 'No longer waiting for a decision')}`;
  const blocks: Block[] = [
    {
      type: 'header',
      text: plain(
        `Customer update · ${draft.incidentId} · ${draft.status} · revision ${draft.revision}`,
        LIMITS.headerText,
      ),
    },
    ...sections(quoted, 5),
    { type: 'context', elements: [md(state), ...(components ? [md(components)] : [])] },
  ];
  if (draft.status === 'pending')
    blocks.push({
      type: 'actions',
      block_id: `customer:${draft.id}`,
      elements: [
        {
          type: 'button',
          action_id: ACTION.approveCustomer,
          text: plain('Approve', LIMITS.buttonText),
          value: draftValue(draft.id, draft.revision),
          style: 'primary',
        },
        {
          type: 'button',
          action_id: ACTION.editCustomer,
          text: plain('Edit', LIMITS.buttonText),
          value: draftValue(draft.id, draft.revision),
        },
        {
          type: 'button',
          action_id: ACTION.discardCustomer,
          text: plain('Discard', LIMITS.buttonText),
          value: draftValue(draft.id, draft.revision),
          style: 'danger',
        },
      ],
    });
  return fitMessage({ text: `Customer update for ${draft.incidentId} (${draft.status})`, blocks });
}
