import { inline } from './turn-context.js';
import type { Message, TextBlock, UserBlock } from './types.js';

/** Marks the runtime's summary of earlier turns; the persona is told it is the runtime's own digest. */
export const SUMMARY_OPEN = '<conversation_summary source="runtime">';
const SUMMARY_CLOSE = '</conversation_summary>';
/** The digest's length bound: the newest lines are kept. */
const SUMMARY_MAX = 12_000;
const LINE_MAX = 300;

export interface Compaction {
  messages: Message[];
  /** Turns folded into the summary. */
  folded: number;
}

/** A user message that starts a turn: it opens with text (the context block), not with tool results. */
function startsTurn(m: Message): boolean {
  return m.role === 'user' && m.content[0]?.type === 'text';
}

/** The person's own words in a turn's first message: its last text block (the first is the context block). */
function said(m: Message): string {
  const texts = m.content.filter((b): b is TextBlock => b.type === 'text').map((b) => b.text);
  const own = texts.filter((t) => !t.startsWith('<context') && !t.startsWith(SUMMARY_OPEN));
  return own.join(' ');
}

const cut = (text: string): string => {
  const one = inline(text);
  return one.length > LINE_MAX ? `${one.slice(0, LINE_MAX - 1)}…` : one;
};

/** The earlier summary, if the history already starts with one. */
function earlierSummary(m: Message | undefined): string[] {
  const first = m?.role === 'user' ? m.content.find((b) => b.type === 'text' && b.text.startsWith(SUMMARY_OPEN)) : null;
  if (first?.type !== 'text') return [];
  return first.text
    .slice(SUMMARY_OPEN.length, first.text.length - SUMMARY_CLOSE.length)
    .split('\n')
    .filter((l) => l.startsWith('- ') || l.startsWith('  '));
}

/**
 * Folds all but the newest `keepTurns` turns into one digest the runtime writes itself (no model
 * call: it works offline, costs nothing and cannot be talked into saying something else): per
 * turn, what the person said, the tools that ran, and what the commander answered, each cut to
 * one line. The incident record in the store stays complete; this only bounds what is sent.
 * Tool calls and their results are never split: the cut is at a turn boundary. Null when there
 * is nothing to fold.
 */
export function compactHistory(messages: readonly Message[], keepTurns: number): Compaction | null {
  const starts = messages.flatMap((m, i) => (startsTurn(m) ? [i] : []));
  if (starts.length <= keepTurns) return null;
  const keepFrom = starts[starts.length - Math.max(1, keepTurns)]!;
  const old = messages.slice(0, keepFrom);
  const lines = earlierSummary(old[0]);
  let folded = 0;
  for (const m of old) {
    if (startsTurn(m)) {
      folded++;
      const words = said(m);
      if (words) lines.push(`- Person: ${cut(words)}`);
    } else if (m.role === 'assistant') {
      const tools = m.content.flatMap((b) => (b.type === 'tool_use' ? [b.name] : []));
      const text = m.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join(' ');
      if (tools.length) lines.push(`  Tools run: ${tools.join(', ')}`);
      if (text.trim()) lines.push(`  Commander: ${cut(text)}`);
    }
  }
  let body = lines.join('\n');
  while (body.length > SUMMARY_MAX && lines.length > 1) {
    lines.shift();
    body = lines.join('\n');
  }
  const summary: TextBlock = {
    type: 'text',
    text: `${SUMMARY_OPEN}\nEarlier in this conversation (${folded} turns, summarised by the runtime; the incident record has every detail):\n${body}\n${SUMMARY_CLOSE}`,
  };
  const [first, ...rest] = messages.slice(keepFrom) as [Message & { role: 'user' }, ...Message[]];
  // The turn's context block stays first (the persona trusts only a message's first block as the
  // runtime's); the summary follows it, then what the person said.
  const [context, ...words] = first.content as UserBlock[];
  const opened: Message = { role: 'user', content: [context!, summary, ...words] };
  return { messages: [opened, ...rest], folded };
}

/** A rough size of a history in tokens (about four characters each), for when the API has not said. */
export function estimateTokens(messages: readonly Message[]): number {
  return Math.ceil(JSON.stringify(messages).length / 4);
}
