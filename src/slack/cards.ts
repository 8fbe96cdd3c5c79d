import { createHash } from 'node:crypto';
import type { SlackDeps } from './deps.js';
import { renderCustomerCard } from './render/customer-card.js';

/** Drafts looked at per incident: the newest ones (an incident has a handful). */
const DRAFTS = 20;

const hashOf = (value: unknown): string =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

/**
 * Every customer draft waiting for a person gets its approval card in the incident's channel,
 * whoever drafted it (the commander in a turn, the button, the CLI, an MCP client), once across
 * instances; a card already posted follows its draft (edited, approved, discarded or superseded,
 * here or through the CLI or the web page).
 */
export async function syncCards(deps: SlackDeps, incidentId: string): Promise<void> {
  const channel = await deps.refs.channelOf(incidentId);
  if (!channel) return;
  const now = deps.runtime.clock.now();
  for (const stored of await deps.runtime.store.listDrafts({ incidentId, limit: DRAFTS })) {
    const card = await deps.refs.card(stored.id);
    if (!card && stored.state !== 'pending') continue;
    const draft = await deps.approvals.get(stored.id);
    if (!draft) continue;
    const message = renderCustomerCard(draft, now);
    const shown = hashOf({
      state: stored.state,
      revision: stored.revision,
      review: stored.review,
      published: stored.published,
    });
    if (card) {
      if (card.shown === shown) continue;
      await deps.web.update(card.channel, card.ts, message);
      await deps.refs.saveCard(incidentId, stored.id, { ...card, shown });
      continue;
    }
    if (!(await deps.runtime.store.claim('slack-card', stored.id, now.toISOString()))) continue;
    try {
      const ts = await deps.web.post(channel.channel, message);
      await deps.refs.saveCard(incidentId, stored.id, { channel: channel.channel, ts, shown });
    } catch (error) {
      await deps.runtime.store.releaseClaim('slack-card', stored.id);
      throw error;
    }
  }
}
