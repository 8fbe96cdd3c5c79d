import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { TurnOutput } from '../agent/loop.js';
import { oneLine, printable } from '../core/control.js';
import { makePrivateDir } from '../core/files.js';
import { createLogger, type Logger, type LogLevel, logLevelFromEnv } from '../core/logger.js';
import { pino } from 'pino';
import type { StatusLine } from './status-line.js';

export interface TurnPrinter extends TurnOutput {
  /** Ends the turn's output: wipes the status line and closes the reply's last line. */
  done(): void;
}

export interface PrinterSinks {
  out: (text: string) => void;
  err: (text: string) => void;
  /** How a notice looks (a prefix, a colour). */
  notice: (message: string) => string;
  /** How a tool call is shown on stderr, if at all. */
  tool?: (name: string) => string;
}

/**
 * What a terminal shows of a turn: the reply on stdout, notices and tool calls on stderr, the
 * status line while nothing else is happening. Everything from outside (model text, error text
 * from servers, tool names a model made up) is passed through `printable` on its way out, the
 * last guard between untrusted text and the terminal.
 */
export function turnPrinter(sinks: PrinterSinks, status: StatusLine): TurnPrinter {
  let last = '';
  let wrote = false;
  return {
    onText(delta) {
      status.clear();
      const text = printable(delta);
      if (!text) return;
      sinks.out(text);
      last = text;
      wrote = true;
    },
    onNotice(message) {
      status.clear();
      if (wrote && !last.endsWith('\n')) {
        sinks.out('\n');
        last = '\n';
      }
      sinks.err(sinks.notice(printable(message)));
    },
    onToolCall(name) {
      const shown = oneLine(name, 64);
      status.clear();
      if (sinks.tool) sinks.err(sinks.tool(shown));
      status.show(`running ${shown}`);
    },
    onWaiting(who) {
      status.show(`waiting for ${who}`);
    },
    done() {
      status.clear();
      if (wrote && !last.endsWith('\n')) sinks.out('\n');
    },
  };
}

/**
 * The logger of an interactive command. On a terminal, log lines would land in the middle of the
 * conversation, so they go to a private file in the home folder instead (INCIDENT_COMMANDER_LOG_FILE
 * names another, "-" keeps stderr); piped, they stay on stderr for whoever collects them.
 */
export function interactiveLogger(
  env: NodeJS.ProcessEnv,
  home: string,
  terminal: boolean,
  fallback: LogLevel = 'warn',
): { logger: Logger; file: string | null } {
  const level = logLevelFromEnv(env, fallback);
  const wanted = env['INCIDENT_COMMANDER_LOG_FILE'];
  if (wanted === '-' || (!terminal && !wanted)) return { logger: createLogger({ level, env }), file: null };
  const file = wanted || join(home, 'logs', 'commander.log');
  try {
    makePrivateDir(join(file, '..'));
    closeSync(openSync(file, 'a', 0o600));
  } catch {
    return { logger: createLogger({ level, env }), file: null };
  }
  return { logger: createLogger({ level, env, destination: pino.destination({ dest: file, sync: true }) }), file };
}
