import type { webApi } from '@slack/bolt';
import { SUBCOMMANDS } from './commands.js';
import { DEFAULT_COMMAND, TIMELINE_SHORTCUT } from './config.js';

/** What the app asks Slack for, each for a reason the app has. */
export const BOT_SCOPES = [
  'app_mentions:read', // @mentions are turns
  'channels:history', // messages in incident channels are turns; edits and deletions of captured messages
  'groups:history', // the same in private channels
  'im:history', // direct messages to the commander
  'chat:write', // replies, the headline, reminders, updates
  'chat:write.public', // stakeholder channels the app was not invited to
  'channels:manage', // create the incident channel, set its topic, invite people
  'channels:join', // join an incident channel it was removed from
  'channels:read', // channel names for links
  'commands', // the slash command and the message shortcut
  'pins:read', // pinned messages go on the timeline
  'pins:write', // the headline is pinned
  'reactions:read', // the timeline reaction
  'reactions:write', // a captured message is marked
  'users:read', // people's names
] as const;

export const BOT_EVENTS = [
  'app_mention',
  'message.channels',
  'message.groups',
  'message.im',
  'pin_added',
  'reaction_added',
] as const;

/** The manifest as Slack's Web API client types it (apps.manifest.create takes the same object). */
export type SlackManifest = webApi.AppsManifestCreateArguments['manifest'];

export interface ManifestOptions {
  command?: string;
  name?: string;
  /** The Events API URL (--http); Socket Mode when absent. */
  requestUrl?: string | undefined;
}

/**
 * The app manifest to paste into api.slack.com ("Create New App → From an app manifest"): the bot,
 * its scopes and events, the slash command, the message shortcut and interactivity. Socket Mode by
 * default; with a request URL, the Events API, slash command and interactivity all post there.
 */
export function slackManifest(options: ManifestOptions = {}): SlackManifest {
  const command = options.command ?? DEFAULT_COMMAND;
  const name = options.name ?? 'Incident Commander';
  const url = options.requestUrl;
  return {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: {
      name,
      description: 'Runs incidents: severity first, roles before troubleshooting, updates on a cadence.',
      background_color: '#8b1a1a',
    },
    features: {
      app_home: { home_tab_enabled: false, messages_tab_enabled: true, messages_tab_read_only_enabled: false },
      bot_user: { display_name: 'commander', always_online: true },
      slash_commands: [
        {
          command,
          description: 'Declare and run an incident',
          usage_hint: SUBCOMMANDS.map(([n]) => n).join(' | '),
          should_escape: true,
          ...(url ? { url } : {}),
        },
      ],
      shortcuts: [
        {
          name: 'Add to timeline',
          type: 'message',
          callback_id: TIMELINE_SHORTCUT,
          description: "Put this message on the incident's timeline",
        },
      ],
    },
    oauth_config: { scopes: { bot: [...BOT_SCOPES] } },
    settings: {
      event_subscriptions: { bot_events: [...BOT_EVENTS], ...(url ? { request_url: url } : {}) },
      interactivity: { is_enabled: true, ...(url ? { request_url: url } : {}) },
      org_deploy_enabled: false,
      socket_mode_enabled: !url,
      token_rotation_enabled: false,
    },
  };
}
