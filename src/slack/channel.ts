import { randomUUID } from 'node:crypto';
import { incidentView, type IncidentView } from '../incident/view.js';
import type { SlackDeps } from './deps.js';
import { channelNames } from './names.js';
import type { IncidentChannel } from './refs.js';
import { renderHeadline, topicOf } from './render/headline.js';
import { SlackCallError, slackErrorCode } from './web.js';

/** The headline and topic need the incident's state, not its timeline. */
const VIEW_TIMELINE = 1;
/** How long an instance waits for another that is already creating an incident's channel. */
const WAIT_FOR_PEER_MS = 10_000;

export function viewFor(deps: SlackDeps, incidentId: string): Promise<IncidentView> {
  return incidentView(deps.runtime.context('slack'), incidentId, { timelineLimit: VIEW_TIMELINE });
}

/**
 * The incident's channel, created if it has none: `inc-<n>-<slug>` (the next name when one is
 * taken), the given people invited, the topic set (SEV, status, IC, next update), and the headline
 * posted and pinned. Several instances asking at once create one channel: the first to claim it
 * creates it, the others wait for it.
 */
export async function ensureChannel(
  deps: SlackDeps,
  incidentId: string,
  invite: readonly string[],
): Promise<IncidentChannel> {
  const existing = await deps.refs.channelOf(incidentId);
  if (existing) {
    await deps.web.invite(existing.channel, invite).catch(() => undefined);
    return existing;
  }
  const now = deps.runtime.clock.now();
  if (!(await deps.runtime.store.claim('slack-channel', incidentId, now.toISOString())))
    return waitForPeer(deps, incidentId);

  try {
    return await createChannel(deps, incidentId, invite, now);
  } catch (error) {
    // Give the claim back, so a later attempt (here or on another instance) can try again.
    await deps.runtime.store.releaseClaim('slack-channel', incidentId);
    throw error;
  }
}

async function createChannel(
  deps: SlackDeps,
  incidentId: string,
  invite: readonly string[],
  now: Date,
): Promise<IncidentChannel> {
  const view = await viewFor(deps, incidentId);
  let created: { id: string; name: string } | null = null;
  for (const name of channelNames(incidentId, view.incident.title, () => randomUUID())) {
    try {
      created = await deps.web.createChannel(name);
      break;
    } catch (error) {
      if (slackErrorCode(error) !== 'name_taken') throw error;
      deps.logger.info({ incident: incidentId, name }, 'channel name taken; trying the next one');
    }
  }
  if (!created)
    throw new SlackCallError(
      'conversations.create',
      'name_taken',
      `Every channel name tried for ${incidentId} is taken: rename or archive old inc- channels, or create one and invite the app.`,
    );
  const bound = await deps.refs.bindChannel(incidentId, created.id, created.name);
  await deps.web.invite(bound.channel, invite);
  const topic = topicOf(view, now);
  await deps.web.setTopic(bound.channel, topic);
  const headlineTs = await deps.web.post(bound.channel, renderHeadline(view, now));
  await deps.web.pin(bound.channel, headlineTs);
  const ready = { ...bound, headlineTs, topic };
  await deps.refs.saveChannel(ready);
  deps.logger.info({ incident: incidentId, channel: ready.channel, name: ready.name }, 'incident channel ready');
  return ready;
}

async function waitForPeer(deps: SlackDeps, incidentId: string): Promise<IncidentChannel> {
  const deadline = Date.now() + WAIT_FOR_PEER_MS;
  while (Date.now() < deadline) {
    const channel = await deps.refs.channelOf(incidentId);
    if (channel?.headlineTs) return channel;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new SlackCallError(
    'conversations.create',
    'channel_pending',
    `Another instance started creating the channel for ${incidentId} and has not finished; look for #inc-${incidentId.replace(/^INC-/, '')}-… or try again.`,
  );
}
