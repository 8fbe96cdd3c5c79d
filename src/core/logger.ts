import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/** Every path where a secret may sit in a log record. Values are replaced, never logged. */
export const REDACT_PATHS = [
  'apiKey',
  '*.apiKey',
  'token',
  '*.token',
  'authToken',
  '*.authToken',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  '*.headers.authorization',
  'headers["x-api-key"]',
  '*.headers["x-api-key"]',
  'req.headers["x-api-key"]',
  'password',
  '*.password',
  'routing_key',
  '*.routing_key',
  'ANTHROPIC_API_KEY',
  '*.ANTHROPIC_API_KEY',
];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  level?: LogLevel;
  /** Defaults to stderr: stdout belongs to the protocol or the requested output. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      name: 'incident-commander',
      level: options.level ?? 'warn',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
    },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}

/** Reads the level from INCIDENT_COMMANDER_LOG_LEVEL, falling back to `fallback` when unset or unknown. */
export function logLevelFromEnv(env: NodeJS.ProcessEnv, fallback: LogLevel): LogLevel {
  const value = env['INCIDENT_COMMANDER_LOG_LEVEL']?.toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(value ?? '') ? (value as LogLevel) : fallback;
}

/** A logger that drops everything; for library use and tests that do not read logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
