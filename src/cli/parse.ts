import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { ZodType } from 'zod';
import { closest } from '../core/suggest.js';
import { UsageError } from './io.js';
import {
  BIN,
  type CommandSpec,
  type FlagSpec,
  type FlagSpecs,
  type FlagValues,
  GLOBAL_FLAGS,
  type Parsed,
  usageLine,
  type Zod,
} from './spec.js';

type Options = NonNullable<ParseArgsConfig['options']>;

function defaultSchema(z: Zod, flag: FlagSpec): ZodType {
  if (flag.type === 'boolean') return z.boolean().optional();
  return flag.multiple ? z.array(z.string().min(1)).default([]) : z.string().min(1).optional();
}

function hintFor(spec: CommandSpec): string {
  return `Usage: ${usageLine(spec)}\nRun \`${BIN} ${spec.path.join(' ')} --help\` for every option.`;
}

/**
 * Parses a command's arguments against its spec (zod is passed in: it loads with the command, not with the CLI) (plus the global options): unknown options get
 * "did you mean", values are checked by each flag's schema, and every error names the flag.
 */
export function parseCommand<F extends FlagSpecs>(spec: CommandSpec<F>, argv: readonly string[], z: Zod): Parsed<F> {
  const all: FlagSpecs = { ...GLOBAL_FLAGS, ...spec.flags };
  const options: Options = Object.fromEntries(
    Object.entries(all).map(([name, f]) => [
      name,
      { type: f.type, ...(f.multiple ? { multiple: true } : {}), ...(f.short ? { short: f.short } : {}) },
    ]),
  );
  const hint = hintFor(spec);
  const loose = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  for (const token of loose.tokens) {
    if (token.kind !== 'option' || token.name in all) continue;
    const guess = closest(token.name, Object.keys(all));
    throw new UsageError(
      `unknown option ${token.rawName}${guess ? ` (did you mean --${guess}?)` : ''}`,
      `${
        guess
          ? ''
          : `Options: ${
              Object.keys(spec.flags)
                .map((n) => `--${n}`)
                .join(', ') || 'none but the global ones'
            }.\n`
      }${hint}`,
    );
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''), hint);
  }
  const values: Record<string, unknown> = {};
  for (const [name, flag] of Object.entries(all)) {
    const raw = parsed.values[name];
    // A flag not given and with no schema of its own needs no checking (and no schema built for it).
    if (raw === undefined && !flag.schema) {
      values[name] = flag.multiple ? [] : undefined;
      continue;
    }
    const result = (flag.schema?.(z) ?? defaultSchema(z, flag)).safeParse(raw);
    if (!result.success) throw new UsageError(`--${name}: ${result.error.issues[0]?.message ?? 'is invalid'}`, hint);
    values[name] = result.data;
  }
  return { flags: values as FlagValues<F>, positionals: parsed.positionals, usage: usageLine(spec) };
}
