/**
 * A small, strict template language for prompts and stakeholder updates:
 *   {{name}}  {{incident.title}}            value (dotted path)
 *   {{#if x}}…{{else}}…{{/if}}  {{#unless x}}…{{/unless}}
 *   {{#each list}}…{{this}} / {{field}}…{{/each}}
 * Unknown variables are errors, so a typo in a template fails lint instead of printing blanks.
 */
type Node =
  | { kind: 'text'; text: string }
  | { kind: 'var'; path: string; line: number }
  | { kind: 'if'; path: string; negate: boolean; then: Node[]; otherwise: Node[]; line: number }
  | { kind: 'each'; path: string; body: Node[]; line: number };

export class TemplateError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'TemplateError';
  }
}

const TAG = /\{\{\s*([#/]?)([a-zA-Z_.]+)(?:\s+([a-zA-Z_][a-zA-Z0-9_.]*))?\s*\}\}/g;

export function parseTemplate(source: string): Node[] {
  const root: Node[] = [];
  const stack: { node: Extract<Node, { kind: 'if' | 'each' }>; inElse: boolean; target: Node[] }[] = [];
  let cursor = 0;
  const current = (): Node[] => stack.at(-1)?.target ?? root;
  const lineAt = (index: number): number => source.slice(0, index).split('\n').length;

  for (const match of source.matchAll(TAG)) {
    const index = match.index;
    if (index > cursor) current().push({ kind: 'text', text: source.slice(cursor, index) });
    cursor = index + match[0].length;
    const [, sigil, word = '', arg] = match;
    const line = lineAt(index);
    if (sigil === '#') {
      if ((word !== 'if' && word !== 'unless' && word !== 'each') || !arg) {
        throw new TemplateError(
          `unknown block "{{#${word}${arg ? ` ${arg}` : ''}}}"; use #if, #unless or #each with a variable`,
          line,
        );
      }
      const node: Extract<Node, { kind: 'if' | 'each' }> =
        word === 'each'
          ? { kind: 'each', path: arg, body: [], line }
          : { kind: 'if', path: arg, negate: word === 'unless', then: [], otherwise: [], line };
      current().push(node);
      stack.push({ node, inElse: false, target: node.kind === 'each' ? node.body : node.then });
    } else if (sigil === '/') {
      const open = stack.pop();
      const expected = open
        ? open.node.kind === 'each'
          ? 'each'
          : open.node.kind === 'if' && open.node.negate
            ? 'unless'
            : 'if'
        : undefined;
      if (!open || expected !== word)
        throw new TemplateError(
          `"{{/${word}}}" does not close an open block${expected ? ` (expected {{/${expected}}})` : ''}`,
          line,
        );
    } else if (word === 'else') {
      const open = stack.at(-1);
      if (open?.node.kind !== 'if' || open.inElse) throw new TemplateError('"{{else}}" outside an {{#if}} block', line);
      open.inElse = true;
      open.target = open.node.otherwise;
    } else {
      if (arg) throw new TemplateError(`unexpected "${arg}" after {{${word}}}`, line);
      current().push({ kind: 'var', path: word, line });
    }
  }
  if (cursor < source.length) current().push({ kind: 'text', text: source.slice(cursor) });
  const open = stack.pop();
  if (open) throw new TemplateError(`block opened here is never closed`, open.node.line);
  return root;
}

/** Every top-level variable a template reads (inside #each, only the list itself). */
export function templateVariables(source: string): string[] {
  const names = new Set<string>();
  const walk = (nodes: Node[], inEach: boolean): void => {
    for (const node of nodes) {
      if (node.kind === 'var' && !inEach) names.add(node.path);
      if (node.kind === 'if') {
        if (!inEach) names.add(node.path);
        walk(node.then, inEach);
        walk(node.otherwise, inEach);
      }
      if (node.kind === 'each') {
        if (!inEach) names.add(node.path);
        walk(node.body, true);
      }
    }
  };
  walk(parseTemplate(source), false);
  return [...names];
}

type Scope = Record<string, unknown>;

function lookup(scopes: readonly unknown[], path: string, line: number): unknown {
  if (path === 'this') return scopes.at(-1);
  const [head = '', ...rest] = path.split('.');
  for (let i = scopes.length - 1; i >= 0; i--) {
    const scope = scopes[i];
    if (scope !== null && typeof scope === 'object' && Object.hasOwn(scope, head)) {
      let value: unknown = (scope as Scope)[head];
      for (const key of rest) {
        if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) {
          throw new TemplateError(`unknown variable "${path}"`, line);
        }
        value = (value as Scope)[key];
      }
      return value;
    }
  }
  throw new TemplateError(`unknown variable "${path}"`, line);
}

function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return value !== undefined && value !== null && value !== false && value !== '' && value !== 0;
}

function renderNodes(nodes: Node[], scopes: unknown[]): string {
  let out = '';
  for (const node of nodes) {
    switch (node.kind) {
      case 'text':
        out += node.text;
        break;
      case 'var': {
        const value = lookup(scopes, node.path, node.line);
        out += value === null || value === undefined ? '' : Array.isArray(value) ? value.join(', ') : String(value);
        break;
      }
      case 'if': {
        const test = truthy(lookup(scopes, node.path, node.line)) !== node.negate;
        out += renderNodes(test ? node.then : node.otherwise, scopes);
        break;
      }
      case 'each': {
        const list = lookup(scopes, node.path, node.line);
        if (!Array.isArray(list)) throw new TemplateError(`"${node.path}" is not a list`, node.line);
        for (const item of list) out += renderNodes(node.body, [...scopes, item]);
        break;
      }
    }
  }
  return out;
}

/** Renders a parsed template (or source text). Throws TemplateError on unknown variables. */
export function renderTemplate(template: string | Node[], vars: Scope): string {
  const nodes = typeof template === 'string' ? parseTemplate(template) : template;
  return renderNodes(nodes, [vars]);
}

/** Collapses the blank lines left behind by false blocks; keeps paragraphs. */
export function tidy(text: string): string {
  return text
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
