import type { webApi } from '@slack/bolt';
import type { Logger } from '../core/logger.js';
import { clip, fitMessage, fitView, LIMITS, type Message, type ModalView } from './blocks.js';
import { MessageBody } from './payloads.js';
import type { SlackMessage } from './timeline.js';
import { RateLimitedError, type ChannelQueue } from './write-queue.js';

/** What to do about each error Slack answers with, in words for the person who asked. */
const HINTS: Record<string, string> = {
  channel_not_found:
    'The channel is gone or the app cannot see it: check that it still exists, or invite the app to it (/invite @app).',
  not_in_channel: 'The app is not in that channel: invite it with /invite @app, then try again.',
  is_archived: 'The channel is archived: unarchive it, or carry on in a new channel.',
  name_taken: 'A channel with that name exists already (maybe archived).',
  invalid_name_specials: 'The channel name has characters Slack does not allow.',
  restricted_action:
    'A workspace setting stops the app doing that (creating channels, posting): ask a workspace admin to allow it.',
  missing_scope:
    'The app lacks a permission it needs: update it with the manifest from `incident-commander slack manifest` and reinstall it.',
  invalid_auth: 'SLACK_BOT_TOKEN was refused: copy the Bot User OAuth Token again (OAuth & Permissions).',
  not_authed: 'No token reached Slack: set SLACK_BOT_TOKEN.',
  token_revoked: 'The bot token was revoked: reinstall the app and set the new SLACK_BOT_TOKEN.',
  account_inactive: 'The app was uninstalled or its user deactivated: reinstall it.',
  expired_trigger_id: 'That took too long to open (Slack allows 3 seconds): run the command again.',
  ratelimited: 'Slack is rate-limiting the app: it retried as asked and then gave up; try again in a minute.',
  msg_blocks_too_long: 'Slack refused the message as too long.',
  user_not_found: 'Slack does not know that user.',
  cant_invite_self: 'The app is in the channel already.',
};

/** A Web API call that failed, with Slack's error code and what to do about it. */
export class SlackCallError extends Error {
  constructor(
    readonly method: string,
    readonly code: string,
    readonly hint: string,
    readonly needed: string | null = null,
  ) {
    super(`Slack ${method} failed: ${code}${needed ? ` (needs the ${needed} scope)` : ''}`);
    this.name = 'SlackCallError';
  }
}

/** Slack's error code of a failed call: the platform's error string, or our own kind of failure. */
export function slackErrorCode(error: unknown): string {
  if (error instanceof SlackCallError || error instanceof RateLimitedError) return error.code;
  const e = error as { code?: unknown; data?: { error?: unknown } } | null;
  if (e?.code === 'slack_webapi_platform_error' && typeof e.data?.error === 'string') return e.data.error;
  if (e?.code === 'slack_webapi_rate_limited_error') return 'ratelimited';
  if (e?.code === 'slack_webapi_request_error') return 'request_failed';
  if (e?.code === 'slack_webapi_http_error') return 'http_error';
  return 'unknown_error';
}

function toCallError(method: string, error: unknown): SlackCallError {
  if (error instanceof SlackCallError) return error;
  const code = slackErrorCode(error);
  const needed = (error as { data?: { needed?: unknown } } | null)?.data?.needed;
  const hint =
    HINTS[code] ??
    (code === 'request_failed' || code === 'http_error'
      ? 'Slack could not be reached: check the network (or INCIDENT_COMMANDER_SLACK_API_URL).'
      : 'Slack refused the call.');
  return new SlackCallError(method, code, hint, typeof needed === 'string' ? needed : null);
}

export interface SlackUser {
  id: string;
  /** The handle (`@name`). */
  name: string;
  realName: string;
  displayName: string;
  isBot: boolean;
}

type Args = Record<string, unknown>;
type Result = Record<string, unknown>;

/** A Web API answer's fields, read as the unknowns they are. */
function fields(result: object): Result {
  return Object.fromEntries(Object.entries(result));
}

