import { readToolOutput, toolOutputText } from '../agent/tool-output.js';
import type { Message, ToolResultBlock, ToolUseBlock } from '../agent/types.js';

/** One tool call made earlier in this turn (by the playbook, or by Claude before a fallback). */
export interface PastCall {
  name: string;
  input: Record<string, unknown>;
  ok: boolean;
  /** The tool result: parsed JSON on success, the error text otherwise. */
  output: unknown;
}

/** What the playbook knows at one step: the user's words, the live context, and this turn's calls so far. */
export interface Turn {
  text: string;
  lower: string;
  /** From the runtime's context block: the conversation's active incident, if any. */
  activeIncidentId: string | null;
  /** Its status ("resolved" means a new report is a new incident). */
  activeStatus: string | null;
  now: Date | null;
  calls: PastCall[];
  /** Earlier user messages in this conversation, oldest first (without context blocks). */
  earlier: string[];
  /** The playbook's own text replies in earlier turns, oldest first. */
  earlierReplies: string[];
}

const CONTEXT = /^<context source="runtime">[\s\S]*<\/context>$/;

function userTexts(message: Message): string[] {
  if (message.role !== 'user') return [];
  return message.content.filter((b) => b.type === 'text').map((b) => (b as { text: string }).text);
}

/** Reads the conversation: the last user message that carries words is where this turn starts. */
export function readTurn(messages: readonly Message[]): Turn {
  let start = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (userTexts(messages[i]!).some((t) => !CONTEXT.test(t.trim()))) {
      start = i;
      break;
    }
  }
  const texts = start >= 0 ? userTexts(messages[start]!) : [];
  const context = texts.find((t) => CONTEXT.test(t.trim())) ?? '';
  const text = texts
    .filter((t) => !CONTEXT.test(t.trim()))
    .join('\n')
    .trim();
  const active = /Active incident: (INC-\d+) "[^\n]*" — (SEV\d), (\w+),/.exec(context);
  const incident = active?.[1] ?? /Active incident: (INC-\d+)/.exec(context)?.[1] ?? null;
  const nowMatch = /Now: (\d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC/.exec(context);

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
        // The tool's output from inside the untrusted-data envelope: read as data, never as a context block or a message.
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
    if (m.role === 'user') earlier.push(...userTexts(m).filter((t) => !CONTEXT.test(t.trim())));
    else earlierReplies.push(...m.content.filter((b) => b.type === 'text').map((b) => (b as { text: string }).text));
  }
  return {
    text,
    lower: text.toLowerCase(),
    activeIncidentId: incident,
    activeStatus: active?.[3] ?? null,
    now: nowMatch ? new Date(`${nowMatch[1]!.replace(' ', 'T')}:00Z`) : null,
    calls,
    earlier,
    earlierReplies,
  };
}

/** The last successful call of a tool in this turn. */
export function lastCall(turn: Turn, name: string): PastCall | undefined {
  return [...turn.calls].reverse().find((c) => c.name === name && c.ok);
}

/** True when a tool was already tried this turn (successfully or not): the playbook never repeats a call. */
export function tried(turn: Turn, name: string): boolean {
  return turn.calls.some((c) => c.name === name);
}
