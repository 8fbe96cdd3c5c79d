import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../core/logger.js';

function text(parts: unknown[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : JSON.stringify(p))).join(' ');
}

/**
 * Bolt's, the Web API client's and Socket Mode's logs, into ours: JSON on stderr through pino,
 * secrets scrubbed. Bolt's info chatter ("Now connected to Slack") stays at info.
 */
export function boltLogger(logger: Logger): BoltLogger {
  let name = 'slack';
  let child = logger.child({ component: name });
  return {
    debug: (...parts: unknown[]) => child.debug(text(parts)),
    info: (...parts: unknown[]) => child.info(text(parts)),
    warn: (...parts: unknown[]) => child.warn(text(parts)),
    error: (...parts: unknown[]) => child.error(text(parts)),
    setLevel: () => undefined,
    getLevel: () => {
      const level = logger.level;
      return level === 'debug' || level === 'trace'
        ? LogLevel.DEBUG
        : level === 'info'
          ? LogLevel.INFO
          : level === 'warn'
            ? LogLevel.WARN
            : LogLevel.ERROR;
    },
    setName: (next: string) => {
      name = next;
      child = logger.child({ component: name });
    },
  };
}
