import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.js';
import { scrubSecrets } from '../core/logger.js';
import { slackCredentials } from './config.js';

const bot = 'xoxb-1234-5678-abcdefghijkl';
const app = 'xapp-1-A0123-456-abcdefghijkl';
const secret = '0123456789abcdef0123456789abcdef';

function problem(env: NodeJS.ProcessEnv, mode: 'socket' | 'http'): InputError {
  try {
    slackCredentials(env, mode);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('Slack credentials', () => {
  it('needs the bot token always, the app token for Socket Mode and the signing secret for --http', () => {
    expect(slackCredentials({ SLACK_BOT_TOKEN: bot, SLACK_APP_TOKEN: app }, 'socket')).toMatchObject({
      botToken: bot,
      appToken: app,
      apiUrl: 'https://slack.com/api/',
    });
    expect(
      slackCredentials(
        {
          SLACK_BOT_TOKEN: bot,
          SLACK_SIGNING_SECRET: secret,
          INCIDENT_COMMANDER_SLACK_API_URL: 'http://127.0.0.1:9/api',
        },
        'http',
      ),
    ).toMatchObject({
      signingSecret: secret,
      apiUrl: 'http://127.0.0.1:9/api/',
    });
    expect(problem({ SLACK_APP_TOKEN: app }, 'socket').message).toMatch(/field "SLACK_BOT_TOKEN": is not set/);
    expect(problem({ SLACK_BOT_TOKEN: bot }, 'socket').message).toMatch(/SLACK_APP_TOKEN/);
    expect(problem({ SLACK_BOT_TOKEN: bot }, 'socket').hint).toMatch(/connections:write/);
    expect(problem({ SLACK_BOT_TOKEN: bot, SLACK_APP_TOKEN: app }, 'http').message).toMatch(/SLACK_SIGNING_SECRET/);
  });

  it('names a malformed token without printing it, and redacts the values from logs', () => {
    const swapped = problem({ SLACK_BOT_TOKEN: app, SLACK_APP_TOKEN: bot }, 'socket');
    expect(swapped.message).toMatch(/SLACK_BOT_TOKEN": must start with xoxb-; got "xapp-…"/);
    expect(swapped.message).not.toContain(app);
    expect(problem({ SLACK_BOT_TOKEN: 'xoxb-bad token!', SLACK_APP_TOKEN: app }, 'socket').message).toMatch(
      /is not a Slack token/,
    );
    expect(problem({ SLACK_BOT_TOKEN: bot, SLACK_SIGNING_SECRET: 'not-hex' }, 'http').message).toMatch(/hexadecimal/);
    expect(
      problem({ SLACK_BOT_TOKEN: bot, SLACK_APP_TOKEN: app, INCIDENT_COMMANDER_SLACK_API_URL: 'ftp://x' }, 'socket')
        .message,
    ).toMatch(/INCIDENT_COMMANDER_SLACK_API_URL/);
    slackCredentials({ SLACK_BOT_TOKEN: bot, SLACK_APP_TOKEN: app }, 'socket');
    expect(scrubSecrets(`token=${bot} app=${app}`)).toBe('token=[redacted] app=[redacted]');
  });
});
