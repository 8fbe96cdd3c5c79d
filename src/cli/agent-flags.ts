import type { AgentFlags } from '../runtime/agent.js';
import type { FlagValues } from './spec.js';
import type { CHAT } from './commands/specs.js';

type AgentFlagValues = FlagValues<(typeof CHAT)['flags']>;
type ModelFlagValues = Pick<
  AgentFlagValues,
  'offline' | 'model' | 'max-tokens' | 'temperature' | 'max-steps' | 'max-turn-cost' | 'max-session-cost'
>;

export function agentFlags(flags: ModelFlagValues): AgentFlags {
  return {
    offline: flags.offline,
    model: flags.model,
    maxTokens: flags['max-tokens'],
    temperature: flags.temperature,
    limits: {
      ...(flags['max-steps'] !== undefined ? { max_steps: flags['max-steps'] } : {}),
      ...(flags['max-turn-cost'] !== undefined ? { max_turn_cost_usd: flags['max-turn-cost'] } : {}),
      ...(flags['max-session-cost'] !== undefined ? { max_session_cost_usd: flags['max-session-cost'] } : {}),
    },
  };
}

/** Who is talking: --as, else the OS user; written on the timeline as the author. */
export function actorName(flags: { as?: string | undefined }, env: NodeJS.ProcessEnv): string {
  return flags.as ?? env['USER'] ?? env['USERNAME'] ?? 'responder';
}
