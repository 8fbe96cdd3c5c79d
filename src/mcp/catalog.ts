import { z } from 'zod';
import type { ToolRegistry } from '../registry/registry.js';
import type { Tool } from '../registry/types.js';

/** A tool as MCP lists it. */
export interface McpToolDefinition {
  name: string;
  title: string;
  description: string;
  inputSchema: { type: 'object'; [key: string]: unknown };
  outputSchema: { type: 'object'; [key: string]: unknown };
  annotations: Tool['annotations'] & { title: string };
}

function objectSchema(schema: z.ZodType, io: 'input' | 'output'): { type: 'object'; [key: string]: unknown } {
  const json = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return { ...json, type: 'object' };
}

export interface CatalogOptions {
  /** Only these tools; unknown names are a usage error reported by the caller. */
  allow?: readonly string[] | undefined;
  /** Drop every tool that writes (PagerDuty's default, Grafana's --disable-write). */
  readOnly?: boolean | undefined;
}

/** The registry's tools converted to MCP definitions once, on first use, and shared by every session. */
export class ToolCatalog {
  readonly registry: ToolRegistry;
  private cached: readonly McpToolDefinition[] | undefined;

  constructor(registry: ToolRegistry, options: CatalogOptions = {}) {
    let tools = options.allow ? registry.only(options.allow) : registry;
    if (options.readOnly) tools = tools.only(tools.tools.filter((t) => t.annotations.readOnlyHint).map((t) => t.name));
    this.registry = tools;
  }

  get definitions(): readonly McpToolDefinition[] {
    this.cached ??= this.registry.tools.map((tool) => ({
      name: tool.name,
      title: tool.title,
      description: tool.description,
      inputSchema: objectSchema(tool.input, 'input'),
      outputSchema: objectSchema(tool.output, 'output'),
      annotations: { title: tool.title, ...tool.annotations },
    }));
    return this.cached;
  }
}
