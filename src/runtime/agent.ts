import { z } from 'zod';
import { Agent } from '../agent/loop.js';
import type { ModelPort } from '../agent/types.js';
import type { ServiceCatalog } from '../config/services.js';
import { ConversationService } from '../conversation/service.js';
import { InputError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { formatPath } from '../core/zod-issues.js';
import { Playbook } from '../playbook/playbook.js';
import { type KnownService, knownServices } from '../playbook/step.js';
import type { RunbookCatalog } from '../runbooks/catalog.js';
import type { SeverityFramework } from '../severity/framework.js';
import type { Limits, SoulSettings } from '../soul/schema.js';
import type { Runtime } from './runtime.js';

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
  INCIDENT_COMMANDER_CACHE_TTL: z.enum(['5m', '1h'], { message: 'must be "5m" or "1h"' }).optional(),
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
  /** Every front door talks to the agent through these. */
  conversations: ConversationService;
  /** "anthropic" with the model name, or the offline playbook. */
  mode: 'anthropic' | 'offline';
  /** Why the playbook answers, when it does. */
  offlineReason: string | null;
}

/** What the offline playbook reads: the configured services, the persona's settings, the framework. */
export interface PlaybookSources {
  services: ServiceCatalog | readonly KnownService[];
  settings: () => SoulSettings;
  severity: SeverityFramework;
  runbooks: RunbookCatalog | boolean;
}

/** The offline playbook behind the model port. */
export function createPlaybook(sources: PlaybookSources): ModelPort {
  const services = 'services' in sources.services ? knownServices(sources.services) : [...sources.services];
  const runbooks = typeof sources.runbooks === 'boolean' ? sources.runbooks : sources.runbooks.dir !== null;
  return new Playbook(() => ({ services, settings: sources.settings(), severity: sources.severity, runbooks }));
}

export interface ClaudeOptions {
  apiKey: string;
  baseURL?: string | undefined;
  maxRetries: number;
  timeoutMs: number;
  streamRetries: number;
  backoffMs: number;
  logger: Logger;
}

/**
 * Claude through @anthropic-ai/sdk, behind a circuit breaker shared by every turn of this process:
 * once Claude has failed, later turns go straight to the fallback while a background probe waits for
 * it to come back. The SDK loads only when Claude is used, so offline turns start faster.
 */
export async function loadClaude(): Promise<(options: ClaudeOptions) => ModelPort> {
  const [{ ClaudeModel }, { BREAKER_DEFAULTS, CircuitBreaker }] = await Promise.all([
    import('../agent/claude-model.js'),
    import('../agent/circuit-breaker.js'),
  ]);
  return (options) => new CircuitBreaker(new ClaudeModel(options), { ...BREAKER_DEFAULTS, logger: options.logger });
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
  const playbook = createPlaybook({
    services: runtime.services,
    settings: () => runtime.soul.config.settings,
    severity: runtime.severity,
    runbooks: runtime.runbooks,
  });
  const offlineReason = flags.offline ? '--offline' : !e.ANTHROPIC_API_KEY ? 'no ANTHROPIC_API_KEY' : null;
  const model = offlineReason
    ? playbook
    : (await loadClaude())({
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
    sessions: runtime.sessions,
    templates: runtime.templates,
    clock: runtime.clock,
    logger,
    actor,
    overrides: {
      model: flags.model ?? e.INCIDENT_COMMANDER_MODEL,
      maxTokens: flags.maxTokens ?? e.INCIDENT_COMMANDER_MAX_TOKENS,
      temperature: flags.temperature ?? e.INCIDENT_COMMANDER_TEMPERATURE,
      cacheTtl: e.INCIDENT_COMMANDER_CACHE_TTL,
      limits: flags.limits,
    },
  });
  const conversations = new ConversationService({
    agent,
    sessions: runtime.sessions,
    incidents: runtime.store,
    clock: runtime.clock,
    logger,
  });
  return { agent, conversations, mode: offlineReason ? 'offline' : 'anthropic', offlineReason };
}
