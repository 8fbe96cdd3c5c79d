import { describe, expect, it } from 'vitest';
import { parseScenario } from '../gameday/scenario.js';
import { parseOpenSlo } from '../slo/openslo.js';
import { parseFrontMatter, parseYamlText } from './yaml.js';

/** Nine levels of nine aliases each: 9^9 leaves once expanded, from under 1 kB of text. */
const LAUGHS = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`),
].join('\n');

describe('YAML in config files', () => {
  it('refuses anchors and aliases, naming the anchor and the line', () => {
    expect(() => parseYamlText(LAUGHS, 'laughs.yaml')).toThrow(
      /laughs\.yaml: invalid YAML at line 1: anchors and aliases \(&a, \*a\) are not allowed/,
    );
    expect(() => parseYamlText('base: &b { x: 1 }\nother:\n  <<: *b\n', 'merge.yaml')).toThrow(/&b, \*b/);
    expect(() => parseFrontMatter('---\ntitle: &t Checkout\nowner: *t\n---\nbody\n', 'rb.md')).toThrow(
      /rb\.md: invalid YAML at line 2: anchors and aliases \(&t, \*t\)/,
    );
    expect(() => parseOpenSlo(`apiVersion: openslo/v1\nkind: SLO\n${LAUGHS.replace(/^a:/, 'x:')}`, 'slo.yaml')).toThrow(
      /anchors and aliases/,
    );
    expect(parseYamlText('a: "*not an alias"\nb: 5 * 3\nc: "&x"\n', 'plain.yaml')).toEqual({
      a: '*not an alias',
      b: '5 * 3',
      c: '&x',
    });
  });

  it('refuses a game-day scenario built of nested aliases before anything expands it', () => {
    const text = `id: laughs\ntitle: Laughs\n${LAUGHS}\ntimeline: *i\n`;
    expect(() => parseScenario(text, '/gamedays/laughs.yaml')).toThrow(
      /anchors and aliases \(&a, \*a\) are not allowed/,
    );
  });
});
