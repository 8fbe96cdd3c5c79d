import type { ZodType, z } from 'zod';

/** zod itself, handed to each flag's schema: specs load without it, so `--help` and `--version` start fast. */
export type Zod = typeof z;

/** One flag of a command: how it parses, how --help describes it, how its value is checked. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  /** Given more than once, every value is kept. */
  multiple?: true;
  short?: string;
  /** Stands for the value in help: FILE, N, ID. */
  value?: string;
  /** One line for --help: what it does, its default, its environment variable. */
  description: string;
  /** Checks and converts the value. Without one: a non-empty string (a list of them), or a boolean. */
  schema?: (zod: Zod) => ZodType;
  /** Shown in the usage line: the command cannot run without it (its schema says so too). */
  required?: true;
}

export type FlagSpecs = Record<string, FlagSpec>;

export interface ArgSpec {
  /** As shown in the usage line: MESSAGE, INC-ID, PATH. */
  name: string;
  description: string;
  optional?: true;
}

/** A command, declared once: dispatch, parsing, validation and --help all come from it. */
export interface CommandSpec<F extends FlagSpecs = FlagSpecs> {
  path: readonly string[];
  /** One line for the command list. */
  summary: string;
  args?: readonly ArgSpec[];
  flags: F;
  /** Lines after the options in --help: notes and examples. */
  notes?: readonly string[];
  /**
   * Long-running servers keep zod's compiled (JIT) validators, which are faster per call; one-shot
   * commands run jitless, which starts faster.
   */
  longRunning?: true;
}

export function defineCommand<const F extends FlagSpecs>(spec: CommandSpec<F>): CommandSpec<F> {
  return spec;
}

/** Options every command accepts, anywhere on the line: where config and state live. */
export const GLOBAL_FLAGS = {
  soul: {
    type: 'string',
    value: 'PATH',
    description: 'persona file (env INCIDENT_COMMANDER_SOUL; default: the shipped SOUL.md)',
  },
  severity: { type: 'string', value: 'PATH', description: 'severity framework (env INCIDENT_COMMANDER_SEVERITY)' },
  services: {
    type: 'string',
    value: 'PATH',
    description: 'services config: repos and deploy logs (env INCIDENT_COMMANDER_SERVICES)',
  },
  roster: {
    type: 'string',
    value: 'PATH',
    description: 'people, services they own, who is on call (env INCIDENT_COMMANDER_ROSTER)',
  },
  runbooks: {
    type: 'string',
    value: 'DIR',
    description: 'markdown runbooks with front matter (env INCIDENT_COMMANDER_RUNBOOKS)',
  },
  home: {
    type: 'string',
    value: 'DIR',
    description: 'state and config folder (env INCIDENT_COMMANDER_HOME; default ~/.incident-commander)',
  },
  db: {
    type: 'string',
    value: 'PATH',
    description: 'where the incident record lives: a SQLite file (env INCIDENT_COMMANDER_DB; default HOME/state.db)',
  },
  integrations: {
    type: 'string',
    value: 'PATH',
    description:
      'PagerDuty, Statuspage and Opsgenie settings (env INCIDENT_COMMANDER_INTEGRATIONS; default HOME/integrations.yaml)',
  },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
} as const satisfies FlagSpecs;

export type GlobalFlags = typeof GLOBAL_FLAGS;

type ValueOf<S extends FlagSpec> = S extends { schema: (zod: Zod) => infer Z extends ZodType }
  ? z.output<Z>
  : S extends { type: 'boolean' }
    ? boolean | undefined
    : S extends { multiple: true }
      ? string[]
      : string | undefined;

export type FlagValues<F extends FlagSpecs> = {
  [K in keyof F | keyof GlobalFlags]: K extends keyof F
    ? ValueOf<F[K]>
    : K extends keyof GlobalFlags
      ? ValueOf<GlobalFlags[K]>
      : never;
};

/** What a command's handler receives: checked flag values, the words that are not flags, its usage line. */
export interface Parsed<F extends FlagSpecs> {
  flags: FlagValues<F>;
  positionals: string[];
  /** `incident-commander <command> <args> [options]`, for usage errors. */
  usage: string;
}

export const BIN = 'incident-commander';

export function usageLine(spec: CommandSpec): string {
  const args = (spec.args ?? []).map((a) => (a.optional ? `[${a.name}]` : a.name));
  const required = Object.entries(spec.flags)
    .filter(([, f]) => f.required)
    .map(([name, f]) => `--${name} ${f.value ?? 'VALUE'}`);
  return [BIN, ...spec.path, ...args, ...required, '[options]'].join(' ');
}

function flagLines(flags: FlagSpecs): string[] {
  const label = (name: string, f: FlagSpec): string =>
    `${f.short ? `-${f.short}, ` : ''}--${name}${f.type === 'string' ? ` ${f.value ?? 'VALUE'}` : ''}${f.multiple ? ' …' : ''}`;
  const rows = Object.entries(flags).map(([name, f]) => [label(name, f), f.description] as const);
  const width = Math.max(...rows.map(([l]) => l.length));
  return rows.map(([l, d]) => `  ${l.padEnd(width)}  ${d}`);
}

/** A command's --help: generated from the same spec the parser reads. */
export function commandHelp(spec: CommandSpec): string {
  const out = [`Usage: ${usageLine(spec)}`, '', `${spec.summary}.`];
  if (spec.args?.length) {
    const width = Math.max(...spec.args.map((a) => a.name.length));
    out.push('', 'Arguments:', ...spec.args.map((a) => `  ${a.name.padEnd(width)}  ${a.description}`));
  }
  if (Object.keys(spec.flags).length) out.push('', 'Options:', ...flagLines(spec.flags));
  out.push('', 'Global options (anywhere on the line):', ...flagLines(GLOBAL_FLAGS));
  if (spec.notes?.length) out.push('', ...spec.notes);
  return `${out.join('\n')}\n`;
}

/** The options every command accepts, for the top-level --help (with --version, which only it takes). */
export function globalHelp(): string[] {
  return flagLines({ ...GLOBAL_FLAGS, version: { type: 'boolean', short: 'v', description: 'print the version' } });
}

/**
 * Where the first two words that are not options sit, skipping global options and their values:
 * in `--db x.db severity lint --json` they are `severity` and `lint`, so options may come first.
 */
export function wordPositions(argv: readonly string[]): number[] {
  const at: number[] = [];
  for (let i = 0; i < argv.length && at.length < 2; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-') || arg === '-') {
      at.push(i);
      continue;
    }
    const flag = (GLOBAL_FLAGS as FlagSpecs)[arg.replace(/^--/, '')];
    if (arg.startsWith('--') && !arg.includes('=') && flag?.type === 'string') i++;
  }
  return at;
}
