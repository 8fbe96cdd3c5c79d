import { z } from 'zod';
import type { Logger } from '../core/logger.js';
import { formatPath } from '../core/zod-issues.js';
import { Playbook } from '../playbook/playbook.js';
import { knownServices } from '../playbook/step.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Limits } from '../soul/schema.js';
import { Agent } from './loop.js';
import { InputError } from '../core/errors.js';

/** Environment the agent reads; validated at the edge like any other input. */
const AgentEnv = z.object({
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_BASE_URL: z.string().url('must be a URL such as https://api.anthropic.com').optional(),
  INCIDENT_COMMANDER_MODEL: z.string().min(1).optional(),
  INCIDENT_COMMANDER_MAX_TOKENS: z.coerce.number().int().min(256).max(64_000).optional(),
  INCIDENT_COMMANDER_TEMPERATURE: z.coerce.number().min(0).max(1).optional(),
  INCIDENT_COMMANDER_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  INCIDENT_COMMANDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(60_000),
  INCIDENT_COMMANDER_STREAM_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  INCIDENT_COMMANDER_RETRY_BACKOFF_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
});

export interface AgentFlags {
  offline?: boolean | undefined;
  model?: string | undefined;
  maxTokens?: number | undefined;
  temperature?: number | undefined;
  limits?: Partial<Limits> | undefined;
}

export interface AgentSetup {
  agent: Agent;
  /** "anthropic" with the model name, or the offline playbook. */
  mode: 'anthropic' | 'offline';
  /** Why the playbook answers, when it does. */
  offlineReason: string | null;
}

/**
 * Wires the loop to Claude (with the playbook as fallback) or to the playbook alone: with --offline,
 * or when no API key is set. Flags win over env, env over SOUL.md.
 */
export async function createAgent(
  runtime: Runtime,
  flags: AgentFlags,
  env: NodeJS.ProcessEnv,
  actor: string,
  logger: Logger = runtime.logger,
): Promise<AgentSetup> {
  const parsed = AgentEnv.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')),
  );
  if (!parsed.success) {
    throw new InputError(
      parsed.error.issues.map((i) => ({ field: formatPath(i.path), problem: i.message })),
      'Fix the environment variable named above, or unset it.',
    );
  }
  const e = parsed.data;
  const playbook = new Playbook(() => ({
    services: knownServices(runtime.services),
    settings: runtime.soul.config.settings,
    severity: runtime.severity,
    runbooks: runtime.runbooks.dir !== null,
  }));
  const offlineReason = flags.offline ? '--offline' : !e.ANTHROPIC_API_KEY ? 'no ANTHROPIC_API_KEY' : null;
  // The SDK loads only when Claude is used: offline turns start faster.
  const model = offlineReason
    ? playbook
    : new (await import('./claude-model.js')).ClaudeModel({
        apiKey: e.ANTHROPIC_API_KEY!,
        baseURL: e.ANTHROPIC_BASE_URL,
        maxRetries: e.INCIDENT_COMMANDER_MAX_RETRIES,
        timeoutMs: e.INCIDENT_COMMANDER_TIMEOUT_MS,
        streamRetries: e.INCIDENT_COMMANDER_STREAM_RETRIES,
        backoffMs: e.INCIDENT_COMMANDER_RETRY_BACKOFF_MS,
        logger,
      });
  const agent = new Agent({
    model,
    fallback: offlineReason ? null : playbook,
    soul: () => runtime.soul,
    registry: runtime.registry,
    context: (a) => runtime.context(a),
    templates: runtime.templates,
    clock: runtime.clock,
    logger,
    actor,
    overrides: {
      model: flags.model ?? e.INCIDENT_COMMANDER_MODEL,
      maxTokens: flags.maxTokens ?? e.INCIDENT_COMMANDER_MAX_TOKENS,
      temperature: flags.temperature ?? e.INCIDENT_COMMANDER_TEMPERATURE,
      limits: flags.limits,
    },
  });
  return { agent, mode: offlineReason ? 'offline' : 'anthropic', offlineReason };
}
