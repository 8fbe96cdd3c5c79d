import { createAgent } from '../../runtime/agent.js';
import { createLogger, logLevelFromEnv } from '../../core/logger.js';
import { openRuntime } from '../../runtime/runtime.js';
import { actorName, agentFlags } from '../agent-flags.js';
import { overridesFrom } from '../args.js';
import { openConversation } from '../conversation.js';
import { EXIT, type CliIO } from '../io.js';
import { runRepl } from '../repl.js';
import type { Parsed } from '../spec.js';
import type { CHAT } from './specs.js';

/** The interactive chat: one conversation, resumed per incident, until the user quits. */
export async function run({ flags }: Parsed<(typeof CHAT)['flags']>, io: CliIO): Promise<number> {
  const logger = createLogger({ level: logLevelFromEnv(io.env, 'warn') });
  const runtime = openRuntime({ overrides: overridesFrom(flags), env: io.env, logger });
  try {
    const actor = actorName(flags, io.env);
    const setup = await createAgent(runtime, agentFlags(flags), io.env, actor);
    const conversation = await openConversation(setup.conversations, flags.incident, '');
    const mode =
      setup.mode === 'offline'
        ? `offline playbook (${setup.offlineReason})`
        : `Claude ${flags.model ?? runtime.soul.config.model}, offline playbook as fallback`;
    await runRepl({
      runtime,
      conversations: setup.conversations,
      conversation,
      actor,
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
