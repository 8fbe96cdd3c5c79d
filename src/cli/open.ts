import { createLogger, logLevelFromEnv } from '../core/logger.js';
import type { PathOverrides } from '../config/paths.js';
import { openRuntime, type Runtime } from '../runtime/runtime.js';
import type { CliIO } from './io.js';

/**
 * Opens config and store for a CLI command; logs go to stderr at warn unless
 * INCIDENT_COMMANDER_LOG_LEVEL says otherwise. A command that only reads opens an existing
 * database or fails naming its path.
 */
export function openCliRuntime(overrides: PathOverrides, io: CliIO, access: { readOnly?: boolean } = {}): Runtime {
  return openRuntime({
    overrides,
    env: io.env,
    logger: createLogger({ level: logLevelFromEnv(io.env, 'warn') }),
    ...(access.readOnly ? { readOnly: true } : {}),
  });
}
