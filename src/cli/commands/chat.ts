import { createAgent } from '../../runtime/agent.js';
import { resolvePaths } from '../../config/paths.js';
import { openRuntime } from '../../runtime/runtime.js';
import { actorName, agentFlags } from '../agent-flags.js';
import { overridesFrom } from '../args.js';
import { openConversation } from '../conversation.js';
import { EXIT, type CliIO } from '../io.js';
import { runRepl } from '../repl.js';
import { interactiveLogger } from '../turn-printer.js';
import type { Parsed } from '../spec.js';
import type { CHAT } from './specs.js';

/** The interactive chat: one conversation, resumed per incident, until the user quits. */
export async function run({ flags }: Parsed<(typeof CHAT)['flags']>, io: CliIO): Promise<number> {
  const overrides = overridesFrom(flags);
  const tty = process.stdin.isTTY === true && process.stdout.isTTY === true;
  // On a terminal, log lines would land in the middle of the conversation: they go to a file.
  const { logger, file } = interactiveLogger(io.env, resolvePaths(overrides, io.env, io.cwd).home, tty);
  const runtime = openRuntime({ overrides, env: io.env, logger });
  try {
    const actor = actorName(flags, io.env);
    const setup = await createAgent(runtime, agentFlags(flags), io.env, actor);
    const conversation = await openConversation(setup.conversations, flags.incident, '');
    const model = flags.model ?? io.env['INCIDENT_COMMANDER_MODEL'] ?? runtime.soul.config.model;
    const mode = `${
      setup.mode === 'offline'
        ? `offline playbook (${setup.offlineReason})`
        : `Claude ${model}, offline playbook as fallback`
    }${file ? `; logs in ${file}` : ''}`;
    await runRepl({
      runtime,
      conversations: setup.conversations,
      conversation,
      actor,
      mode,
      model,
      io: { input: process.stdin, output: process.stdout, errors: process.stderr, tty },
    });
    return EXIT.ok;
  } finally {
    await runtime.close();
  }
}
