import { createHash } from 'node:crypto';
import { viewFor } from './channel.js';
import type { Message } from './blocks.js';
import type { SlackDeps } from './deps.js';
import type { IncidentChannel } from './refs.js';
import { renderHeadline, topicOf } from './render/headline.js';
import { slackErrorCode } from './web.js';

/**
 * Keeps each incident's pinned headline and channel topic in step with its state. Called when the
 * store says the incident changed (any process's write) and on the reminder tick (times move on
 * with no write). An edit is made once per state across instances: the first to claim it edits.
 */
export class HeadlineSync {
  /** What each headline shows now, as this instance last rendered it. */
  private readonly shown = new Map<string, string>();

  constructor(private readonly deps: SlackDeps) {}

  async refresh(incidentId: string): Promise<void> {
    const { deps } = this;
    const channel = await deps.refs.channelOf(incidentId);
    if (!channel) return;
    const view = await viewFor(deps, incidentId);
    const now = deps.runtime.clock.now();
    const message = renderHeadline(view, now);
    const hash = createHash('sha256').update(JSON.stringify(message)).digest('hex').slice(0, 16);
    const topic = topicOf(view, now);
    if (this.shown.get(incidentId) === hash && channel.topic === topic && channel.headlineTs) return;
    this.shown.set(incidentId, hash);
    const mine = await deps.runtime.store.claim(
      'slack-headline',
      `${incidentId}:${view.incident.version}:${hash}`,
      now.toISOString(),
    );
    if (!mine) return;
    try {
      await this.apply(channel, message, topic);
    } catch (error) {
      // Not shown after all: the next refresh tries again, here or on another instance.
      this.shown.delete(incidentId);
      await deps.runtime.store.releaseClaim('slack-headline', `${incidentId}:${view.incident.version}:${hash}`);
      throw error;
    }
  }

  private async apply(channel: IncidentChannel, message: Message, topic: string): Promise<void> {
    const { deps } = this;
    let headlineTs = channel.headlineTs;
    try {
      if (headlineTs) await deps.web.update(channel.channel, headlineTs, message);
    } catch (error) {
      // The headline was deleted: post a new one in its place.
      if (slackErrorCode(error) !== 'message_not_found') throw error;
      headlineTs = null;
    }
    if (!headlineTs) {
      headlineTs = await deps.web.post(channel.channel, message);
      await deps.web.pin(channel.channel, headlineTs);
    }
    if (topic !== channel.topic) await deps.web.setTopic(channel.channel, topic);
    if (headlineTs !== channel.headlineTs || topic !== channel.topic)
      await deps.refs.saveChannel({ ...channel, headlineTs, topic });
  }
}
