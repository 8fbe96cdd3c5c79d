import { isCommanderError, UnknownToolError, type CommanderError } from '../core/errors.js';
import { objectKeysAt, zodIssues } from '../core/zod-issues.js';
import type { Tool, ToolContext, ToolFailure, ToolResult } from './types.js';

function failureText(tool: string, failure: ToolFailure): string {
  return `Error (${failure.code}) in ${tool}: ${failure.message}\nWhat to do: ${failure.hint}`;
}

function fromCommanderError(error: CommanderError): ToolFailure {
  const data = error.toJSON();
  const issues = data['issues'] as ToolFailure['issues'];
  return { code: error.code, message: error.message, hint: error.hint, ...(issues ? { issues } : {}) };
}

/** The one list of tools. The MCP server and the agent loop both call through it. */
export class ToolRegistry {
  private readonly byName: ReadonlyMap<string, Tool>;

  constructor(readonly tools: readonly Tool[]) {
    const map = new Map<string, Tool>();
    for (const tool of tools) {
      if (map.has(tool.name)) throw new Error(`duplicate tool name ${tool.name}`);
      map.set(tool.name, tool);
    }
    this.byName = map;
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  get(name: string): Tool | undefined {
    return this.byName.get(name);
  }

  /** A registry with only the named tools (the SOUL.md allow-list), in the given order. */
  only(names: readonly string[]): ToolRegistry {
    return new ToolRegistry(names.map((n) => this.byName.get(n)).filter((t): t is Tool => t !== undefined));
  }

  /**
   * Validates the arguments, runs the tool and validates its output. Never throws:
   * bad input, unknown tools and failures inside the tool all come back as `ok: false`.
   */
  async call(name: string, args: unknown, ctx: ToolContext): Promise<ToolResult> {
    const tool = this.byName.get(name);
    if (!tool) {
      const failure = fromCommanderError(new UnknownToolError(name, this.names()));
      return { ok: false, tool: name, error: failure, text: failureText(name, failure) };
    }
    const parsed = tool.input.safeParse(args ?? {}, { reportInput: true });
    if (!parsed.success) {
      const issues = zodIssues(parsed.error, (path) => objectKeysAt(tool.input, path));
      const failure: ToolFailure = {
        code: 'invalid_input',
        message: issues.map((i) => `field "${i.field}": ${i.problem}`).join('; '),
        hint: `Rewrite the arguments so they satisfy the ${name} schema (fix the fields named above) and call again. Nothing was written.`,
        issues,
      };
      return { ok: false, tool: name, error: failure, text: failureText(name, failure) };
    }
    // Bindings inline rather than a child logger per call: a pino child with redaction costs more than the log line.
    try {
      const raw = await tool.handler(parsed.data as never, ctx);
      const output = tool.output.parse(raw) as Record<string, unknown>;
      ctx.logger.debug({ tool: name, ok: true }, 'tool call');
      const active = tool.activates?.(output as never) ?? null;
      return {
        ok: true,
        tool: name,
        output,
        text: JSON.stringify(output),
        ...(active ? { activeIncident: active } : {}),
      };
    } catch (error) {
      if (isCommanderError(error)) {
        ctx.logger.info({ tool: name, code: error.code, err: error.message }, 'tool call refused');
        const failure = fromCommanderError(error);
        return { ok: false, tool: name, error: failure, text: failureText(name, failure) };
      }
      ctx.logger.error({ tool: name, err: error }, 'tool call failed unexpectedly');
      const failure: ToolFailure = {
        code: 'internal_error',
        message: error instanceof Error ? error.message : String(error),
        hint: 'This is a bug or an infrastructure fault, not a problem with the arguments. Retry once; if it fails again, continue without this tool and tell the user.',
      };
      return { ok: false, tool: name, error: failure, text: failureText(name, failure) };
    }
  }
}
