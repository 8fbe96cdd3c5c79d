import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../config/package-root.js';
import { createRegistry } from '../../tools/index.js';

const root = packageRoot();

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !/\.(test|contract)\.ts$/.test(e.name))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

/** The front doors a person acts through; nothing else may reach a decision on what customers see. */
const PERSON_DOORS = /^src\/(cli|slack|web|integrations)\//;
const DECIDES =
  /\b(approveStatusDraft|discardStatusDraft|editStatusDraft|ApprovalDesk)\b|integrations\/approvals\.js|\.approvals\.(approve|edit|discard)\(/;

describe('who can decide on a customer update', () => {
  it('only a person’s front door (the CLI, Slack, the web page) or the integrations reach the approval; no tool, model path or MCP code does', () => {
    const reaching = [...sources('src'), ...sources('tools')]
      .filter((f) => f !== 'src/incident/status-drafts.ts')
      .filter((f) => DECIDES.test(readFileSync(join(root, f), 'utf8')));
    expect(reaching.filter((f) => !PERSON_DOORS.test(f))).toEqual([]);
    expect(reaching).toContain('src/cli/commands/updates.ts');
  });

  it('no tool a model or MCP client can call approves or publishes: the tool surface drafts and proposes only', () => {
    const tools = createRegistry().tools;
    expect(tools.filter((t) => /approv|publish|discard/i.test(t.name))).toEqual([]);
    for (const t of tools)
      expect(readFileSync(join(root, 'tools', `${t.name.replace(/_/g, '-')}.ts`), 'utf8')).not.toMatch(DECIDES);
  });
});
