import type { CliIO } from './io.js';

export interface CommandModule {
  run(argv: string[], io: CliIO): Promise<number>;
}

/** A CLI command. Modules load lazily so `--version` and `--help` start fast. */
export interface CommandEntry {
  path: readonly string[];
  usage: string;
  summary: string;
  /**
   * Long-running servers keep zod's compiled (JIT) validators, which are faster per call; one-shot
   * commands run jitless, which starts faster.
   */
  longRunning?: boolean;
  load(): Promise<CommandModule>;
}
