import { createHash } from 'node:crypto';
import { ConfigError, type FieldIssue } from '../core/errors.js';
import { closest } from '../core/suggest.js';
import { readOperatorFile } from '../core/files.js';
import { parseFrontMatter } from '../core/yaml.js';
import { objectKeysAt, zodIssues } from '../core/zod-issues.js';
import { renderTemplate, TemplateError } from '../templates/render.js';
import { DEFAULT_SETTINGS, SoulFrontMatterSchema, type SoulFrontMatter } from './schema.js';

export interface Soul {
  file: string;
  config: SoulFrontMatter;
  /** The markdown body as written, placeholders unrendered. */
  body: string;
  /** The body with `{{settings}}` placeholders filled: the persona part of the system prompt. */
  persona: string;
  /** Short sha256 of the file's bytes; logged with every model turn. */
  hash: string;
}

export interface ParseSoulOptions {
  file: string;
  /** Every tool the registry offers; the `tools` allow-list must name only these. */
  toolNames: readonly string[];
}

/** Variables a SOUL.md body may use, e.g. "time-box each hypothesis to {{hypothesis_timebox_minutes}} minutes". */
export function soulTemplateVars(
  config: Pick<SoulFrontMatter, 'name' | 'settings' | 'tools'>,
): Record<string, unknown> {
  return { name: config.name, ...config.settings, tools: config.tools };
}

/** The tools a front matter names, even when the rest of it does not validate. */
function toolsNamed(data: unknown): string[] {
  const tools = (data as { tools?: unknown } | null)?.tools;
  return Array.isArray(tools) ? tools.filter((t): t is string => typeof t === 'string' && t.length > 0) : [];
}

/**
 * Pure: text in, validated Soul out. Throws ConfigError naming the file and every problem found in
 * one pass (fields, tools, body), each with its field or line and what is expected.
 */
export function parseSoul(text: string, options: ParseSoulOptions): Soul {
  const { file, toolNames } = options;
  // A YAML syntax error leaves nothing to check further: it is reported alone, with its line.
  const doc = parseFrontMatter(text, file);
  const issues: FieldIssue[] = [];
  const parsed = SoulFrontMatterSchema.safeParse(doc.data, { reportInput: true });
  if (!parsed.success) issues.push(...zodIssues(parsed.error, (path) => objectKeysAt(SoulFrontMatterSchema, path)));
  const config = parsed.success ? parsed.data : null;

  const tools = config?.tools ?? toolsNamed(doc.data);
  tools.forEach((tool, index) => {
    if (!toolNames.includes(tool)) {
      const guess = closest(tool, toolNames);
      issues.push({
        field: `tools[${index}]`,
        problem: `unknown tool "${tool}"${guess ? ` (did you mean "${guess}"?)` : ''}; valid tools: ${toolNames.join(', ')}`,
      });
    }
  });
  const dupes = tools.filter((t, i) => tools.indexOf(t) !== i);
  if (dupes.length)
    issues.push({ field: 'tools', problem: `lists ${dupes.map((d) => `"${d}"`).join(', ')} more than once` });

  if (!doc.body.trim()) issues.push({ field: '(body)', problem: 'the persona text after the front matter is empty' });

  let persona = '';
  // Without a valid config the body is still checked: against the same placeholders, with default values.
  const vars = soulTemplateVars(config ?? { name: '', settings: DEFAULT_SETTINGS, tools });
  try {
    persona = renderTemplate(doc.body, vars).trim();
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    const line = error.line + doc.bodyLine - 1;
    issues.push({
      field: '(body)',
      problem: `line ${line}: ${error.message.replace(/^line \d+: /, '')}; placeholders available: ${Object.keys(vars).join(', ')}`,
    });
  }
  if (issues.length || !config) throw new ConfigError(file, issues);

  return {
    file,
    config,
    body: doc.body,
    persona,
    hash: createHash('sha256').update(text).digest('hex').slice(0, 12),
  };
}

export function loadSoul(path: string, toolNames: readonly string[]): Soul {
  const text = readOperatorFile(path, 'Pass --soul PATH or set INCIDENT_COMMANDER_SOUL to a readable SOUL.md.');
  return parseSoul(text, { file: path, toolNames });
}

/** Policy advice that is not a syntax error: settings that break the seed's rules. */
export function soulWarnings(soul: Soul): string[] {
  const s = soul.config.settings;
  const warnings: string[] = [];
  if (s.hypothesis_timebox_minutes > 30) {
    warnings.push(
      `settings.hypothesis_timebox_minutes is ${s.hypothesis_timebox_minutes}: a hypothesis left open that long stalls the response; the commander's rule is 15 minutes`,
    );
  }
  if (s.postmortem_deadline_hours > 72) {
    warnings.push(
      `settings.postmortem_deadline_hours is ${s.postmortem_deadline_hours}: every incident needs its timeline, impact and action items within 48 hours while memory is fresh`,
    );
  }
  const roleIds = new Set(s.roles.map((r) => r.id));
  for (const id of ['communications_lead', 'technical_lead', 'scribe']) {
    if (!roleIds.has(id))
      warnings.push(
        `settings.roles has no "${id}": the commander assigns IC, Comms, Tech Lead and Scribe before troubleshooting`,
      );
  }
  for (const tool of ['classify_severity', 'assign_roles']) {
    if (!soul.config.tools.includes(tool))
      warnings.push(`tools does not allow "${tool}": severity and roles come before troubleshooting`);
  }
  return warnings;
}