/**
 * The Web API calls this app makes. Writes to a channel go through its queue (ordered, spaced,
 * retried on rate limits); every failure is a SlackCallError with Slack's code and a hint.
 * Messages and views are fitted to Slack's limits before they leave.
 */
export class SlackWeb {
  constructor(
    private readonly client: webApi.WebClient,
    private readonly queue: ChannelQueue,
    private readonly logger: Logger,
  ) {}

  private async call(method: string, args: Args): Promise<Result> {
    try {
      return fields(await this.client.apiCall(method, args));
    } catch (error) {
      throw toCallError(method, error);
    }
  }

  /** A write to a channel: queued behind the channel's other writes, retried on rate limits. */
  private async write(channel: string, method: string, args: Args): Promise<Result> {
    try {
      return fields(await this.queue.run(channel, () => this.client.apiCall(method, args)));
    } catch (error) {
      throw toCallError(method, error);
    }
  }

  async authTest(): Promise<{ userId: string; botId: string | null; teamId: string | null; team: string | null }> {
    const r = await this.call('auth.test', {});
    return {
      userId: String(r['user_id'] ?? ''),
      botId: typeof r['bot_id'] === 'string' ? r['bot_id'] : null,
      teamId: typeof r['team_id'] === 'string' ? r['team_id'] : null,
      team: typeof r['team'] === 'string' ? r['team'] : null,
    };
  }

  /**
   * Posts a message; returns its ts. When Slack refuses the blocks (msg_blocks_too_long and its
   * kin, which bolt-js #2509 shows can happen below the documented totals), the same content goes
   * again as text. When the app is not in a public channel, it joins and tries once more.
   */
  async post(channel: string, message: Message, threadTs?: string): Promise<string> {
    const fitted = fitMessage(message);
    const args = { channel, text: fitted.text, blocks: fitted.blocks, ...(threadTs ? { thread_ts: threadTs } : {}) };
    try {
      return String((await this.write(channel, 'chat.postMessage', args))['ts']);
    } catch (error) {
      const code = slackErrorCode(error);
      if (code === 'not_in_channel') {
        await this.join(channel);
        return String((await this.write(channel, 'chat.postMessage', args))['ts']);
      }
      if (!isBlocksRefusal(code)) throw error;
      this.logger.warn({ channel, code }, 'Slack refused the blocks; sending the message as text');
      const text = { channel, text: asText(fitted), ...(threadTs ? { thread_ts: threadTs } : {}) };
      return String((await this.write(channel, 'chat.postMessage', text))['ts']);
    }
  }

  async update(channel: string, ts: string, message: Message): Promise<void> {
    const fitted = fitMessage(message);
    try {
      await this.write(channel, 'chat.update', { channel, ts, text: fitted.text, blocks: fitted.blocks });
    } catch (error) {
      if (!isBlocksRefusal(slackErrorCode(error))) throw error;
      await this.write(channel, 'chat.update', { channel, ts, text: asText(fitted), blocks: [] });
    }
  }

  /** A message only `user` sees. */
  async ephemeral(channel: string, user: string, message: Message, threadTs?: string): Promise<void> {
    const fitted = fitMessage(message);
    await this.write(channel, 'chat.postEphemeral', {
      channel,
      user,
      text: fitted.text,
      blocks: fitted.blocks,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    });
  }

  async createChannel(name: string): Promise<{ id: string; name: string }> {
    const r = await this.call('conversations.create', { name, is_private: false });
    const channel = r['channel'] as { id?: unknown; name?: unknown } | undefined;
    return { id: String(channel?.id ?? ''), name: String(channel?.name ?? name) };
  }

  async setTopic(channel: string, topic: string): Promise<void> {
    await this.write(channel, 'conversations.setTopic', { channel, topic: clip(topic, LIMITS.topic) });
  }

