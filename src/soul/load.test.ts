import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../config/package-root.js';
import { ConfigError } from '../core/errors.js';
import { TOOL_NAMES } from '../../tools/index.js';
import { loadSoul, parseSoul, soulWarnings } from './load.js';

const fixtures = join(packageRoot(), 'test', 'fixtures', 'soul');

function issuesOf(file: string): string[] {
  try {
    loadSoul(join(fixtures, file), TOOL_NAMES);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    expect(error.message.startsWith(join(fixtures, file))).toBe(true);
    return error.issues.map((i) => `${i.field}: ${i.problem}`);
  }
  throw new Error(`${file} loaded without errors`);
}

describe('loadSoul', () => {
  it('loads the shipped SOUL.md with the seed settings and renders placeholders', () => {
    const soul = loadSoul(join(packageRoot(), 'SOUL.md'), TOOL_NAMES);
    expect(soul.config.settings).toMatchObject({ hypothesis_timebox_minutes: 15, postmortem_deadline_hours: 48 });
    expect(soul.config.settings.roles.map((r) => r.title)).toEqual([
      'Incident Commander',
      'Communications Lead',
      'Technical Lead',
      'Scribe',
    ]);
    expect(soul.persona).toContain('each hypothesis gets 15 minutes');
    expect(soul.persona).toContain('within 48 hours');
    expect(soul.persona).not.toMatch(/\{\{/);
    expect(soul.hash).toMatch(/^[0-9a-f]{12}$/);
    expect(soulWarnings(soul)).toEqual([]);
  });

  it("covers every should and shouldn't rule of the seed", () => {
    const persona = loadSoul(join(packageRoot(), 'SOUL.md'), TOOL_NAMES).persona.toLowerCase();
    for (const phrase of [
      'assign explicit roles before troubleshooting',
      'no change, still investigating',
      'single source of truth',
      'time-box every investigation path',
      'missing guardrail',
      'more resilient',
      'psychological safety',
      'tested every quarter',
      'never skip severity classification',
      'never blame individuals',
      'never let post-mortem action items go untracked',
      'never assume the first error in the log is the root cause',
    ]) {
      expect(persona).toContain(phrase);
    }
  });

  it('changes the prompt when a setting changes: settings drive wording too', () => {
    const text = readFileSync(join(packageRoot(), 'SOUL.md'), 'utf8').replace(
      'hypothesis_timebox_minutes: 15',
      'hypothesis_timebox_minutes: 10',
    );
    const soul = parseSoul(text, { file: 'SOUL.md', toolNames: TOOL_NAMES });
    expect(soul.persona).toContain('each hypothesis gets 10 minutes');
  });

  it('explains a file without front matter', () => {
    expect(issuesOf('no-front-matter.md')).toEqual([
      expect.stringMatching(/no front matter: the file must start with a line "---"/),
    ]);
  });

  it('reports every problem of a file in one pass: fields, tools and body, each with its place', () => {
    const issues = issuesOf('many-errors.md');
    expect(issues).toHaveLength(4);
    expect(issues[0]).toMatch(/^name: must be kebab-case/);
    expect(issues[1]).toMatch(/^max_tokens: /);
    expect(issues[2]).toMatch(/^tools\[1\]: unknown tool "clasify_severity" \(did you mean "classify_severity"\?\)/);
    // The placeholder is on line 13 of the file: the body's line numbers count from the top of the file.
    expect(issues[3]).toMatch(/^\(body\): line 13: unknown variable "hypothesis_timebox"/);
  });

  it('names the line of a YAML syntax error as the file counts it', () => {
    const error = (() => {
      try {
        parseSoul('---\nname: a\nname: b\nmodel: x\n---\nbody\n', { file: 'dup.md', toolNames: TOOL_NAMES });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('parsed');
    })();
    expect(error.issues.map((i) => i.problem)).toEqual(['invalid YAML at line 3: duplicated mapping key']);
  });

  it('reports YAML syntax errors with the line', () => {
    expect(issuesOf('bad-yaml.md')[0]).toMatch(/invalid YAML at line \d/);
  });

  it('names unknown tools, suggests the closest and lists the valid ones', () => {
    const issues = issuesOf('unknown-tool.md');
    expect(issues).toHaveLength(2);
    expect(issues[0]).toMatch(
      /^tools\[1\]: unknown tool "clasify_severity" \(did you mean "classify_severity"\?\); valid tools: classify_severity, open_incident, assign_roles/,
    );
    expect(issues[1]).toMatch(/^tools\[2\]: unknown tool "page_everyone"; valid tools:/);
  });

  it('names each wrong field and what was expected', () => {
    const issues = issuesOf('wrong-types.md').join('\n');
    expect(issues).toContain('name: must be kebab-case');
    expect(issues).toContain('max_tokens: expected number, got "lots"');
    expect(issues).toContain('settings.hypothesis_timebox_minutes: expected number, got "fifteen"');
    expect(issues).toMatch(
      /settings: unknown field\(s\) "postmortem_deadline_hour"; accepted fields here: .*postmortem_deadline_hours/,
    );
  });

  it('names missing required fields', () => {
    const issues = issuesOf('missing-fields.md');
    expect(issues).toEqual(
      expect.arrayContaining([
        'description: is required (expected string)',
        'model: is required (expected string)',
        'max_tokens: is required (expected number)',
      ]),
    );
  });

  it('names an unknown placeholder with its line and the available ones', () => {
    expect(issuesOf('unknown-placeholder.md')).toEqual([
      expect.stringMatching(
        /^\(body\): line 10: unknown variable "hypothesis_timebox"; placeholders available: name, hypothesis_timebox_minutes/,
      ),
    ]);
  });

  it('requires an incident commander role', () => {
    expect(issuesOf('no-ic-role.md')[0]).toMatch(/settings\.roles: must include a role with id "incident_commander"/);
  });

  it("accepts settings that break the seed's rules but warns about each", () => {
    const soul = loadSoul(join(fixtures, 'lax-policy.md'), TOOL_NAMES);
    expect(soul.persona).toBe('Time-box each hypothesis to 90 minutes.');
    const warnings = soulWarnings(soul).join('\n');
    expect(warnings).toContain('hypothesis_timebox_minutes is 90');
    expect(warnings).toContain('postmortem_deadline_hours is 168');
    expect(warnings).toContain('does not allow "classify_severity"');
  });

  it('names the file when it does not exist', () => {
    expect(() => loadSoul('/nonexistent/SOUL.md', TOOL_NAMES)).toThrow(/\/nonexistent\/SOUL.md: file not found/);
  });
});
