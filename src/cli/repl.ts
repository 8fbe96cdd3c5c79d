import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { ModelRequestError } from '../agent/types.js';
import type { Conversation, ConversationService } from '../conversation/service.js';
import { NotFoundError } from '../core/errors.js';
import { parseIncidentId } from '../core/ids.js';
import { formatClock } from '../core/time.js';
import { type IncidentView, incidentView } from '../incident/view.js';
import type { Runtime } from '../runtime/runtime.js';
import { StatusLine } from './status-line.js';
import { turnPrinter } from './turn-printer.js';
import { describeUsage } from './usage.js';

export interface ReplIO {
  input: Readable;
  output: Writable;
  errors: Writable;
  /** Colours and a prompt only on a terminal. */
  tty: boolean;
}

export interface ReplOptions {
  runtime: Runtime;
  conversations: ConversationService;
  conversation: Conversation;
  /** Who is typing: the author of what they say. */
  actor: string;
  mode: string;
  io: ReplIO;
  /** Lines arriving closer together than this are one pasted message. */
  pasteMs?: number;
  /** The model the conversation talks to, for /cost. */
  model?: string;
}

const HELP = [
  'Type what is happening, or a question. Paste several lines at once; end a line with \\ to continue it.',
  'Commands:',
  '  /status           the active incident: severity, roles, updates due, what needs attention',
  '  /incident [ID]    show the active incident, or switch to another (resumes its saved session)',
  '  /new              start a new session (the incident record is kept)',
  '  /soul             reload SOUL.md now and show the active persona',
  '  /cost             tokens used and the estimated cost of this session',
  '  /help             this help',
  '  /quit             leave (Ctrl-D works too); Ctrl-C stops a turn in progress',
].join('\n');

/**
 * The interactive chat: a readline loop over the agent. SOUL.md is re-read before every turn,
 * so persona edits apply to the next turn. Resolves when the user quits or input ends.
 */
