import matter from 'gray-matter';
import jsYaml from 'js-yaml';
import type { z } from 'zod';
import { ConfigError } from './errors.js';
import { objectKeysAt, zodIssues } from './zod-issues.js';

/**
 * YAML through js-yaml (the engine gray-matter itself uses) with the core schema:
 * no timestamps, so dates stay strings; duplicate keys are errors.
 */
function parseYaml(text: string): unknown {
  return jsYaml.safeLoad(text, { schema: jsYaml.CORE_SCHEMA });
}

function yamlProblem(error: unknown, lineOffset: number): string {
  if (error instanceof jsYaml.YAMLException) {
    const mark = (error as { mark?: { line: number } }).mark;
    const reason = (error as { reason?: string }).reason ?? error.message;
    return `invalid YAML${mark ? ` at line ${mark.line + 1 + lineOffset}` : ''}: ${reason}`;
  }
  return `invalid YAML: ${error instanceof Error ? error.message : String(error)}`;
}

/** Parses YAML (dates stay strings). Syntax errors become a ConfigError with the line. */
export function parseYamlText(text: string, file: string): unknown {
  try {
    return parseYaml(text);
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
    throw new ConfigError(file, [
      { field: '', problem: 'no front matter: the file must start with a line "---", then YAML settings, then "---"' },
    ]);
  }
  try {
    const parsed = matter(text, {
      engines: { yaml: (source: string) => (parseYaml(source) ?? {}) as object },
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
  throw new ConfigError(
    file,
    zodIssues(result.error, (path) => objectKeysAt(schema, path)),
  );
}
