import type { CliIO } from './io.js';
import { parseCommand } from './parse.js';
import type { CommandSpec, FlagSpecs, Parsed } from './spec.js';

/** A command's module: its handler, given the arguments parsed from its spec. */
export interface CommandModule<F extends FlagSpecs> {
  run(args: Parsed<F>, io: CliIO): Promise<number>;
}

/** A CLI command as the dispatcher holds it: the spec, and a run that parses with that same spec. */
export interface CommandEntry {
  spec: CommandSpec;
  run(argv: readonly string[], io: CliIO): Promise<number>;
}

/** Pairs a spec with its lazily loaded module, so --help and --version never load the handlers, the parser or zod. */
export function entry<F extends FlagSpecs>(spec: CommandSpec<F>, load: () => Promise<CommandModule<F>>): CommandEntry {
  return {
    spec,
    async run(argv, io) {
      const { z } = await import('zod');
      // Before any schema exists: zod decides per schema, when it is built, whether to compile it.
      if (!spec.longRunning) z.config({ jitless: true });
      const args = parseCommand(spec, argv, z);
      return (await load()).run(args, io);
    },
  };
}
