import type { z } from 'zod';

type Zod = typeof z;

/**
 * The Slack app's option shapes and defaults, apart from config.ts so the CLI's flag specs can
 * name them without loading anything else (zod is handed in, as the specs hand it to every flag).
 */

/** Slack's own Web API, unless INCIDENT_COMMANDER_SLACK_API_URL points elsewhere (a proxy, a test fake). */
export const SLACK_API_URL = 'https://slack.com/api/';
export const DEFAULT_COMMAND = '/ic';
export const DEFAULT_REACTION = 'pushpin';
/** The message shortcut that puts a message on the timeline. */
export const TIMELINE_SHORTCUT = 'add_to_timeline';

/** How the app hears from Slack: a Socket Mode connection it opens, or Events API requests it serves. */
export type SlackMode = 'socket' | 'http';

/** A slash command name as Slack accepts it: a slash, then lowercase letters, digits, - or _. */
export const commandSchema = (z: Zod) =>
  z
    .string()
    .regex(
      /^\/[a-z0-9_-]{1,31}$/,
      'must be a slash command such as /ic: a "/" and up to 31 lowercase letters, digits, - or _',
    );

/** An emoji name as Slack reports it in reaction events (no colons). */
export const reactionSchema = (z: Zod) =>
  z
    .string()
    .transform((s) => s.replace(/^:|:$/g, ''))
    .pipe(z.string().regex(/^[a-z0-9_+'-]{1,100}$/, 'must be an emoji name such as pushpin (colons optional)'));

/** A channel id (C…, G…): where stakeholder updates also go. */
export const channelIdSchema = (z: Zod) =>
  z.string().regex(/^[CG][A-Z0-9]{2,20}$/, 'must be a channel id such as C0123ABCD');