  /** Invites people; someone already there is not an error. */
  async invite(channel: string, users: readonly string[]): Promise<void> {
    if (!users.length) return;
    try {
      await this.write(channel, 'conversations.invite', { channel, users: users.join(',') });
    } catch (error) {
      const code = slackErrorCode(error);
      if (code !== 'already_in_channel' && code !== 'cant_invite_self') throw error;
    }
  }

  async join(channel: string): Promise<void> {
    await this.call('conversations.join', { channel });
  }

  /** Pins a message; one already pinned is not an error. */
  async pin(channel: string, ts: string): Promise<void> {
    try {
      await this.write(channel, 'pins.add', { channel, timestamp: ts });
    } catch (error) {
      if (slackErrorCode(error) !== 'already_pinned') throw error;
    }
  }

  /** Adds a reaction; one already there is not an error. */
  async react(channel: string, ts: string, name: string): Promise<void> {
    try {
      await this.write(channel, 'reactions.add', { channel, timestamp: ts, name });
    } catch (error) {
      if (slackErrorCode(error) !== 'already_reacted') throw error;
    }
  }

  /** A link to a message, or null when Slack will not give one (the message is gone). */
  async permalink(channel: string, ts: string): Promise<string | null> {
    try {
      const r = await this.call('chat.getPermalink', { channel, message_ts: ts });
      return typeof r['permalink'] === 'string' ? r['permalink'] : null;
    } catch (error) {
      this.logger.warn({ channel, ts, code: slackErrorCode(error) }, 'no permalink for a message');
      return null;
    }
  }

  /** One message by its ts, in the channel or in a thread; null when Slack no longer has it. */
  async message(channel: string, ts: string): Promise<SlackMessage | null> {
    const find = (r: Result): SlackMessage | null => {
      const list = Array.isArray(r['messages']) ? (r['messages'] as unknown[]) : [];
      for (const item of list) {
        const parsed = MessageBody.safeParse(item);
        if (parsed.success && parsed.data.ts === ts)
          return {
            ts,
            user: parsed.data.user ?? null,
            text: parsed.data.text,
            files: (parsed.data.files ?? []).map((f) => f.name ?? f.title ?? 'file'),
          };
      }
      return null;
    };
    const history = await this.call('conversations.history', {
      channel,
      latest: ts,
      oldest: ts,
      inclusive: true,
      limit: 1,
    });
    return find(history) ?? find(await this.call('conversations.replies', { channel, ts, limit: 50 }));
  }

  /** Opens a modal; the trigger id must be fresh (Slack gives 3 seconds), so this is never queued. */
  async openView(triggerId: string, view: ModalView): Promise<void> {
    await this.call('views.open', { trigger_id: triggerId, view: fitView(view) });
  }

  async user(id: string): Promise<SlackUser> {
    const r = await this.call('users.info', { user: id });
    const u = (r['user'] ?? {}) as {
      id?: unknown;
      name?: unknown;
      real_name?: unknown;
      is_bot?: unknown;
      profile?: { display_name?: unknown; real_name?: unknown };
    };
    const text = (v: unknown): string => (typeof v === 'string' ? v : '');
    return {
      id: text(u.id) || id,
      name: text(u.name),
      realName: text(u.real_name) || text(u.profile?.real_name),
      displayName: text(u.profile?.display_name),
      isBot: u.is_bot === true,
    };
  }
}

function isBlocksRefusal(code: string): boolean {
  return code === 'msg_blocks_too_long' || code === 'invalid_blocks' || code === 'msg_too_long';
}

/** Every text of a message's blocks, as one text: what a text-only fallback carries. */
function asText(message: Message): string {
  const parts: string[] = [];
  for (const b of message.blocks) {
    if (b.type === 'header') parts.push(`*${b.text.text}*`);
    if (b.type === 'section') {
      if (b.text) parts.push(b.text.text);
      for (const f of b.fields ?? []) parts.push(f.text);
    }
    if (b.type === 'context') parts.push(b.elements.map((e) => e.text).join(' · '));
  }
  return clip(parts.join('\n\n') || message.text, LIMITS.messageText);
}
