import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../src/config/package-root.js';

/**
 * The layers of AGENTS.md, lowest first. A folder may import its own layer and the ones below,
 * never one above; and no two folders may import each other, even within a layer.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['core'],
  ['language', 'templates', 'severity'],
  ['store', 'config', 'soul'],
  ['incident'],
  ['postmortem', 'deploys', 'runbooks', 'slo', 'oncall'],
  ['registry'],
  ['tools'],
  ['agent'],
  ['playbook'],
  ['conversation'],
  ['runtime'],
  ['evals', 'corpus'],
  ['gameday'],
  ['integrations', 'slack', 'web', 'mcp'],
  ['cli'],
];

/** Where a tool call may be made through the registry by name: the front doors, and the agent running a model's calls. */
const TOOL_CALLERS = [
  'src/mcp/server.ts', // MCP tools/call
  'src/cli/commands/tools.ts', // `incident-commander tools call`
  'src/agent/loop.ts', // the agent runs the model's tool calls
  'src/gameday/drill.ts', // a game day's simulated team acting on the tool surface, scored on that trajectory
];

const root = packageRoot();

interface Edge {
  from: string;
  to: string;
  file: string;
  spec: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !/\.(test|contract)\.ts$/.test(e.name))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

/** The folder a file belongs to: src/<folder>/…, or tools/. */
function folderOf(file: string): string {
  const parts = normalize(file).split(sep);
  return parts[0] === 'src' ? parts[1]! : parts[0]!;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function edges(): Edge[] {
  const out: Edge[] = [];
  for (const file of [...sourceFiles('src'), ...sourceFiles('tools')]) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const spec = (m[1] ?? m[2])!;
      const target = relative(root, join(root, dirname(file), spec));
      const from = folderOf(file);
      const to = folderOf(target);
      if (from !== to) out.push({ from, to, file, spec });
    }
  }
  return out;
}

function rank(folder: string): number {
  return LAYERS.findIndex((layer) => layer.includes(folder));
}

/** Folder-level cycles: strongly connected components with more than one folder (Tarjan). */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const on = new Set<string>();
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

describe('architecture', () => {
  const all = edges();

  it('places every folder in a layer', () => {
    const folders = new Set([...sourceFiles('src').map(folderOf), ...sourceFiles('tools').map(folderOf)]);
    const unplaced = [...folders].filter((f) => rank(f) < 0 && f !== 'src');
    expect(unplaced, 'add these folders to LAYERS here and to the layer table in AGENTS.md').toEqual([]);
  });

  it('has no folder importing a folder above it', () => {
    const upward = all
      .filter((e) => rank(e.to) > rank(e.from))
      .map((e) => `${e.file} (${e.from}) imports ${e.spec} (${e.to})`);
    expect(upward).toEqual([]);
  });

  it('has no cycles between folders', () => {
    const graph = new Map<string, Set<string>>();
    for (const e of all) {
      if (!graph.has(e.from)) graph.set(e.from, new Set());
      graph.get(e.from)!.add(e.to);
    }
    expect(cycles(graph)).toEqual([]);
  });

  it('calls tools by name through the registry only from the front doors and the agent', () => {
    const callers = sourceFiles('src').filter((f) =>
      /\b(?:registry|allowed)\.call\(/.test(readFileSync(join(root, f), 'utf8')),
    );
    expect(callers.sort()).toEqual([...TOOL_CALLERS].sort());
  });

  it('the check itself sees imports: an upward import and a cycle are found', () => {
    expect(rank('agent')).toBeGreaterThan(rank('incident'));
    expect(all.some((e) => e.from === 'tools' && e.to === 'registry')).toBe(true);
    const looped = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ]);
    expect(cycles(looped)).toEqual([['a', 'b', 'c']]);
  });
});
