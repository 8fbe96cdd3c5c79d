import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { printable } from '../core/control.js';
import { quote } from '../core/zod-issues.js';
import type { TemplateLibrary } from '../templates/library.js';

export function listPrompts(templates: TemplateLibrary) {
  return templates.list('prompt').map((t) => ({
    name: t.id,
    title: t.title,
    description: t.description,
    arguments: t.arguments.map((a) => ({ name: a.name, description: a.description, required: a.required })),
  }));
}

const MAX_ARG = 8000;

/** Renders a prompt template with its arguments; a missing required or unknown argument is an InvalidParams error naming it. */
export function getPrompt(templates: TemplateLibrary, name: string, args: Record<string, string> = {}) {
  const template = templates.list('prompt').find((t) => t.id === name);
  if (!template)
    throw new McpError(
      ErrorCode.InvalidParams,
      `unknown prompt ${quote(name, 80)}; prompts: ${templates
        .list('prompt')
        .map((t) => t.id)
        .join(', ')}`,
    );
  const known = new Set(template.arguments.map((a) => a.name));
  for (const key of Object.keys(args)) {
    if (!known.has(key))
      throw new McpError(
        ErrorCode.InvalidParams,
        `prompt "${name}" has no argument ${quote(key, 80)}; arguments: ${[...known].join(', ')}`,
      );
    if (args[key]!.length > MAX_ARG)
      throw new McpError(ErrorCode.InvalidParams, `argument "${key}" is longer than ${MAX_ARG} characters`);
  }
  const vars: Record<string, string> = {};
  for (const a of template.arguments) {
    // The caller's text goes into a message a model reads and a client shows: no escapes or controls.
    const value = printable(args[a.name] ?? '').trim();
    if (a.required && !value)
      throw new McpError(ErrorCode.InvalidParams, `prompt "${name}" needs argument "${a.name}": ${a.description}`);
    vars[a.name] = value;
  }
  return {
    description: template.description,
    messages: [{ role: 'user' as const, content: { type: 'text' as const, text: template.render(vars) } }],
  };
}
