import { ModelRequestError } from '../../agent/types.js';
import { createAgent } from '../../runtime/agent.js';
import { createLogger, logLevelFromEnv } from '../../core/logger.js';
import { actorName, agentFlags } from '../agent-flags.js';
import { overridesFrom } from '../args.js';
import { openConversation } from '../conversation.js';
import { EXIT, UsageError, type CliIO } from '../io.js';
import type { Parsed } from '../spec.js';
import type { ASK } from './specs.js';
import { openRuntime } from '../../runtime/runtime.js';

/** One turn with the commander; the reply streams to stdout, or comes as one JSON object with --json. */
export async function run({ flags, positionals, usage }: Parsed<(typeof ASK)['flags']>, io: CliIO): Promise<number> {
  const fromArgs = positionals.join(' ').trim();
  const message = (fromArgs && fromArgs !== '-' ? fromArgs : (await io.readStdin()).trim()).slice(0, 20_000);
  if (!message) throw new UsageError('no message', `Usage: ${usage}   (or the message on stdin)`);

  const logger = createLogger({ level: logLevelFromEnv(io.env, 'warn') });
  const runtime = openRuntime({ overrides: overridesFrom(flags), env: io.env, logger });
  try {
    const actor = actorName(flags, io.env);
    const setup = await createAgent(runtime, agentFlags(flags), io.env, actor);
    const conversation = await openConversation(setup.conversations, flags.incident, ' to start a new one');
    const json = flags.json === true;
    let streamed = '';
    const result = await conversation.send(
      { text: message, actor },
      {
        onText: (d) => {
          streamed += d;
          if (!json) io.stdout(d);
        },
        onNotice: (m) => io.stderr(`[incident-commander] ${m}\n`),
      },
    );
    if (!json) {
      if (!streamed.endsWith('\n')) io.stdout('\n');
      return EXIT.ok;
    }
    const incident = conversation.incidentId ? await runtime.store.getIncident(conversation.incidentId) : null;
    io.stdout(
      `${JSON.stringify({
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
      })}\n`,
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
