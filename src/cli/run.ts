import { isCommanderError } from '../core/errors.js';
import { packageVersion } from '../config/package-root.js';
import { COMMANDS } from './commands/index.js';
import { EXIT, UsageError, type CliIO } from './io.js';

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.path.join(' ').length));
  return [
    'incident-commander — an incident response commander: severity first, roles before troubleshooting,',
    'updates on a cadence, everything on the timeline, blameless post-mortems within 48 hours.',
    '',
    'Usage: incident-commander <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    'Options for every command:',
    '  --soul PATH       persona file (env INCIDENT_COMMANDER_SOUL; default: the shipped SOUL.md)',
    '  --severity PATH   severity framework (env INCIDENT_COMMANDER_SEVERITY)',
    '  --services PATH   services config: repos and deploy logs (env INCIDENT_COMMANDER_SERVICES)',
    '  --roster PATH     people, services they own, who is on call (env INCIDENT_COMMANDER_ROSTER)',
    '  --runbooks DIR    markdown runbooks with front matter (env INCIDENT_COMMANDER_RUNBOOKS)',
    '  --home DIR        state and config folder (env INCIDENT_COMMANDER_HOME; default ~/.incident-commander)',
    '  --db PATH         SQLite state file (default $INCIDENT_COMMANDER_HOME/state.db)',
    '  -h, --help        help for a command',
    '  -v, --version     print the version',
    '',
    'Logs go to stderr (level: INCIDENT_COMMANDER_LOG_LEVEL); stdout carries only the requested output.',
  ].join('\n');
}

/** Parses the command line and dispatches; returns the exit code. Never calls process.exit. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const [first, second] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    io.stdout(`${help()}\n`);
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === '-v' || first === '--version') {
    io.stdout(`${packageVersion()}\n`);
    return EXIT.ok;
  }
  const entry = COMMANDS.find((c) => c.path[0] === first && (c.path.length === 1 || c.path[1] === second));
  if (!entry) {
    const group = COMMANDS.filter((c) => c.path[0] === first);
    const hint = group.length
      ? `Try: ${group.map((c) => c.usage).join(' | ')}`
      : 'Run incident-commander --help for the list of commands.';
    io.stderr(`error: unknown command "${argv.slice(0, group.length ? 2 : 1).join(' ')}"\n${hint}\n`);
    return EXIT.usage;
  }
  const rest = argv.slice(entry.path.length);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`Usage: ${entry.usage}\n\n${entry.summary}.\n`);
    return EXIT.ok;
  }
  try {
    if (!entry.longRunning) (await import('zod')).z.config({ jitless: true });
    const module = await entry.load();
    return await module.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`error: ${error.message}\n${error.hint}\n`);
      return EXIT.usage;
    }
    if (isCommanderError(error)) {
      io.stderr(`error: ${error.message}\n${error.hint}\n`);
      return EXIT.failed;
    }
    io.stderr(
      `error: ${error instanceof Error ? error.message : String(error)}\nThis looks like a bug; please report it with the command you ran.\n`,
    );
    return EXIT.failed;
  }
}
