import matter from 'gray-matter';
import jsYaml from 'js-yaml';
import type { z } from 'zod';
import { ConfigError } from './errors.js';
import { objectKeysAt, zodIssues } from './zod-issues.js';

/**
 * Load options for every YAML file the project reads: the core schema (no timestamps, so dates
 * stay strings; duplicate keys are errors) and no anchors. An anchor and its aliases make a
 * tree of shared nodes that every later pass walks in full: a 2.9 kB game-day scenario of
 * nested aliases took 16 s and 2.2 GB to validate before it crashed. Config files gain nothing
 * from them that writing the values out does not give, so the first anchor is an error.
 */
export function yamlLoadOptions(filename?: string): jsYaml.LoadOptions {
  return {
    schema: jsYaml.CORE_SCHEMA,
    ...(filename ? { filename } : {}),
    listener(event, state) {
      if (event !== 'close') return;
      const { anchorMap, input } = state as unknown as { anchorMap: Record<string, unknown>; input: string };
      for (const name in anchorMap) {
        const at = input.indexOf(`&${name}`);
        const line = at === -1 ? state.line : input.slice(0, at).split('\n').length - 1;
        throw new jsYaml.YAMLException(
          `anchors and aliases (&${name}, *${name}) are not allowed: write the values out in full`,
          { line } as unknown as ConstructorParameters<typeof jsYaml.YAMLException>[1],
        );
      }
    },
  };
}

function parseYaml(text: string): unknown {
  return jsYaml.safeLoad(text, yamlLoadOptions());
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
    // gray-matter hands the engine the text from the end of the opening "---": its line 0 is the file's line 1.
    throw new ConfigError(file, [{ field: '', problem: yamlProblem(error, 0) }]);
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
