import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { packageRoot } from '../../src/config/package-root.js';
import { runCli } from '../support/cli.js';

/**
 * `incident-commander slack manifest` against the app manifest's documented shape (Slack's manifest
 * reference, version 1; written here from the reference, so a field Slack does not know, a
 * missing required one or a value past its limit fails), and the README's install steps against it.
 */

const Url = z
  .string()
  .regex(/^https?:\/\//)
  .max(3500);
const ManifestShape = z
  .object({
    _metadata: z
      .object({ major_version: z.literal(1).optional(), minor_version: z.number().int().optional() })
      .strict()
      .optional(),
    display_information: z
      .object({
        name: z.string().min(1).max(35),
        description: z.string().min(1).max(140).optional(),
        background_color: z
          .string()
          .regex(/^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/)
          .optional(),
        long_description: z.string().min(175).max(4000).optional(),
      })
      .strict(),
    features: z
      .object({
        app_home: z
          .object({
            home_tab_enabled: z.boolean().optional(),
            messages_tab_enabled: z.boolean().optional(),
            messages_tab_read_only_enabled: z.boolean().optional(),
          })
          .strict()
          .optional(),
        bot_user: z
          .object({ display_name: z.string().min(1).max(80), always_online: z.boolean().optional() })
          .strict()
          .optional(),
        slash_commands: z
          .array(
            z
              .object({
                command: z.string().min(2).max(32).regex(/^\//),
                description: z.string().min(1).max(2000),
                url: Url.optional(),
                usage_hint: z.string().min(1).max(1000).optional(),
                should_escape: z.boolean().optional(),
              })
              .strict(),
          )
          .min(1)
          .max(50)
          .optional(),
        shortcuts: z
          .array(
            z
              .object({
                name: z.string().min(1).max(24),
                type: z.enum(['message', 'global']),
                callback_id: z.string().min(1).max(255),
                description: z.string().min(1).max(150),
              })
              .strict(),
          )
          .min(1)
          .max(10)
          .optional(),
      })
      .strict(),
    oauth_config: z.object({ scopes: z.object({ bot: z.array(z.string().max(50)).max(255) }).strict() }).strict(),
    settings: z
      .object({
        event_subscriptions: z
          .object({ request_url: Url.optional(), bot_events: z.array(z.string().max(50)).max(100) })
          .strict()
          .optional(),
        interactivity: z.object({ is_enabled: z.boolean(), request_url: Url.optional() }).strict().optional(),
        org_deploy_enabled: z.boolean().optional(),
        socket_mode_enabled: z.boolean().optional(),
        token_rotation_enabled: z.boolean().optional(),
      })
      .strict(),
  })
  .strict();

async function manifest(args: string[] = []): Promise<z.output<typeof ManifestShape>> {
  const r = await runCli(['slack', 'manifest', ...args]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return ManifestShape.parse(JSON.parse(r.stdout));
}

/** Each event subscription needs its scope: a manifest with one and not the other installs but never hears it. */
const EVENT_SCOPE: Record<string, string> = {
  app_mention: 'app_mentions:read',
  'message.channels': 'channels:history',
  'message.groups': 'groups:history',
  'message.im': 'im:history',
  pin_added: 'pins:read',
  reaction_added: 'reactions:read',
};

describe('incident-commander slack manifest', () => {
  it('prints a valid Socket Mode manifest: scopes for every event, the slash command, the shortcut, interactivity', async () => {
    const m = await manifest();
    expect(m.settings.socket_mode_enabled).toBe(true);
    expect(m.settings.interactivity).toEqual({ is_enabled: true });
    expect(m.features.slash_commands).toEqual([expect.objectContaining({ command: '/ic', should_escape: true })]);
    expect(m.features.shortcuts?.[0]).toMatchObject({ type: 'message', callback_id: 'add_to_timeline' });
    for (const event of m.settings.event_subscriptions!.bot_events)
      expect(m.oauth_config.scopes.bot).toContain(EVENT_SCOPE[event]);
    for (const needed of ['commands', 'chat:write', 'channels:manage', 'pins:write', 'users:read'])
      expect(m.oauth_config.scopes.bot).toContain(needed);
    expect(new Set(m.oauth_config.scopes.bot).size).toBe(m.oauth_config.scopes.bot.length);
  });

  it('points the Events API, the command and interactivity at --request-url, and takes another command and name', async () => {
    const url = 'https://ic.example.com/slack/events';
    const m = await manifest(['--request-url', url, '--command', '/inc', '--name', 'Commander']);
    expect(m.settings.socket_mode_enabled).toBe(false);
    expect(m.settings.event_subscriptions!.request_url).toBe(url);
    expect(m.settings.interactivity!.request_url).toBe(url);
    expect(m.features.slash_commands![0]).toMatchObject({ command: '/inc', url });
    expect(m.display_information.name).toBe('Commander');
    const bad = await runCli(['slack', 'manifest', '--command', 'ic']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--command: must be a slash command/);
  });

  it("the README's install steps are fewer than ten and match the manifest and the CLI", async () => {
    const readme = readFileSync(join(packageRoot(), 'README.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('## Slack\n'),
      readme.indexOf('\n## ', readme.indexOf('## Slack\n') + 5),
    );
    const steps = section.split('\n').filter((l) => /^\d+\. /.test(l));
    expect(steps.length).toBeGreaterThan(3);
    expect(steps.length).toBeLessThan(10);
    const install = steps.join('\n');
    const m = await manifest();
    expect(install).toContain(m.features.slash_commands![0]!.command);
    expect(install).toContain('connections:write');
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET']) expect(install).toContain(name);
    // Every command the steps tell people to run parses with the CLI's own spec.
    const commands = [...install.matchAll(/`npx (incident-commander [^`]*)`/g)].map((x) => x[1]!);
    expect(commands.length).toBeGreaterThanOrEqual(3);
    for (const command of commands) {
      const args = command
        .replace(/ > .*$/, '')
        .split(/\s+/)
        .slice(1);
      const r = await runCli([...args, '--help']);
      expect(r.code, command).toBe(0);
    }
    for (const flag of install.matchAll(/`(--[a-z-]+)/g)) expect(section).toContain(flag[1]);
    const slackHelp =
      (await runCli(['slack', '--help'])).stdout + (await runCli(['slack', 'manifest', '--help'])).stdout;
    for (const flag of new Set([...install.matchAll(/(--[a-z][a-z-]+)/g)].map((x) => x[1]!)))
      expect(slackHelp).toContain(flag);
  });
});
