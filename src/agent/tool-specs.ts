import { z } from 'zod';
import type { ToolRegistry } from '../registry/registry.js';
import type { Tool } from '../registry/types.js';
import type { ToolSpec } from './types.js';

const specs = new WeakMap<Tool, ToolSpec>();

/**
 * Tool definitions for the Messages API, converted once per tool: the same objects every turn,
 * so the cached prefix (tools, then system) stays byte-identical.
 */
export function toolSpecs(registry: ToolRegistry): ToolSpec[] {
  return registry.tools.map((tool) => {
    let spec = specs.get(tool);
    if (!spec) {
      const schema = z.toJSONSchema(tool.input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
      delete schema['$schema'];
      spec = { name: tool.name, description: tool.description, input_schema: { ...schema, type: 'object' } };
      specs.set(tool, spec);
    }
    return spec;
  });
}
