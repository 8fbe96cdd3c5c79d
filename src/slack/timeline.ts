import { formatClock } from '../core/time.js';
import { recordEvent } from '../incident/record.js';
import { clip } from './blocks.js';
import type { SlackDeps } from './deps.js';
import { mentionedUsers, slackToPlain } from './mrkdwn.js';

/** The longest message text put on the timeline; a huge paste is cut, with a link to the rest. */
export const CAPTURE_MAX = 4000;
/** The reaction the app adds to a message it put on the timeline, so people see it was taken. */
export const CAPTURED_REACTION = 'memo';
/** A capture still unfinished after this long failed (the process stopped, Slack was down): it may be tried again. */
const STALE_CAPTURE_MS = 60_000;

/** A Slack message as the timeline needs it. */
export interface SlackMessage {
  ts: string;
  user: string | null;
  text: string;
  files: readonly string[];
}

export type CaptureVia = 'pin' | 'reaction' | 'shortcut';

export type CaptureOutcome =
  | { kind: 'captured'; incidentId: string; seq: number }
  | { kind: 'already'; incidentId: string }
  | { kind: 'not_incident_channel' };

/** A message's ts as the ISO time it was sent. */
export function tsToIso(ts: string): string {
  const seconds = Number(ts);
  return Number.isFinite(seconds) ? new Date(Math.floor(seconds * 1000)).toISOString() : new Date(0).toISOString();
}

/** A Slack message's words for the timeline: mentions named, files listed, bounded. */
export async function messageText(deps: SlackDeps, message: SlackMessage): Promise<string> {
  const names = await deps.people.names(mentionedUsers(message.text));
  const text = slackToPlain(message.text, { user: (id) => names.get(id) });
  const files = message.files.length ? ` [attached: ${message.files.slice(0, 10).join(', ')}]` : '';
  return clip(`${text.trim()}${files}`.trim() || '(no text)', CAPTURE_MAX);
}

/**
 * Puts a message of an incident channel on the timeline, once: at the time it was sent, by the
 * person who sent it, with its permalink, whoever captured it and however (a pin, the reaction,
 * the shortcut), and whichever instance heard about it first.
 */
export async function captureMessage(
  deps: SlackDeps,
  channel: string,
  message: SlackMessage,
  via: CaptureVia,
  capturedBy: string,
): Promise<CaptureOutcome> {
  const incidentId = await deps.refs.incidentOf(channel);
  if (!incidentId) return { kind: 'not_incident_channel' };
  const now = deps.runtime.clock.now();
  const before = await deps.refs.captured(channel, message.ts);
  const stale = before?.seq === -1 && Date.parse(before.pendingSince ?? '') < now.getTime() - STALE_CAPTURE_MS;
  if (before && !stale) return { kind: 'already', incidentId };
  const author = message.user ? (await deps.people.get(message.user)).name : 'unknown';
  const pending = {
    channel,
    ts: message.ts,
    seq: -1,
    pendingSince: now.toISOString(),
    permalink: null,
    author,
    deleted: false,
  };
  const claimed = await deps.refs.capture(incidentId, pending);
  // Another instance (or a second pin of the same message) took it first.
  if (!claimed && !stale) return { kind: 'already', incidentId };
  if (stale) await deps.refs.saveCaptured(pending);
  const capturer = (await deps.people.get(capturedBy)).name;
  const permalink = await deps.web.permalink(channel, message.ts);
  const { event } = await recordEvent(deps.runtime.context(capturer), {
    incidentId,
    kind: 'note',
    text: await messageText(deps, message),
    at: tsToIso(message.ts),
    author,
    source: { system: 'slack', ref: `${channel}:${message.ts}`, url: permalink, via, capturedBy: capturer },
  });
  await deps.refs.saveCaptured({ ...pending, seq: event.seq, pendingSince: null, permalink });
  await deps.web.react(channel, message.ts, CAPTURED_REACTION).catch((error: unknown) => {
    deps.logger.warn({ err: (error as Error).message }, 'could not mark the captured message');
  });
  return { kind: 'captured', incidentId, seq: event.seq };
}

/** A captured message was edited in Slack: the new words go on the timeline beside the old ones. */
export async function followEdit(
  deps: SlackDeps,
  channel: string,
  message: SlackMessage,
  editor: string | null,
): Promise<boolean> {
  const captured = await deps.refs.captured(channel, message.ts);
  const incidentId = await deps.refs.incidentOf(channel);
  if (!captured || captured.seq < 0 || captured.deleted || !incidentId) return false;
  const by = editor ? (await deps.people.get(editor)).name : captured.author;
  await recordEvent(deps.runtime.context(by), {
    incidentId,
    kind: 'note',
    text: clip(`Edited in Slack (timeline entry #${captured.seq}): ${await messageText(deps, message)}`, CAPTURE_MAX),
    author: by,
    source: {
      system: 'slack',
      ref: `${channel}:${message.ts}`,
      url: captured.permalink,
      via: 'edit',
      capturedBy: null,
    },
  });
  return true;
}

/** A captured message was deleted in Slack: the timeline keeps the entry and says it was deleted. */
export async function followDeletion(deps: SlackDeps, channel: string, ts: string): Promise<boolean> {
  const captured = await deps.refs.captured(channel, ts);
  const incidentId = await deps.refs.incidentOf(channel);
  if (!captured || captured.seq < 0 || captured.deleted || !incidentId) return false;
  const now = deps.runtime.clock.now();
  await recordEvent(deps.runtime.context('slack'), {
    incidentId,
    kind: 'note',
    text: `Deleted in Slack: the message ${captured.author} posted at ${formatClock(tsToIso(ts), now)} (timeline entry #${captured.seq}) was deleted there; the entry stays on the record.`,
    author: captured.author,
    source: { system: 'slack', ref: `${channel}:${ts}`, url: null, via: 'delete', capturedBy: null },
  });
  await deps.refs.saveCaptured({ ...captured, deleted: true });
  return true;
}
