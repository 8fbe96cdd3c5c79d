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
  'INCIDENT_COMMANDER_MCP_TOKEN',
  '*.INCIDENT_COMMANDER_MCP_TOKEN',
  'headers.cookie',
  '*.headers.cookie',
  'headers["proxy-authorization"]',
  '*.headers["proxy-authorization"]',
];

/** Environment variables that hold secrets: their values are scrubbed from every log line. */
export const SECRET_ENV_VARS = [
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_AUTH_TOKEN',
  'INCIDENT_COMMANDER_MCP_TOKEN',
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'SLACK_SIGNING_SECRET',
] as const;

const REDACTED = '[redacted]';
/** Secret values this process knows about (API keys, bearer tokens), with their base64 forms. */
const secretNeedles = new Set<string>();

/** Base64 forms of a value at each of the three byte alignments, so it is found inside any longer base64 text too. */
function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const forms: string[] = [];
  for (let k = 0; k < 3; k++) {
    const n = Math.floor((bytes.length - k) / 3) * 3;
    if (n < 6) continue;
    const b64 = bytes.subarray(k, k + n).toString('base64');
    forms.push(b64, b64.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}

/**
 * Marks a value as secret: from now on it (and its base64 forms) is replaced by [redacted] in
 * every log line, whatever field or message it hides in, and in text passed to `scrubSecrets`.
 * Values shorter than 8 characters are ignored (they would redact ordinary words).
 */
export function registerSecret(value: string | null | undefined): void {
  if (!value || value.length < 8) return;
  secretNeedles.add(value);
  for (const form of base64Forms(value)) secretNeedles.add(form);
}

/** Registers the values of the secret environment variables (SECRET_ENV_VARS). */
export function registerSecretsFromEnv(env: NodeJS.ProcessEnv): void {
  for (const name of SECRET_ENV_VARS) registerSecret(env[name]);
}

/** A JSON field whose value is a credential, at any depth: the value is replaced. */
const SECRET_FIELD =
  /("(?:authorization|proxy-authorization|x-api-key|api-key|api_key|apikey|authtoken|auth_token|access_token|token|password|cookie|set-cookie|routing_key|anthropic_api_key|anthropic_auth_token|incident_commander_mcp_token)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;
/** Credentials that announce themselves: `Bearer …`, Anthropic keys and Slack tokens. */
const SECRET_SHAPES: readonly [RegExp, string][] = [
  [/\b(Bearer)(\s+|%20)[A-Za-z0-9._~+/=-]{8,}/gi, `$1$2${REDACTED}`],
  [/\bsk-ant-[A-Za-z0-9_-]{8,}/g, REDACTED],
  [/\bxox[abposr]-[A-Za-z0-9-]{8,}/g, REDACTED],
  [/\bxapp-[A-Za-z0-9-]{8,}/g, REDACTED],
];

/**
 * Removes secrets from text meant for people or files (logs, error messages, transcripts): every
 * registered secret value and its base64 forms, bearer credentials, Anthropic API keys, and
 * the values of credential fields in JSON.
 */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const needle of secretNeedles) if (out.includes(needle)) out = out.split(needle).join(REDACTED);
  for (const [pattern, replacement] of SECRET_SHAPES) out = out.replace(pattern, replacement);
  return out.replace(SECRET_FIELD, `$1"${REDACTED}"`);
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  level?: LogLevel;
  /** Defaults to stderr: stdout belongs to the protocol or the requested output. */
  destination?: DestinationStream;
  /** Whose secret variables (SECRET_ENV_VARS) to scrub from every line; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The process logger: JSON lines, stderr by default. Secrets are kept out twice: known fields are
 * redacted by path, and every finished line is scrubbed (`scrubSecrets`), which also catches a
 * secret inside a message string, an error's text or a field at a depth no path names.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  registerSecretsFromEnv(options.env ?? process.env);
  return pino(
    {
      name: 'incident-commander',
      level: options.level ?? 'warn',
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      base: { pid: process.pid },
      hooks: { streamWrite: scrubSecrets },
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
