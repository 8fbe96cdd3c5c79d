import { z } from 'zod';
import { ModelRequestError } from '../../agent/types.js';
import { createAgent } from '../../runtime/agent.js';
import { newSession, resumeSession } from '../../agent/session.js';
import { createLogger, logLevelFromEnv } from '../../core/logger.js';
import { AGENT_OPTIONS, AgentFlagsSchema, actorName, agentFlags } from '../agent-flags.js';
import { overridesFrom, parseCommandArgs } from '../args.js';
import { EXIT, UsageError, type CliIO } from '../io.js';
import { openRuntime } from '../../runtime/runtime.js';

const USAGE =
  'incident-commander ask "message" [--json] [--offline] [--incident ID] [--as NAME] [--model M] [--max-steps N]   (or the message on stdin)';

/** One turn with the commander; the reply streams to stdout, or comes as one JSON object with --json. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseCommandArgs(
    argv,
    { ...AGENT_OPTIONS, json: { type: 'boolean' } },
    AgentFlagsSchema.extend({ json: z.boolean().optional() }),
    USAGE,
  );
  const fromArgs = positionals.join(' ').trim();
  const message = (fromArgs && fromArgs !== '-' ? fromArgs : (await io.readStdin()).trim()).slice(0, 20_000);
  if (!message) throw new UsageError('no message', `Usage: ${USAGE}`);

  const logger = createLogger({ level: logLevelFromEnv(io.env, 'warn') });
  const runtime = openRuntime({ overrides: overridesFrom(flags), env: io.env, logger });
  try {
    const actor = actorName(flags, io.env);
    const setup = await createAgent(runtime, agentFlags(flags), io.env, actor);
    if (flags.incident && !(await runtime.store.getIncident(flags.incident))) {
      throw new UsageError(
        `--incident: ${flags.incident} does not exist`,
        'Run `incident-commander incidents list` for the ids, or leave out --incident to start a new one.',
      );
    }
    const now = runtime.clock.now();
    const session = flags.incident
      ? ((await resumeSession(runtime.store, { incidentId: flags.incident })) ?? newSession(now, flags.incident))
      : newSession(now);
    const json = flags.json === true;
    let streamed = '';
    const result = await setup.agent.runTurn(session, message, {
      onText: (d) => {
        streamed += d;
        if (!json) io.stdout(d);
      },
      onNotice: (m) => io.stderr(`[incident-commander] ${m}\n`),
    });
    if (!json) {
      if (!streamed.endsWith('\n')) io.stdout('\n');
      return EXIT.ok;
    }
    const incident = session.incidentId ? await runtime.store.getIncident(session.incidentId) : null;
    io.stdout(
      `${JSON.stringify({
        reply: result.reply,
        model: result.model,
        incidentId: session.incidentId,
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
        sessionId: session.id,
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
