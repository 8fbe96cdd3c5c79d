import matter from 'gray-matter';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from './errors.js';
import { objectKeysAt, zodIssues } from './zod-issues.js';

function yamlProblem(error: unknown, lineOffset: number): string {
  if (error instanceof YAMLParseError) {
    const line = (error.linePos?.[0]?.line ?? 0) + lineOffset;
    const first = error.message.split('\n')[0] ?? error.message;
    return `invalid YAML${line ? ` at line ${line}` : ''}: ${first.replace(/ at line \d+, column \d+:?$/, '')}`;
  }
  return `invalid YAML: ${error instanceof Error ? error.message : String(error)}`;
}

/** Parses YAML 1.2 (dates stay strings). Syntax errors become a ConfigError with the line. */
export function parseYamlText(text: string, file: string): unknown {
  try {
    return parseYaml(text, { prettyErrors: true, uniqueKeys: true, maxAliasCount: 100 });
  } catch (error) {
    throw new ConfigError(file, [{ field: '', problem: yamlProblem(error, 0) }]);
  }
}

export interface FrontMatterDocument {
  data: unknown;
  body: string;
  /** 1-based line where the body starts, for error messages about the body. */
  bodyLine: number;
}

/** Splits `---` YAML front matter from a markdown body. */
export function parseFrontMatter(text: string, file: string): FrontMatterDocument {
  if (!/^\uFEFF?---\r?\n/.test(text)) {
    throw new ConfigError(file, [{ field: '', problem: 'no front matter: the file must start with a line "---", then YAML settings, then "---"' }]);
  }
  try {
    const parsed = matter(text, {
      engines: { yaml: (source: string) => parseYaml(source, { prettyErrors: true, uniqueKeys: true, maxAliasCount: 100 }) as object },
    });
    const bodyStart = text.length - parsed.content.length;
    return {
      data: parsed.data ?? {},
      body: parsed.content,
      bodyLine: text.slice(0, bodyStart).split('\n').length,
    };
  } catch (error) {
    throw new ConfigError(file, [{ field: '', problem: yamlProblem(error, 1) }]);
  }
}

/** Validates parsed config with a zod schema; every issue names the file and the field. */
export function validateConfig<S extends z.ZodType>(schema: S, data: unknown, file: string): z.output<S> {
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return result.data;
  throw new ConfigError(file, zodIssues(result.error, (path) => objectKeysAt(schema, path)));
}
