import { packageVersion } from '../config/package-root.js';
import { isCommanderError } from '../core/errors.js';
import { closest } from '../core/suggest.js';
import type { CommandEntry } from './command.js';
import { COMMANDS } from './commands/index.js';
import { EXIT, type CliIO, UsageError } from './io.js';
import { BIN, commandHelp, globalHelp, wordPositions } from './spec.js';

function help(commands: readonly CommandEntry[]): string {
  const names = commands.map((c) => c.spec.path.join(' '));
  const width = Math.max(...names.map((n) => n.length));
  return [
    `${BIN} — an incident response commander: severity first, roles before troubleshooting,`,
    'updates on a cadence, everything on the timeline, blameless post-mortems within 48 hours.',
    '',
    `Usage: ${BIN} <command> [options]`,
    '',
    'Commands:',
    ...commands.map((c, i) => `  ${names[i]!.padEnd(width)}  ${c.spec.summary}`),
    '',
    'Options for every command, anywhere on the line:',
    ...globalHelp(),
    '',
    `Run \`${BIN} <command> --help\` for a command's own options.`,
    'Logs go to stderr (level: INCIDENT_COMMANDER_LOG_LEVEL); stdout carries only the requested output.',
  ].join('\n');
}

/** The command a line names, and the rest of the line with the command words taken out. */
function locate(
  argv: readonly string[],
  commands: readonly CommandEntry[],
  at: readonly number[],
): { entry: CommandEntry; rest: string[] } | { unknown: string; hint: string } {
  const [first, second] = at.map((i) => argv[i]!);
  const match =
    commands.find((c) => c.spec.path.length === 2 && c.spec.path[0] === first && c.spec.path[1] === second) ??
    commands.find((c) => c.spec.path.length === 1 && c.spec.path[0] === first);
  if (match) {
    const taken = new Set(at.slice(0, match.spec.path.length));
    return { entry: match, rest: argv.filter((_, i) => !taken.has(i)) };
  }
  const group = commands.filter((c) => c.spec.path[0] === first);
  if (group.length) {
    const subs = group.map((c) => c.spec.path[1]!);
    const guess = second ? closest(second, subs) : undefined;
    return {
      unknown: [first, second].filter(Boolean).join(' '),
      hint: `${guess ? `Did you mean \`${BIN} ${first} ${guess}\`? ` : ''}Try: ${subs.map((s) => `${BIN} ${first} ${s}`).join(' | ')}`,
    };
  }
  const guess = closest(first ?? '', [...new Set(commands.map((c) => c.spec.path[0]!))]);
  return {
    unknown: first ?? '',
    hint: `${guess ? `Did you mean \`${BIN} ${guess}\`? ` : ''}Run \`${BIN} --help\` for the list of commands.`,
  };
}

/** Parses the command line and dispatches; returns the exit code. Never calls process.exit. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  if (argv[0] === '-v' || argv[0] === '--version') {
    io.stdout(`${packageVersion()}\n`);
    return EXIT.ok;
  }
  const at = wordPositions(argv);
  const wantsHelp = argv.some((a) => a === '--help' || a === '-h');
  if (at.length === 0 || argv[at[0]!] === 'help') {
    io.stdout(`${help(COMMANDS)}\n`);
    return at.length === 0 && !wantsHelp ? EXIT.usage : EXIT.ok;
  }
  const found = locate(argv, COMMANDS, at);
  if ('unknown' in found) {
    io.stderr(`error: unknown command "${found.unknown}"\n${found.hint}\n`);
    return EXIT.usage;
  }
  if (wantsHelp) {
    io.stdout(commandHelp(found.entry.spec));
    return EXIT.ok;
  }
  try {
    return await found.entry.run(found.rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`error: ${error.message}\n${error.hint}\n`);
      return EXIT.usage;
    }
    if (isCommanderError(error)) {
      io.stderr(`error: ${error.message}\n${error.hint}\n`);
      return EXIT.failed;
    }
    const message = error instanceof Error ? error.message : String(error);
    const advice = environmentAdvice(error);
    io.stderr(`error: ${message}\n${advice ?? 'This looks like a bug; please report it with the command you ran.'}\n`);
    return EXIT.failed;
  }
}

/**
 * What to do about a failure of the machine rather than of the program (a path that is not
 * there, a permission, a full disk, a locked database), by its code; null for anything else,
 * which is then reported as the bug it is.
 */
function environmentAdvice(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  const advice: Record<string, string> = {
    ENOENT: 'A file or folder it needs does not exist: check the path above.',
    ENOTDIR: 'Part of the path above is a file, not a folder: check the path.',
    EISDIR: 'The path above is a folder where a file was expected.',
    EACCES: 'Permission denied: check who owns the path above, or choose one you can use.',
    EPERM: 'Permission denied: check who owns the path above, or choose one you can use.',
    EROFS: 'The file system is read-only: choose a writable location (--home, --db).',
    ENOSPC: 'The disk is full: free some space.',
    EMFILE: 'Too many open files: raise the limit (ulimit -n) or lower --max-connections.',
    ENFILE: 'The system is out of file handles: close other programs or raise the limit.',
    EADDRINUSE: 'The port is already in use: pass --port with a free port (--port 0 picks one).',
    SQLITE_BUSY:
      'Another process held the database lock too long: retry; if it persists, find the process holding state.db.',
    SQLITE_LOCKED:
      'Another process held the database lock too long: retry; if it persists, find the process holding state.db.',
    SQLITE_FULL: 'The disk holding the database is full: free some space.',
    SQLITE_IOERR:
      'The disk failed to read or write the database: check the disk, then restore state.db from a backup if needed.',
    SQLITE_NOTADB:
      'The database file is not a SQLite database: check --db, or move the file aside to start a new record.',
    SQLITE_CORRUPT: 'The database file is damaged: restore it from a backup, or move it aside to start a new record.',
    SQLITE_READONLY: 'The database cannot be written: check the permissions of state.db and its folder.',
    SQLITE_CANTOPEN: 'The database cannot be opened: check the path and the permissions of its folder.',
  };
  return advice[code] ?? null;
}
