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
      let schema: ToolSpec['input_schema'] | undefined;
      spec = {
        name: tool.name,
        description: tool.description,
        // Converted on first read: the offline playbook never reads it.
        get input_schema() {
          if (!schema) {
            const json = z.toJSONSchema(tool.input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
            delete json['$schema'];
            schema = { ...json, type: 'object' };
          }
          return schema;
        },
      };
      specs.set(tool, spec);
    }
    return spec;
  });
}
