import { z } from 'zod';
import type { AgentFlags } from '../runtime/agent.js';

/** Flags shared by `ask` and `chat`: the model, its limits, and which incident to work on. */
export const AGENT_OPTIONS = {
  offline: { type: 'boolean' },
  model: { type: 'string' },
  'max-tokens': { type: 'string' },
  temperature: { type: 'string' },
  'max-steps': { type: 'string' },
  'max-turn-cost': { type: 'string' },
  'max-session-cost': { type: 'string' },
  incident: { type: 'string' },
  as: { type: 'string' },
} as const;

export const AgentFlagsSchema = z.object({
  offline: z.boolean().optional(),
  model: z.string().min(1).max(100).optional(),
  'max-tokens': z.coerce.number().int().min(256).max(64_000).optional(),
  temperature: z.coerce.number().min(0).max(1).optional(),
  'max-steps': z.coerce.number().int().min(1).max(100).optional(),
  'max-turn-cost': z.coerce.number().positive().optional(),
  'max-session-cost': z.coerce.number().positive().optional(),
  incident: z
    .string()
    .regex(/^(?:inc-?)?\d{1,9}$/i, 'must be an incident id such as INC-12')
    .transform((s) => `INC-${Number(s.replace(/^inc-?/i, ''))}`)
    .optional(),
  as: z.string().min(1).max(100).optional(),
});

export function agentFlags(flags: z.output<typeof AgentFlagsSchema>): AgentFlags {
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
