import { createAgent } from '../../runtime/agent.js';
import { newSession, resumeSession } from '../../agent/session.js';
import { createLogger, logLevelFromEnv } from '../../core/logger.js';
import { openRuntime } from '../../runtime/runtime.js';
import { AGENT_OPTIONS, AgentFlagsSchema, actorName, agentFlags } from '../agent-flags.js';
import { overridesFrom, parseCommandArgs } from '../args.js';
import { EXIT, UsageError, type CliIO } from '../io.js';
import { runRepl } from '../repl.js';

const USAGE =
  'incident-commander chat [--incident ID] [--offline] [--as NAME] [--model M] [--max-steps N] [--max-session-cost USD]';

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { flags } = parseCommandArgs(argv, AGENT_OPTIONS, AgentFlagsSchema, USAGE);
  const logger = createLogger({ level: logLevelFromEnv(io.env, 'warn') });
  const runtime = openRuntime({ overrides: overridesFrom(flags), env: io.env, logger });
  try {
    const setup = await createAgent(runtime, agentFlags(flags), io.env, actorName(flags, io.env));
    if (flags.incident && !(await runtime.store.getIncident(flags.incident))) {
      throw new UsageError(
        `--incident: ${flags.incident} does not exist`,
        'Run `incident-commander incidents list` for the ids, or leave out --incident.',
      );
    }
    const now = runtime.clock.now();
    const session = flags.incident
      ? ((await resumeSession(runtime.store, { incidentId: flags.incident })) ?? newSession(now, flags.incident))
      : newSession(now);
    const mode =
      setup.mode === 'offline'
        ? `offline playbook (${setup.offlineReason})`
        : `Claude ${flags.model ?? runtime.soul.config.model}, offline playbook as fallback`;
    await runRepl({
      runtime,
      agent: setup.agent,
      session,
      mode,
      io: {
        input: process.stdin,
        output: process.stdout,
        errors: process.stderr,
        tty: process.stdin.isTTY === true && process.stdout.isTTY === true,
      },
    });
    return EXIT.ok;
  } finally {
    await runtime.close();
  }
}
