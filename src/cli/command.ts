import type { CliIO } from './io.js';
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

/** Pairs a spec with its lazily loaded module, so help, errors and `--version` never load the handlers. */
export function entry<F extends FlagSpecs>(spec: CommandSpec<F>, load: () => Promise<CommandModule<F>>): CommandEntry {
  return {
    spec,
    async run(argv, io) {
      const { parseCommand } = await import('./parse.js');
      const args = parseCommand(spec, argv);
      return (await load()).run(args, io);
    },
  };
}
