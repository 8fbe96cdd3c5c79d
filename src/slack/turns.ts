import type { TurnOutput } from '../agent/loop.js';
import { ModelRequestError } from '../agent/types.js';
import { isCommanderError } from '../core/errors.js';
import { clip } from './blocks.js';
import { syncCards } from './cards.js';
import { ensureChannel } from './channel.js';
import type { SlackDeps } from './deps.js';
import type { Person } from './people.js';
import { renderNotice, renderOwn, renderReply } from './render/reply.js';
import { messageText, type SlackMessage } from './timeline.js';
import { SlackCallError } from './web.js';

/** The most a message can carry into a turn (the CLI's `ask` takes the same). */
export const TURN_TEXT_MAX = 20_000;

/** A message someone wrote where the commander listens. */
export interface Heard {
  channel: string;
  /** "channel", "group", "im", "mpim". */
  channelType: string;
  message: SlackMessage & { user: string };
  /** The thread it was written in, if any. */
  threadTs: string | null;
  /** It @mentions the app. */
  mention: boolean;
}

/** Collects what a turn says besides its reply: a fallback to the playbook, a budget stop. */
export function quietOutput(notices: string[]): TurnOutput {
  return { onText: () => undefined, onNotice: (m) => notices.push(m) };
}

/**
 * A message in an incident channel (or an @mention, or a direct message) is one turn of the
 * conversation service, with the Slack user as the actor; the reply goes in the thread, or under
 * the message. Messages to one incident queue (the conversation's queue), and each message is a
 * turn once however many instances hear it.
 */
export async function hearMessage(deps: SlackDeps, heard: Heard): Promise<void> {
  const { channel, message } = heard;
  const incidentId = await deps.refs.incidentOf(channel);
  const direct = heard.channelType === 'im';
  if (!incidentId && !heard.mention && !direct) return;
  if (
    !(await deps.runtime.store.claim('slack-turn', `${channel}:${message.ts}`, deps.runtime.clock.now().toISOString()))
  )
    return;
  const person = await deps.people.get(message.user);
  if (person.isBot) return;
  const withoutBot = {
    ...message,
    text: message.text.replace(new RegExp(`<@${deps.bot.userId}(?:\\|[^>]*)?>`, 'g'), '').trim(),
  };
  const text = clip(await messageText(deps, withoutBot), TURN_TEXT_MAX);
  if (!text || text === '(no text)') return;

  // In a thread, answer there; a plain message in an incident channel gets its answer under it.
  const replyIn = heard.threadTs ?? (incidentId && !heard.mention ? message.ts : undefined);
  await converse(deps, {
    channel,
    incidentId,
    conversationChannel: heard.threadTs ? `${channel}:${heard.threadTs}` : channel,
    text,
    person,
    replyIn,
    announceIn: heard.threadTs ?? message.ts,
  });
}

export interface Turn {
  /** Where the answer is posted. */
  channel: string;
  /** The incident the channel belongs to; null elsewhere (a DM, an @mention in another channel). */
  incidentId: string | null;
  /** The conversation key outside incident channels (the channel, or a thread of it). */
  conversationChannel: string;
  text: string;
  person: Person;
  replyIn: string | undefined;
  /** Where to say that an incident was opened, when the turn opened one outside its channel. */
  announceIn: string | undefined;
}

/**
 * One turn with the commander and its answer in Slack. In an incident channel the conversation
 * is the incident's (the same one `ask --incident` resumes); elsewhere it is the channel's. A turn
 * that opens an incident gives it its channel and answers there.
 */
export async function converse(deps: SlackDeps, turn: Turn): Promise<void> {
  const { channel, incidentId, person } = turn;
  const notices: string[] = [];
  try {
    const conversation = await deps.conversations.open(
      incidentId ? { kind: 'incident', incidentId } : { kind: 'channel', channel: turn.conversationChannel },
    );
    const result = await conversation.send({ text: turn.text, actor: person.name }, quietOutput(notices));
    const opened = !incidentId ? conversation.incidentId : null;
    if (opened) {
      const incidentChannel = await ensureChannel(
        deps,
        opened,
        person.id.startsWith('U') || person.id.startsWith('W') ? [person.id] : [],
      );
      await deps.web.post(incidentChannel.channel, renderReply(result.reply, notices));
      await syncCards(deps, opened);
      await deps.web.post(
        channel,
        renderOwn(`${opened} is declared. The response runs in its channel: <#${incidentChannel.channel}>.`),
        turn.announceIn,
      );
      return;
    }
    if (result.reply.trim() || notices.length)
      await deps.web.post(channel, renderReply(result.reply, notices), turn.replyIn);
  } catch (error) {
    await deps.web.post(channel, failure(error, deps), turn.replyIn).catch(() => undefined);
    if (!isCommanderError(error) && !(error instanceof SlackCallError) && !(error instanceof ModelRequestError))
      throw error;
  }
}

/** What the person is told when their request failed: the reason and what to do. */
export function failure(error: unknown, deps: SlackDeps): ReturnType<typeof renderNotice> {
  if (error instanceof SlackCallError)
    return renderNotice(
      `:warning: ${error.message}`,
      `${error.hint} What the commander recorded before this stays on the record (${deps.settings.command} status shows it).`,
    );
  if (isCommanderError(error) || error instanceof ModelRequestError)
    return renderNotice(`:warning: ${error.message}`, error.hint);
  deps.logger.error({ err: error }, 'Slack request failed');
  return renderNotice(
    ':warning: Something went wrong on our side; it is in the logs. The incident record is unchanged unless a step above says otherwise.',
  );
}
