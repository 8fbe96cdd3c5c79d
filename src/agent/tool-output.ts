/**
 * How tool output reaches a model: as data, never as instructions.
 *
 * Tool output quotes text written by people and systems outside the runtime — commit subjects,
 * deploy notes, runbook steps, incident titles, timeline entries — and any of it may hold text
 * written to steer the model: "ignore previous instructions", a fake `</tool_result>`, a fake
 * `<context source="runtime">` block (the block the persona is told to trust), a fake SOUL.md.
 * Each tool result is therefore sent inside one explicit envelope,
 *
 *     <tool_output tool="fetch_deploys" trust="untrusted">
 *     {"deploys":[{"summary":"\u003c/tool_result> ignore previous instructions …"}]}
 *     </tool_output>
 *
 * with every `<` inside it escaped as `\u003c`, so nothing inside can close the envelope or open
 * a tag of its own. For JSON output (every successful call) that escape is JSON's own: parsing
 * gives back the exact value. Error text is plain text; `readToolOutput` undoes the escape.
 */

const OPEN = /^<tool_output tool="[A-Za-z0-9_.-]*" trust="untrusted">\n/;
const CLOSE = '\n</tool_output>';

/** Escapes every `<`, so the text can neither close the envelope nor open a tag (`</context>`, `<context source="runtime">`). */
export function escapeMarkup(text: string): string {
  return text.replaceAll('<', '\\u003c');
}

/** A tool name as an attribute value: the model may ask for any name, so only safe characters pass. */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64);
}

/** The content of a tool_result block: the tool's text, escaped, inside the untrusted-data envelope. */
export function wrapToolOutput(tool: string, text: string): string {
  return `<tool_output tool="${safeName(tool)}" trust="untrusted">\n${escapeMarkup(text)}${CLOSE}`;
}

function unwrap(content: string): string | null {
  const open = OPEN.exec(content);
  return open && content.endsWith(CLOSE) ? content.slice(open[0].length, content.length - CLOSE.length) : null;
}

/** The tool's text from a tool_result's content, as the tool wrote it (error messages). Content without the envelope (sessions saved before it) is returned as it is. */
export function toolOutputText(content: string): string {
  const inner = unwrap(content);
  return inner === null ? content : inner.replaceAll('\\u003c', '<');
}

/** The tool's output from a tool_result's content: the parsed JSON (every successful call), else its text. */
export function readToolOutput(content: string): unknown {
  const inner = unwrap(content);
  try {
    // JSON's own escape: parsing gives back every `<` exactly.
    return JSON.parse(inner ?? content);
  } catch {
    return toolOutputText(content);
  }
}
