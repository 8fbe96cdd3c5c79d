import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { inspect } from 'node:util';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { readOperatorFile } from '../core/files.js';
import { registerSecret } from '../core/logger.js';

/**
 * A credential (a routing key, an API token, a webhook secret). It prints as "[secret]" in
 * every string, JSON and inspect form, and its value is scrubbed from every log line; only
 * `reveal()` gives it, at the one place a request is signed or sent.
 */
export class Secret {
  readonly #value: string;

  constructor(
    value: string,
    /** Where it came from, for messages: "env PAGERDUTY_ROUTING_KEY", "file /etc/ic/pd.key". */
    readonly source: string,
  ) {
    this.#value = value;
    registerSecret(value);
  }

  reveal(): string {
    return this.#value;
  }

  /** A short, stable name for it that gives nothing away (a rate limiter's key, a log field). */
  get fingerprint(): string {
    return createHash('sha256').update(this.#value).digest('hex').slice(0, 10);
  }

  toString(): string {
    return '[secret]';
  }

  toJSON(): string {
    return '[secret]';
  }

  [inspect.custom](): string {
    return `Secret(${this.source})`;
  }
}

const ENV_NAME = /^[A-Z_][A-Z0-9_]{0,127}$/;

/** Where a secret is: an environment variable or a file only its owner can read. Never the secret itself. */
export const SecretRefSchema = z.union([
  z
    .object({ env: z.string().regex(ENV_NAME, 'must be an environment variable name such as PAGERDUTY_API_TOKEN') })
    .strict(),
  z.object({ file: z.string().min(1).max(4096) }).strict(),
]);
export type SecretRef = z.output<typeof SecretRefSchema>;

/**
 * Reads a secret file: a regular file, at most 64 kB, readable by its owner only (0600 or
 * tighter), else a ConfigError that says how to fix it. Nothing of the content is ever shown.
 */
function readSecretFile(path: string, configFile: string): string {
  const hint = `Write the secret to ${path} and run: chmod 600 ${path}`;
  const text = readOperatorFile(path, hint, 64 * 1024);
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0)
    throw new ConfigError(
      configFile,
      [{ field: '', problem: `secret file ${path} can be read by other users (mode ${mode.toString(8)})` }],
      `Run: chmod 600 ${path}`,
    );
  return text.trim();
}

/**
 * The secret a reference names, or the comma-separated secrets (several during a rotation);
 * an empty list when the variable is unset or empty. A file that cannot be read, or is not
 * private, is an error.
 */
export function readSecrets(
  ref: SecretRef,
  env: NodeJS.ProcessEnv,
  configFile: string,
  options: { list?: boolean } = {},
): Secret[] {
  const source = 'env' in ref ? `env ${ref.env}` : `file ${ref.file}`;
  let raw: string;
  if ('env' in ref) raw = env[ref.env]?.trim() ?? '';
  else {
    const base = configFile.startsWith('(') ? process.cwd() : resolve(configFile, '..');
    raw = readSecretFile(isAbsolute(ref.file) ? ref.file : resolve(base, ref.file), configFile);
  }
  const values = options.list ? raw.split(',') : [raw];
  return values
    .map((v) => v.trim())
    .filter(Boolean)
    .map((v) => new Secret(v, source));
}

export function readSecret(ref: SecretRef, env: NodeJS.ProcessEnv, configFile: string): Secret | null {
  return readSecrets(ref, env, configFile)[0] ?? null;
}