export async function runRepl(options: ReplOptions): Promise<void> {
  const { runtime, conversations, io } = options;
  let session = options.conversation;
  const dim = (s: string): string => (io.tty ? `\x1b[2m${s}\x1b[0m` : s);
  const warn = (s: string): void => void io.errors.write(io.tty ? `\x1b[33m${s}\x1b[0m\n` : `${s}\n`);
  const say = (s: string): void => void io.output.write(`${s}\n`);
  const prompt = (): string => (session.incidentId ? `${session.incidentId} ▸ ` : 'ic ▸ ');
  const status = new StatusLine((t) => void io.errors.write(t), io.tty);

  const rl: Interface = createInterface({
    input: io.input,
    output: io.tty ? io.output : undefined,
    terminal: io.tty,
    historySize: 500,
  });
  let turn: AbortController | null = null;
  rl.on('SIGINT', () => {
    if (turn) {
      turn.abort();
      warn('(stopping this turn)');
    } else rl.close();
  });

  say(
    dim(
      `incident-commander — ${options.mode}. /help for commands. ${session.incidentId ? `Resumed ${session.incidentId}.` : ''}`.trim(),
    ),
  );

  const runTurn = async (text: string): Promise<void> => {
    const soul = runtime.refreshSoul();
    if (soul.changed) warn(`SOUL.md reloaded (${runtime.soul.hash}).`);
    if (soul.error) warn(`SOUL.md has errors, keeping the previous persona: ${soul.error.message}`);
    turn = new AbortController();
    const printer = turnPrinter(
      {
        out: (t) => void io.output.write(t),
        err: (t) => void io.errors.write(t),
        notice: (m) => (io.tty ? `\x1b[33m${m}\x1b[0m\n` : `${m}\n`),
        tool: (name) => dim(`  ↳ ${name}\n`),
      },
      status,
    );
    try {
      await session.send({ text, actor: options.actor }, printer, turn.signal);
      printer.done();
    } catch (error) {
      printer.done();
      if (turn.signal.aborted) warn('Turn stopped. Anything the tools already wrote is kept on the timeline.');
      else if (error instanceof ModelRequestError) warn(`${error.message}\n${error.hint}`);
      else
        warn(
          `The turn failed: ${error instanceof Error ? error.message : String(error)}. The incident record is intact; try again or use --offline.`,
        );
    } finally {
      turn = null;
    }
  };

  const command = async (line: string): Promise<boolean> => {
    const [cmd, arg] = line.trim().split(/\s+/, 2);
    switch (cmd) {
      case '/quit':
      case '/exit':
        return false;
      case '/help':
        say(HELP);
        return true;
      case '/new':
        session = await conversations.open({ kind: 'new' });
        say(dim('New session.'));
        return true;
      case '/cost': {
        const { usage, costUsd } = session.usage;
        say(
          `This session, ${session.turns} turn${session.turns === 1 ? '' : 's'}: ${describeUsage(usage, costUsd, options.model ?? runtime.soul.config.model, false)}.`,
        );
        return true;
      }
      case '/soul': {
        const r = runtime.refreshSoul();
        if (r.error) warn(`SOUL.md has errors, keeping the previous persona: ${r.error.message}`);
        const s = runtime.soul;
        say(
          `${s.file} (${s.hash})${r.changed ? ' — reloaded' : ''}: ${s.config.name}, model ${s.config.model}, time-box ${s.config.settings.hypothesis_timebox_minutes} min, post-mortem within ${s.config.settings.postmortem_deadline_hours} h, ${s.config.tools.length} tools`,
        );
        return true;
      }
      case '/incident': {
        if (!arg) {
          say(
            session.incidentId
              ? `Active incident: ${session.incidentId}`
              : 'No active incident. Describe what is happening to open one, or /incident INC-12.',
          );
          return true;
        }
        const id = parseIncidentId(arg);
        const next = id
          ? await conversations.open({ kind: 'incident', incidentId: id }).catch((error: unknown) => {
              if (error instanceof NotFoundError) return null;
              throw error;
            })
          : null;
        if (!next) {
          warn(`No incident ${arg}. /status or \`incident-commander incidents list\` shows the ids.`);
          return true;
        }
        session = next;
        say(dim(`Now working on ${id}${session.turns ? ` (resumed ${session.turns} earlier turns)` : ''}.`));
        return true;
      }
      case '/status': {
        if (!session.incidentId) {
          say('No active incident in this session.');
          return true;
        }
        let s: IncidentView;
        try {
          s = await incidentView(runtime.context('chat'), session.incidentId, { timelineLimit: 5 });
        } catch (error) {
          warn(error instanceof Error ? error.message : String(error));
          return true;
        }
        say(`${s.incident.id} ${s.incident.title} — ${s.incident.severity}, ${s.incident.status}`);
        for (const role of s.roles) say(`  ${role.title}: ${role.person ?? `NEEDED — ${role.need}`}`);
        for (const u of s.schedule.filter((x) => x.nextDueAt))
          say(`  ${u.audience} update ${u.overdue ? 'OVERDUE' : `due ${formatClock(u.nextDueAt!)}`}`);
        for (const a of s.attention) warn(`  ! ${a}`);
        return true;
      }
      default:
        warn(`Unknown command ${cmd}. /help lists them.`);
        return true;
    }
  };

  // Pasted text arrives as several lines in one burst: gather lines that come within pasteMs into one message.
  const pending: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  let busy = Promise.resolve(true);
  /** A burst of lines: each /command line on its own, the lines between them as one message. */
  const split = (lines: string[]): string[] => {
    const out: string[] = [];
    let message: string[] = [];
    const close = (): void => {
      const text = message.join('\n').replace(/\\\n/g, '\n').trim();
      if (text) out.push(text);
      message = [];
    };
    for (const line of lines) {
      if (/^\/[a-z]+\b/.test(line.trim())) {
        close();
        out.push(line.trim());
      } else message.push(line);
    }
    close();
    return out;
  };

  const flush = (): void => {
    timer = undefined;
    const items = split(pending.splice(0));
    if (!items.length) {
      if (io.tty) rl.prompt();
      return;
    }
    busy = busy.then(async (open) => {
      for (const text of items) {
        if (!open) return false;
        if (text.startsWith('/')) open = await command(text);
        else await runTurn(text);
      }
      if (!open) rl.close();
      else if (io.tty) {
        rl.setPrompt(prompt());
        rl.prompt();
      }
      return open;
    });
  };

  rl.setPrompt(prompt());
  if (io.tty) rl.prompt();
  await new Promise<void>((resolve) => {
    rl.on('line', (line) => {
      pending.push(line);
      if (line.endsWith('\\')) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(flush, options.pasteMs ?? 25);
    });
    rl.on('close', () => {
      if (timer) {
        clearTimeout(timer);
        flush();
      }
      void busy.then(() => resolve());
    });
  });
}
