import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { z } from 'zod';
import { ConfigError, type FieldIssue } from '../core/errors.js';
import { readOperatorFile } from '../core/files.js';
import { parseFrontMatter, validateConfig } from '../core/yaml.js';
import { parseIsoTime } from '../core/time.js';

const RunbookFrontMatter = z
  .object({
    title: z.string().min(1).max(200),
    services: z.array(z.string().min(1)).default([]),
    alerts: z.array(z.string().min(1)).default([]),
    owner: z.string().min(1).max(100),
    last_tested: z
      .string()
      .refine(
        (s) => parseIsoTime(s) !== null,
        'must be a date such as 2026-09-14 (when the runbook was last exercised end to end)',
      )
      .nullable()
      .default(null),
  })
  .strict();

export interface Runbook {
  /** Path relative to the runbooks folder. */
  file: string;
  title: string;
  services: string[];
  alerts: string[];
  owner: string;
  lastTested: string | null;
  body: string;
}

export interface RunbookCatalog {
  dir: string | null;
  runbooks: Runbook[];
  /** Files that did not validate: reported by lint and find_runbook, never silently dropped. */
  errors: ConfigError[];
}

export const EMPTY_RUNBOOKS: RunbookCatalog = { dir: null, runbooks: [], errors: [] };

/** The largest runbook read: every command loads the folder at start, and search indexes every word. */
export const RUNBOOK_MAX_BYTES = 1024 * 1024;

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? walk(join(dir, e.name))
      : e.name.endsWith('.md') && e.name.toLowerCase() !== 'readme.md'
        ? [join(dir, e.name)]
        : [],
  );
}

/** Every markdown runbook under `dir` (recursively), front matter validated; bad files are collected, not fatal. */
export function loadRunbooks(dir: string | null): RunbookCatalog {
  if (!dir) return EMPTY_RUNBOOKS;
  if (!existsSync(dir))
    throw new ConfigError(
      dir,
      [{ field: '', problem: 'folder not found' }],
      'Pass --runbooks DIR or set INCIDENT_COMMANDER_RUNBOOKS to an existing folder of runbooks.',
    );
  const runbooks: Runbook[] = [];
  const errors: ConfigError[] = [];
  const root = realpathSync(dir);
  for (const path of walk(dir).sort()) {
    try {
      const doc = parseFrontMatter(readOperatorFile(insideFolder(path, root), undefined, RUNBOOK_MAX_BYTES), path);
      const fm = validateConfig(RunbookFrontMatter, doc.data, path);
      if (!doc.body.trim())
        throw new ConfigError(path, [
          {
            field: '(body)',
            problem: 'no steps: a runbook needs the remediation steps after the front matter',
          } satisfies FieldIssue,
        ]);
      runbooks.push({
        file: relative(dir, path),
        title: fm.title,
        services: fm.services,
        alerts: fm.alerts,
        owner: fm.owner,
        lastTested: fm.last_tested ? parseIsoTime(fm.last_tested)!.toISOString() : null,
        body: doc.body.trim(),
      });
    } catch (error) {
      if (error instanceof ConfigError) errors.push(error);
      else throw error;
    }
  }
  return { dir, runbooks, errors };
}

/**
 * The file a runbook path really names, which must be inside the runbooks folder: a symbolic
 * link to anything outside it is refused (the folder is what the operator chose to publish to
 * the model and to MCP clients).
 */
function insideFolder(path: string, root: string): string {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    throw new ConfigError(path, [{ field: '', problem: 'a broken symbolic link' }]);
  }
  if (!real.startsWith(root + sep))
    throw new ConfigError(
      path,
      [{ field: '', problem: `links outside the runbooks folder (to ${real}); runbooks are read only from inside it` }],
      'Copy the runbook into the folder instead of linking to it.',
    );
  return real;
}
