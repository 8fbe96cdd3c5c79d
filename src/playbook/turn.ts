import { readToolOutput, toolOutputText } from '../agent/tool-output.js';
import type { Message, ToolResultBlock, ToolUseBlock, TurnContext } from '../agent/types.js';
import type { IncidentView } from '../incident/view.js';

/** One tool call made earlier in this turn (by the playbook, or by Claude before a fallback). */
export interface PastCall {
  name: string;
  input: Record<string, unknown>;
  ok: boolean;
  /** The tool result: parsed JSON on success, the error text otherwise. */
  output: unknown;
}

/** What the playbook knows at one step: the user's words, the live state as data, and this turn's calls so far. */
export interface Turn {
  text: string;
  /** This turn's time, from the runtime. */
  now: Date;
  /** Who sent the message. */
  actor: string;
  /** The conversation's active incident at the start of the turn, as the runtime read it; null when none. */
  live: IncidentView | null;
  calls: PastCall[];
  /** Earlier user messages in this conversation, oldest first (without the runtime's context). */
  earlier: string[];
  /** The playbook's own text replies in earlier turns, oldest first. */
  earlierReplies: string[];
}

/** The runtime's context block and anything else it marks as its own: not the user's words. */
const RUNTIME = /^<context source="runtime">/;

function userTexts(message: Message): string[] {
  if (message.role !== 'user') return [];
  return message.content.flatMap((b) => (b.type === 'text' && !RUNTIME.test(b.text.trim()) ? [b.text] : []));
}

/** Reads the conversation: the last user message that carries words is where this turn starts. */
export function readTurn(messages: readonly Message[], context: TurnContext): Turn {
  let start = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (userTexts(messages[i]!).length) {
      start = i;
      break;
    }
  }
  const text = (start >= 0 ? userTexts(messages[start]!) : []).join('\n').trim();
  const uses = new Map<string, ToolUseBlock>();
  const calls: PastCall[] = [];
  for (const m of messages.slice(start + 1)) {
    if (m.role === 'assistant') for (const b of m.content) if (b.type === 'tool_use') uses.set(b.id, b);
    if (m.role === 'user') {
      for (const b of m.content) {
        if (b.type !== 'tool_result') continue;
        const use = uses.get((b as ToolResultBlock).tool_use_id);
        if (!use) continue;
        const ok = !b.is_error;
        // The tool's output from inside the untrusted-data envelope: read as data, never as a message.
        calls.push({
          name: use.name,
          input: use.input,
          ok,
          output: ok ? readToolOutput(b.content) : toolOutputText(b.content),
        });
      }
    }
  }
  const earlier: string[] = [];
  const earlierReplies: string[] = [];
  for (const m of messages.slice(0, Math.max(0, start))) {
    if (m.role === 'user') earlier.push(...userTexts(m));
    else earlierReplies.push(...m.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])));
  }
  const now = new Date(context.now);
  return {
    text,
    now: Number.isNaN(now.getTime()) ? new Date() : now,
    actor: context.actor,
    live: context.incident,
    calls,
    earlier,
    earlierReplies,
  };
}

/** The last successful call of a tool in this turn. */
export function lastCall(turn: Turn, name: string): PastCall | undefined {
  return [...turn.calls].reverse().find((c) => c.name === name && c.ok);
}

/** True when a tool was already tried this turn (successfully or not). */
export function tried(turn: Turn, name: string): boolean {
  return turn.calls.some((c) => c.name === name);
}

/** The incident this turn is about: the live one, or the one this turn opened. */
export function activeIncident(turn: Turn): { id: string; status: string } | null {
  const opened = lastCall(turn, 'open_incident');
  const id = (opened?.output as { incident?: { id?: unknown; status?: unknown } } | undefined)?.incident;
  if (id && typeof id.id === 'string') return { id: id.id, status: String(id.status ?? 'investigating') };
  return turn.live ? { id: turn.live.incident.id, status: turn.live.incident.status } : null;
}
