import { randomUUID } from 'node:crypto';

/** Payloads shaped as Slack sends them, for the fake to deliver. */

const TEAM = 'TFAKE0001';
const APP = 'AFAKE0001';

export function eventCallback(
  event: Record<string, unknown>,
  eventId = `Ev${randomUUID().slice(0, 10).toUpperCase()}`,
) {
  return {
    token: 'verification-token',
    team_id: TEAM,
    api_app_id: APP,
    event: { event_ts: event['ts'] ?? '1.1', ...event },
    type: 'event_callback',
    event_id: eventId,
    event_time: 1_764_165_600,
    authorizations: [{ team_id: TEAM, user_id: 'UBOT0001', is_bot: true }],
  };
}

export function messageEvent(
  channel: string,
  user: string,
  text: string,
  ts: string,
  extra: Record<string, unknown> = {},
) {
  return { type: 'message', channel, channel_type: 'channel', user, text, ts, ...extra };
}

export function mentionEvent(channel: string, user: string, text: string, ts: string) {
  return { type: 'app_mention', channel, user, text: `<@UBOT0001> ${text}`, ts };
}

export function slashCommand(
  responseBase: string,
  user: string,
  channel: string,
  text: string,
  command = '/ic',
): Record<string, unknown> {
  return {
    token: 'verification-token',
    team_id: TEAM,
    team_domain: 'acme',
    channel_id: channel,
    channel_name: 'general',
    user_id: user,
    user_name: user.toLowerCase(),
    command,
    text,
    api_app_id: APP,
    is_enterprise_install: 'false',
    response_url: `${responseBase}/response/${randomUUID()}`,
    trigger_id: `${Date.now()}.${randomUUID().slice(0, 8)}`,
  };
}

export function blockAction(
  responseBase: string,
  user: string,
  channel: string,
  messageTs: string,
  action: { action_id: string; value?: string; selected?: string },
): Record<string, unknown> {
  return {
    type: 'block_actions',
    user: { id: user, username: user.toLowerCase(), team_id: TEAM },
    api_app_id: APP,
    token: 'verification-token',
    container: { type: 'message', message_ts: messageTs, channel_id: channel, is_ephemeral: false },
    trigger_id: `${Date.now()}.${randomUUID().slice(0, 8)}`,
    team: { id: TEAM, domain: 'acme' },
    channel: { id: channel, name: 'inc' },
    message: { type: 'message', ts: messageTs, text: '' },
    response_url: `${responseBase}/response/${randomUUID()}`,
    actions: [
      {
        type: action.selected ? 'static_select' : 'button',
        action_id: action.action_id,
        block_id: 'b',
        action_ts: '1.2',
        ...(action.value !== undefined ? { value: action.value } : {}),
        ...(action.selected
          ? { selected_option: { text: { type: 'plain_text', text: 'x' }, value: action.selected } }
          : {}),
      },
    ],
  };
}

export function viewSubmission(
  user: string,
  callbackId: string,
  privateMetadata: string,
  values: Record<string, Record<string, unknown>>,
): Record<string, unknown> {
  return {
    type: 'view_submission',
    team: { id: TEAM, domain: 'acme' },
    user: { id: user, username: user.toLowerCase(), team_id: TEAM },
    api_app_id: APP,
    token: 'verification-token',
    trigger_id: `${Date.now()}.${randomUUID().slice(0, 8)}`,
    view: {
      id: 'VFAKE',
      type: 'modal',
      callback_id: callbackId,
      private_metadata: privateMetadata,
      state: {
        values: Object.fromEntries(
          Object.entries(values).map(([block, value]) => [block, { value: { type: 'x', ...value } }]),
        ),
      },
    },
  };
}

export function messageShortcut(responseBase: string, user: string, channel: string, message: Record<string, unknown>) {
  return {
    type: 'message_action',
    callback_id: 'add_to_timeline',
    trigger_id: `${Date.now()}.${randomUUID().slice(0, 8)}`,
    user: { id: user, name: user.toLowerCase() },
    channel: { id: channel, name: 'inc' },
    team: { id: TEAM, domain: 'acme' },
    message_ts: message['ts'],
    message: { type: 'message', ...message },
    response_url: `${responseBase}/response/${randomUUID()}`,
    token: 'verification-token',
  };
}
