import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AudienceSchema, type Audience } from '../core/audiences.js';
import { ConfigError } from '../core/errors.js';
import { parseFrontMatter, validateConfig } from '../core/yaml.js';
import { parseTemplate, renderTemplate, tidy, TemplateError } from './render.js';

const ArgumentSchema = z
  .object({
    name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]*$/),
    description: z.string().min(1),
    required: z.boolean().default(false),
  })
  .strict();

export const PromptFrontMatterSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z][a-z0-9.-]*$/, 'must be lowercase with dots or dashes, such as "stakeholder-update.customer"'),
    kind: z.enum(['stakeholder_update', 'prompt', 'judge', 'context']),
    title: z.string().min(1).max(100),
    description: z.string().min(1).max(500),
    audience: AudienceSchema.optional(),
    /** Arguments when the template is offered as an MCP prompt. */
    arguments: z.array(ArgumentSchema).default([]),
  })
  .strict()
  .refine((fm) => fm.kind !== 'stakeholder_update' || fm.audience !== undefined, {
    message: 'a stakeholder_update template needs an audience',
    path: ['audience'],
  });

export type PromptFrontMatter = z.output<typeof PromptFrontMatterSchema>;

export interface PromptTemplate extends PromptFrontMatter {
  file: string;
  source: string;
  render(vars: Record<string, unknown>): string;
}

/** The prompts/ folder: markdown templates with front matter, parsed once and checked at load. */
export class TemplateLibrary {
  private constructor(private readonly templates: ReadonlyMap<string, PromptTemplate>) {}

  static load(dir: string): TemplateLibrary {
    const templates = new Map<string, PromptTemplate>();
    for (const name of readdirSync(dir)
      .filter((f) => f.endsWith('.md'))
      .sort()) {
      const file = join(dir, name);
      const doc = parseFrontMatter(readFileSync(file, 'utf8'), file);
      const fm = validateConfig(PromptFrontMatterSchema, doc.data, file);
      let nodes: ReturnType<typeof parseTemplate>;
      try {
        nodes = parseTemplate(doc.body);
      } catch (error) {
        if (error instanceof TemplateError)
          throw new ConfigError(file, [
            {
              field: '(body)',
              problem: `line ${error.line + doc.bodyLine - 1}: ${error.message.replace(/^line \d+: /, '')}`,
            },
          ]);
        throw error;
      }
      if (templates.has(fm.id))
        throw new ConfigError(file, [
          { field: 'id', problem: `"${fm.id}" is already used by ${templates.get(fm.id)!.file}` },
        ]);
      const body = doc.body;
      templates.set(fm.id, {
        ...fm,
        file,
        source: body,
        render: (vars) => {
          try {
            return tidy(renderTemplate(nodes, vars));
          } catch (error) {
            if (error instanceof TemplateError)
              throw new ConfigError(file, [{ field: '(body)', problem: error.message }]);
            throw error;
          }
        },
      });
    }
    return new TemplateLibrary(templates);
  }

  get(id: string): PromptTemplate {
    const t = this.templates.get(id);
    if (!t)
      throw new ConfigError('prompts/', [
        { field: id, problem: `no template with this id; available: ${[...this.templates.keys()].join(', ')}` },
      ]);
    return t;
  }

  stakeholderUpdate(audience: Audience): PromptTemplate {
    const t = [...this.templates.values()].find((x) => x.kind === 'stakeholder_update' && x.audience === audience);
    if (!t)
      throw new ConfigError('prompts/', [
        { field: audience, problem: 'no stakeholder_update template for this audience' },
      ]);
    return t;
  }

  list(kind?: PromptFrontMatter['kind']): PromptTemplate[] {
    return [...this.templates.values()].filter((t) => !kind || t.kind === kind);
  }
}
