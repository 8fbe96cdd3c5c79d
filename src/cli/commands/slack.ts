import { createLogger, logLevelFromEnv } from '../../core/logger.js';
import { createAgent } from '../../runtime/agent.js';
import { openRuntime } from '../../runtime/runtime.js';
import { DEFAULT_SETTINGS, slackCredentials } from '../../slack/config.js';
import { slackManifest } from '../../slack/manifest.js';
import { agentFlags } from '../agent-flags.js';
import { overridesFrom } from '../args.js';
import { EXIT, type CliIO } from '../io.js';
import type { Parsed } from '../spec.js';
import type { SLACK, SLACK_MANIFEST } from './specs.js';

/** Runs the Slack app until SIGINT or SIGTERM. Tokens come from the environment, checked before anything starts. */
export async function run({ flags }: Parsed<(typeof SLACK)['flags']>, io: CliIO): Promise<number> {
  const mode = flags.http ? 'http' : 'socket';
  const credentials = slackCredentials(io.env, mode);
  const logger = createLogger({ level: logLevelFromEnv(io.env, 'info') });
  const runtime = openRuntime({ overrides: overridesFrom(flags), env: io.env, logger });
  try {
    const setup = await createAgent(runtime, agentFlags(flags), io.env, 'slack');
    const { startSlackApp } = await import('../../slack/app.js');
    const { openIntegrations } = await import('../../integrations/open.js');
    const { chatApprovals } = await import('../../integrations/customer-approvals.js');
    // Customer updates approved on the Slack card are published by the integrations (Statuspage when configured).
    const integrations = openIntegrations(runtime, { env: io.env, file: runtime.paths.integrations });
    const handle = await startSlackApp({
      runtime,
      setup,
      approvals: chatApprovals(integrations, (actor) => runtime.context(actor)),
      credentials,
      mode,
      http: { host: flags.host, port: flags.port },
      logger,
      settings: {
        ...DEFAULT_SETTINGS,
        command: flags.command,
        reaction: flags.reaction,
        stakeholderChannels: { engineering: flags['engineering-channel'], executive: flags['executive-channel'] },
        adoptIncidents: flags['no-adopt'] !== true,
      },
    });
    const answering =
      setup.mode === 'offline'
        ? `the offline playbook (${setup.offlineReason})`
        : 'Claude, with the offline playbook as fallback';
    io.stderr(
      `incident-commander is in Slack${handle.bot.team ? ` (${handle.bot.team})` : ''} as ${handle.bot.userId}: ${
        handle.url ? `Events API at ${handle.url}` : 'Socket Mode'
      }, ${flags.command}, answered by ${answering}. Ctrl-C stops it.\n`,
    );
    await new Promise<void>((resolve) => {
      const stop = (): void => void handle.stop().then(resolve, resolve);
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    await integrations.close();
    return EXIT.ok;
  } finally {
    await runtime.close();
  }
}

/** Prints the app manifest as JSON, ready to paste into api.slack.com. */
export async function manifest({ flags }: Parsed<(typeof SLACK_MANIFEST)['flags']>, io: CliIO): Promise<number> {
  const value = slackManifest({
    command: flags.command,
    ...(flags.name ? { name: flags.name } : {}),
    requestUrl: flags['request-url'],
  });
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
  return EXIT.ok;
}
