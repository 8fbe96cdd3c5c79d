import { ModelRequestError } from '../../agent/types.js';
import { createAgent } from '../../runtime/agent.js';
import { resolvePaths } from '../../config/paths.js';
import { scrubSecrets } from '../../core/logger.js';
import { actorName, agentFlags } from '../agent-flags.js';
import { overridesFrom } from '../args.js';
import { openConversation } from '../conversation.js';
import { EXIT, UsageError, type CliIO } from '../io.js';
import type { Parsed } from '../spec.js';
import type { ASK } from './specs.js';
import { openRuntime } from '../../runtime/runtime.js';
import { StatusLine } from '../status-line.js';
import { interactiveLogger, turnPrinter } from '../turn-printer.js';
import { describeUsage } from '../usage.js';

/** One turn with the commander; the reply streams to stdout, or comes as one JSON object with --json. */
export async function run({ flags, positionals, usage }: Parsed<(typeof ASK)['flags']>, io: CliIO): Promise<number> {
  const fromArgs = positionals.join(' ').trim();
  const message = (fromArgs && fromArgs !== '-' ? fromArgs : (await io.readStdin()).trim()).slice(0, 20_000);
  if (!message) throw new UsageError('no message', `Usage: ${usage}   (or the message on stdin)`);

  const overrides = overridesFrom(flags);
  const terminal = io.stderrTTY === true;
  const { logger } = interactiveLogger(io.env, resolvePaths(overrides, io.env, io.cwd).home, terminal);
  const runtime = openRuntime({ overrides, env: io.env, logger });
  try {
    const actor = actorName(flags, io.env);
    const setup = await createAgent(runtime, agentFlags(flags), io.env, actor);
    const conversation = await openConversation(setup.conversations, flags.incident, ' to start a new one');
    const json = flags.json === true;
    const status = new StatusLine(io.stderr, terminal);
    const printer = turnPrinter(
      {
        out: (t) => {
          if (!json) io.stdout(t);
        },
        err: io.stderr,
        notice: (m) => `[incident-commander] ${m}\n`,
      },
      status,
    );
    let result: Awaited<ReturnType<typeof conversation.send>>;
    try {
      result = await conversation.send({ text: message, actor }, printer);
    } finally {
      printer.done();
    }
    io.stderr(`[incident-commander] ${describeUsage(result.usage, result.costUsd, result.model, result.fellBack)}\n`);
    if (!json) return EXIT.ok;
    const incident = conversation.incidentId ? await runtime.store.getIncident(conversation.incidentId) : null;
    // Scrubbed as a whole: a key a server echoed must not leave through a successful reply either.
    io.stdout(
      `${scrubSecrets(
        JSON.stringify({
          reply: result.reply,
          model: result.model,
          incidentId: conversation.incidentId,
          severity: incident?.severity ?? null,
          toolCalls: result.toolCalls.map((c) => ({
            name: c.name,
            input: c.input,
            output: c.output,
            isError: c.isError,
          })),
          usage: { ...result.usage, costUsd: Number(result.costUsd.toFixed(6)) },
          stopReason: result.stopReason,
          fellBack: result.fellBack,
          sessionId: conversation.id,
        }),
      )}\n`,
    );
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ModelRequestError) {
      io.stderr(`error: ${error.message}\n${error.hint}\n`);
      return EXIT.failed;
    }
    throw error;
  } finally {
    await runtime.close();
  }
}
