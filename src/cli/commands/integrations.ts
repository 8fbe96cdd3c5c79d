import { existsSync } from 'node:fs';
import { createLogger, logLevelFromEnv } from '../../core/logger.js';
import { isLoopbackHost } from '../../mcp/http-guard.js';
import { openRuntime } from '../../runtime/runtime.js';
import type { MessageStore } from '../../store/messages.js';
import { overridesFrom } from '../args.js';
import { EXIT, UsageError, type CliIO } from '../io.js';
import type { Parsed } from '../spec.js';
import type { INTEGRATIONS_SERVE, INTEGRATIONS_STATUS } from './specs.js';

const NOTHING_CONFIGURED =
  'Set PAGERDUTY_WEBHOOK_SECRET, PAGERDUTY_ROUTING_KEY, PAGERDUTY_API_TOKEN, STATUSPAGE_API_TOKEN or OPSGENIE_WEBHOOK_TOKEN, or write an integrations file (README: "Connect PagerDuty and Statuspage").';

/** Serves the webhook routes and runs the integrations worker until a signal arrives. */
export async function serve({ flags }: Parsed<(typeof INTEGRATIONS_SERVE)['flags']>, io: CliIO): Promise<number> {
  const { openIntegrations } = await import('../../integrations/open.js');
  const { serveWebhooks } = await import('../../integrations/server.js');
  const runtime = openRuntime({
    overrides: overridesFrom(flags),
    env: io.env,
    logger: createLogger({ level: logLevelFromEnv(io.env, 'info') }),
  });
  const integrations = openIntegrations(runtime, {
    env: io.env,
    file: runtime.paths.integrations,
    dryRun: flags['dry-run'] === true,
  });
  if (!integrations.enabled) {
    await runtime.close();
    throw new UsageError('no integration is configured: there is nothing to serve', NOTHING_CONFIGURED);
  }
  const server = await serveWebhooks(integrations.routes, { host: flags.host, port: flags.port }, runtime.logger);
  integrations.worker.start(Math.round(flags.interval * 1000));
  io.stderr(
    `incident-commander integrations listening on ${server.url}${[...integrations.routes.keys()].map((r) => ` ${r}`).join(',')}${isLoopbackHost(flags.host) ? '' : ' (beyond loopback: every delivery is checked by its signature or token)'}\n${integrations
      .describe()
      .map((l) => `  ${l}\n`)
      .join('')}`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await integrations.close();
  await server.close();
  await runtime.close();
  return EXIT.ok;
}

async function queueSummary(messages: MessageStore) {
  const { QUEUES } = await import('../../integrations/queue.js');
  const out: { queue: string; pending: number; retrying: number; failed: number; done: number; problems: string[] }[] =
    [];
  for (const queue of Object.values(QUEUES)) {
    const all = await messages.listMessages(queue);
    out.push({
      queue,
      pending: all.filter((m) => m.state === 'pending').length,
      retrying: all.filter((m) => m.state === 'pending' && m.attempts > 0).length,
      failed: all.filter((m) => m.state === 'failed').length,
      done: all.filter((m) => m.state === 'done').length,
      problems: all
        .filter((m) => m.state === 'failed' || (m.state === 'pending' && m.note))
        .slice(-5)
        .map((m) => `${m.key}: ${m.note ?? ''}`),
    });
  }
  return out;
}

/** What is configured (never a secret) and how the queues stand. */
export async function status({ flags }: Parsed<(typeof INTEGRATIONS_STATUS)['flags']>, io: CliIO): Promise<number> {
  const { openIntegrations } = await import('../../integrations/open.js');
  const runtime = openRuntime({
    overrides: overridesFrom(flags),
    env: io.env,
    readOnly: true,
    logger: createLogger({ level: logLevelFromEnv(io.env, 'warn') }),
  });
  try {
    const integrations = openIntegrations(runtime, { env: io.env, file: runtime.paths.integrations });
    // Only reads: with no record yet there are no queues to show, and none is created.
    const queues =
      existsSync(runtime.paths.store) || /^[a-z]+:\/\//i.test(runtime.paths.store)
        ? await queueSummary(runtime.messages)
        : [];
    if (flags.json) {
      io.stdout(
        `${JSON.stringify({ file: integrations.settings.file, configured: integrations.describe(), queues })}\n`,
      );
      return EXIT.ok;
    }
    io.stdout(`Integrations file: ${integrations.settings.file ?? 'none (the environment only)'}\n`);
    for (const line of integrations.describe()) io.stdout(`  ${line}\n`);
    io.stdout(queues.length ? 'Queues:\n' : `Queues: none yet (no record at ${runtime.paths.store})\n`);
    for (const q of queues) {
      io.stdout(
        `  ${q.queue.padEnd(20)} ${q.pending} waiting (${q.retrying} retrying), ${q.failed} failed, ${q.done} done\n`,
      );
      for (const p of q.problems) io.stdout(`    ${p}\n`);
    }
    return EXIT.ok;
  } finally {
    await runtime.close();
  }
}
