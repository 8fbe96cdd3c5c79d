import { join } from 'node:path';
import type { Logger } from '../core/logger.js';
import type { ToolRegistry } from '../registry/registry.js';
import { loadFramework } from '../severity/framework.js';
import { loadSoul } from '../soul/load.js';
import { TemplateLibrary } from '../templates/library.js';
import { createPlaybook, loadClaude } from '../runtime/agent.js';
import { packageRoot } from '../config/package-root.js';
import type { Shared } from './environment.js';
import type { ModelFactory } from './run-case.js';

/** What every case run shares: the persona under test, the severity framework, templates, tools. */
export function loadShared(soulPath: string, severityPath: string, registry: ToolRegistry, logger: Logger): Shared {
  return {
    soul: loadSoul(soulPath, registry.names()),
    severity: loadFramework(severityPath),
    templates: TemplateLibrary.load(join(packageRoot(), 'prompts')),
    registry,
    logger,
  };
}

/** The offline playbook, seeing the case's fixture services and the persona's settings. */
export function offlineTarget(shared: Shared): ModelFactory {
  return (env) =>
    createPlaybook({
      services: env.services,
      settings: () => shared.soul.config.settings,
      severity: shared.severity,
      runbooks: env.runbooks,
    });
}

export interface LiveOptions {
  apiKey: string;
  baseURL?: string | undefined;
  maxRetries: number;
  timeoutMs: number;
}

/** Claude through the SDK, with no fallback: an eval must see the model's own answer or its failure. */
export async function anthropicTarget(options: LiveOptions, logger: Logger): Promise<ModelFactory> {
  const claude = await loadClaude();
  return () =>
    claude({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      maxRetries: options.maxRetries,
      timeoutMs: options.timeoutMs,
      streamRetries: 2,
      backoffMs: 1000,
      logger,
    });
}
