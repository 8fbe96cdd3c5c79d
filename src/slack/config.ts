import { z } from 'zod';
import { InputError } from '../core/errors.js';
import { registerSecret } from '../core/logger.js';
import { DEFAULT_COMMAND, DEFAULT_REACTION, SLACK_API_URL, type SlackMode } from './options.js';

export * from './options.js';

const TOKEN_HINT = {
  SLACK_BOT_TOKEN:
    'Set SLACK_BOT_TOKEN to the Bot User OAuth Token (xoxb-…): api.slack.com/apps → your app → OAuth & Permissions.',
  SLACK_APP_TOKEN:
    'Set SLACK_APP_TOKEN to an app-level token (xapp-…) with the connections:write scope: api.slack.com/apps → your app → Basic Information → App-Level Tokens. Or serve the Events API with --http.',
  SLACK_SIGNING_SECRET:
    'Set SLACK_SIGNING_SECRET to the Signing Secret: api.slack.com/apps → your app → Basic Information → App Credentials.',
} as const;

/** A secret is described by its first characters only: enough to see which kind was pasted. */
function shape(value: string): string {
  return value.length > 5 ? `"${value.slice(0, 5)}…" (${value.length} characters)` : `${value.length} characters`;
}

function token(prefix: string) {
  return z
    .string({ error: 'is not set' })
    .trim()
    .refine((v) => v.length > 0, 'is empty')
    .refine((v) => v.startsWith(prefix), { error: (i) => `must start with ${prefix}; got ${shape(String(i.input))}` })
    .refine((v) => /^[A-Za-z0-9-]{12,400}$/.test(v), {
      error: (i) => `is not a Slack token (letters, digits and dashes after ${prefix}); got ${shape(String(i.input))}`,
    });
}

const signingSecret = z
  .string({ error: 'is not set' })
  .trim()
  .refine((v) => /^[0-9a-f]{16,128}$/i.test(v), {
    error: (i) => `must be the hexadecimal Signing Secret; got ${shape(String(i.input))}`,
  });

const SlackEnv = z.object({
  SLACK_BOT_TOKEN: token('xoxb-'),
  SLACK_APP_TOKEN: token('xapp-').optional(),
  SLACK_SIGNING_SECRET: signingSecret.optional(),
  INCIDENT_COMMANDER_SLACK_API_URL: z
    .string()
    .url('must be a URL such as https://slack.com/api/')
    .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL')
    .optional(),
});

export interface SlackCredentials {
  botToken: string;
  /** Socket Mode only. */
  appToken: string | null;
  /** Events API (--http) only. */
  signingSecret: string | null;
  apiUrl: string;
}

/**
 * Reads and checks the Slack tokens the mode needs, at the edge: a missing or malformed token is an
 * InputError naming the variable and where to find the right value. The values are registered as
 * secrets, so no log line can carry them.
 */
export function slackCredentials(env: NodeJS.ProcessEnv, mode: SlackMode): SlackCredentials {
  const present = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k in SlackEnv.shape && v !== undefined && v !== ''),
  );
  const schema =
    mode === 'socket'
      ? SlackEnv.extend({ SLACK_APP_TOKEN: token('xapp-') })
      : SlackEnv.extend({ SLACK_SIGNING_SECRET: signingSecret });
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ field: String(i.path[0]), problem: i.message }));
    const hints = [
      ...new Set(
        issues.map(
          (i) => TOKEN_HINT[i.field as keyof typeof TOKEN_HINT] ?? 'Fix the environment variable named above.',
        ),
      ),
    ];
    throw new InputError(issues, hints.join('\n'));
  }
  const e = parsed.data;
  for (const secret of [e.SLACK_BOT_TOKEN, e.SLACK_APP_TOKEN, e.SLACK_SIGNING_SECRET]) registerSecret(secret);
  const apiUrl = e.INCIDENT_COMMANDER_SLACK_API_URL ?? SLACK_API_URL;
  return {
    botToken: e.SLACK_BOT_TOKEN,
    appToken: e.SLACK_APP_TOKEN ?? null,
    signingSecret: e.SLACK_SIGNING_SECRET ?? null,
    apiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`,
  };
}

/** What the operator chooses about the app's behaviour in Slack (flags). */
export interface SlackSettings {
  command: string;
  /** The reaction that puts a message on the timeline. */
  reaction: string;
  /** Channels that also get each audience's updates (engineering and executive; customer text goes through approval). */
  stakeholderChannels: { engineering: readonly string[]; executive: readonly string[] };
  /** How often every watched incident's version is read, as a safety net beside the store's change feed, in ms. */
  pollMs: number;
  /** How often reminders are checked, in ms. */
  tickMs: number;
  /** Least time between two writes to one channel, in ms (Slack allows about one message per second). */
  channelSpacingMs: number;
  /** Give incidents declared elsewhere (CLI, MCP, an integration) a channel too. */
  adoptIncidents: boolean;
}

export const DEFAULT_SETTINGS: SlackSettings = {
  command: DEFAULT_COMMAND,
  reaction: DEFAULT_REACTION,
  stakeholderChannels: { engineering: [], executive: [] },
  pollMs: 30_000,
  tickMs: 30_000,
  channelSpacingMs: 1000,
  adoptIncidents: true,
};
