import type { App } from '@slack/bolt';
import type { z } from 'zod';
import { TIMELINE_SHORTCUT } from '../config.js';
import type { SlackDeps } from '../deps.js';
import {
  AppMentionEvent,
  type MessageBody,
  MessageEvent,
  MessageShortcutPayload,
  PinAddedEvent,
  ReactionAddedEvent,
} from '../payloads.js';
import { renderNotice } from '../render/reply.js';
import { captureMessage, followDeletion, followEdit, type SlackMessage } from '../timeline.js';
import { hearMessage } from '../turns.js';
import { afterAck, type BoltRespond, viaResponseUrl } from './respond.js';

/** Message subtypes that are a person writing (anything else is Slack saying something happened). */
const WRITTEN = new Set([undefined, 'file_share', 'thread_broadcast', 'me_message']);

function asMessage(m: z.output<typeof MessageBody>): SlackMessage {
  return {
    ts: m.ts,
    user: m.user ?? null,
    text: m.text,
    files: (m.files ?? []).map((f) => f.name ?? f.title ?? 'file'),
  };
}

/**
 * Events (acknowledged by Bolt on arrival, de-duplicated by event_id before they get here):
 * messages and mentions are turns, pins and the timeline reaction capture messages, edits and
 * deletions of captured messages are followed.
 */
export function registerEvents(app: App, deps: SlackDeps): void {
  /** Bolt has acknowledged the event already; the work is tracked so shutdown (and tests) can wait for it. */
  const work = (name: string, job: () => Promise<unknown>): void => deps.tasks.run(name, job);
  const readable = <S extends z.ZodType>(schema: S, event: unknown, what: string): z.output<S> | null => {
    const parsed = schema.safeParse(event);
    if (parsed.success) return parsed.data;
    deps.logger.warn({ what, issues: parsed.error.issues.slice(0, 3).map((i) => i.message) }, 'unreadable Slack event');
    return null;
  };

  app.event('message', async ({ event }) => {
    const e = readable(MessageEvent, event, 'message');
    if (!e) return;
    if (e.subtype === 'message_changed' && e.message) {
      // A reply in its thread or an unfurl changes a message too; only new words are an edit.
      if (e.previous_message && e.previous_message.text === e.message.text) return;
      const changed = e.message;
      work('edit', () => followEdit(deps, e.channel, asMessage(changed), changed.edited?.user ?? changed.user ?? null));
      return;
    }
    if (e.subtype === 'message_deleted' && e.deleted_ts) {
      const deleted = e.deleted_ts;
      work('deletion', () => followDeletion(deps, e.channel, deleted));
      return;
    }
    if (!WRITTEN.has(e.subtype) || !e.user || e.bot_id || e.user === deps.bot.userId) return;
    const user = e.user;
    work('message', () =>
      hearMessage(deps, {
        channel: e.channel,
        channelType: e.channel_type ?? 'channel',
        message: { ...asMessage(e), user },
        threadTs: e.thread_ts && e.thread_ts !== e.ts ? e.thread_ts : null,
        mention: e.text.includes(`<@${deps.bot.userId}`),
      }),
    );
  });

  app.event('app_mention', async ({ event }) => {
    const e = readable(AppMentionEvent, event, 'app_mention');
    if (!e?.user || e.bot_id || e.user === deps.bot.userId) return;
    const user = e.user;
    work('mention', () =>
      hearMessage(deps, {
        channel: e.channel,
        channelType: 'channel',
        message: { ...asMessage(e), user },
        threadTs: e.thread_ts && e.thread_ts !== e.ts ? e.thread_ts : null,
        mention: true,
      }),
    );
  });

  app.event('pin_added', async ({ event }) => {
    const e = readable(PinAddedEvent, event, 'pin_added');
    if (e?.item.type !== 'message' || !e.item.message) return;
    // The app pins its own headline: that is not a message for the timeline.
    if (e.user === deps.bot.userId || e.item.message.bot_id) return;
    const pinned = e.item.message;
    work('pin', () => captureMessage(deps, e.channel_id, asMessage(pinned), 'pin', e.user));
  });

  app.event('reaction_added', async ({ event }) => {
    const e = readable(ReactionAddedEvent, event, 'reaction_added');
    if (!e || e.reaction !== deps.settings.reaction || e.item.type !== 'message' || !e.item.channel || !e.item.ts)
      return;
    if (!(await deps.refs.incidentOf(e.item.channel))) return;
    const message = await deps.web.message(e.item.channel, e.item.ts);
    if (!message) return;
    await captureMessage(deps, e.item.channel, message, 'reaction', e.user);
  });

  app.shortcut(TIMELINE_SHORTCUT, async ({ ack, body, respond }) => {
    await ack();
    const s = readable(MessageShortcutPayload, body, 'message shortcut');
    if (!s) return;
    const reply = viaResponseUrl(respond as BoltRespond | undefined, async (m) =>
      deps.web.ephemeral(s.channel.id, s.user.id, m),
    );
    afterAck(deps, 'timeline shortcut', reply, async () => {
      const outcome = await captureMessage(deps, s.channel.id, asMessage(s.message), 'shortcut', s.user.id);
      await reply(
        outcome.kind === 'captured'
          ? renderNotice(`On ${outcome.incidentId}'s timeline (entry #${outcome.seq}), at the time it was sent.`)
          : outcome.kind === 'already'
            ? renderNotice(`That message is on ${outcome.incidentId}'s timeline already.`)
            : renderNotice('This is not an incident channel: only messages in an incident channel go on a timeline.'),
      );
    });
  });
}
