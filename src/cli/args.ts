import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { formatPath } from '../core/zod-issues.js';
import { UsageError } from './io.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every command accepts: where config and state live. */
export const GLOBAL_OPTIONS = {
  soul: { type: 'string' },
  severity: { type: 'string' },
  services: { type: 'string' },
  roster: { type: 'string' },
  runbooks: { type: 'string' },
  home: { type: 'string' },
  db: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

export const GlobalFlags = z.object({
  soul: z.string().min(1).optional(),
  severity: z.string().min(1).optional(),
  services: z.string().min(1).optional(),
  roster: z.string().min(1).optional(),
  runbooks: z.string().min(1).optional(),
  home: z.string().min(1).optional(),
  db: z.string().min(1).optional(),
  help: z.boolean().optional(),
});

export interface Parsed<T> {
  flags: T;
  positionals: string[];
}

/**
 * Parses argv against a command's options, then validates the values with zod so a bad flag
 * names itself and says what is expected.
 */
export function parseCommandArgs<S extends z.ZodObject>(
  argv: readonly string[],
  options: Options,
  schema: S,
  usage: string,
): Parsed<z.output<S> & z.output<typeof GlobalFlags>> {
  const parsed = (() => {
    try {
      return parseArgs({
        args: [...argv],
        options: { ...GLOBAL_OPTIONS, ...options },
        allowPositionals: true,
        strict: true,
      });
    } catch (error) {
      throw new UsageError((error as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''), `Usage: ${usage}`);
    }
  })();
  const result = GlobalFlags.extend(schema.shape).safeParse(parsed.values);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new UsageError(`--${formatPath(issue.path)}: ${issue.message}`, `Usage: ${usage}`);
  }
  return { flags: result.data as z.output<S> & z.output<typeof GlobalFlags>, positionals: parsed.positionals };
}

export function overridesFrom(flags: z.output<typeof GlobalFlags>) {
  return {
    soul: flags.soul,
    severity: flags.severity,
    services: flags.services,
    roster: flags.roster,
    runbooks: flags.runbooks,
    home: flags.home,
    db: flags.db,
  };
}
