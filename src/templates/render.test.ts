import { describe, expect, it } from 'vitest';
import { parseTemplate, renderTemplate, templateVariables, TemplateError, tidy } from './render.js';

describe('template language', () => {
  it('renders values, dotted paths, conditionals and lists', () => {
    const out = renderTemplate(
      '{{a}} {{b.c}}{{#if yes}} Y{{else}} N{{/if}}{{#unless no}} U{{/unless}}{{#each xs}} [{{this}}]{{/each}}{{#each os}} {{name}}={{a}}{{/each}}',
      {
        a: 'A',
        b: { c: 'C' },
        yes: true,
        no: '',
        xs: ['1', '2'],
        os: [{ name: 'n1' }],
      },
    );
    expect(out).toBe('A C Y U [1] [2] n1=A');
  });

  it('treats empty lists, empty strings, zero and null as false', () => {
    expect(
      renderTemplate('{{#if a}}x{{/if}}{{#if b}}x{{/if}}{{#if c}}x{{/if}}{{#if d}}x{{/if}}', {
        a: [],
        b: '',
        c: 0,
        d: null,
      }),
    ).toBe('');
  });

  it('fails on unknown variables with the line, instead of printing blanks', () => {
    expect(() => renderTemplate('ok\n{{missing}}', {})).toThrow(new TemplateError('unknown variable "missing"', 2));
    expect(() => renderTemplate('{{a.b}}', { a: {} })).toThrow(/unknown variable "a.b"/);
  });

  it('rejects unbalanced or unknown blocks', () => {
    expect(() => parseTemplate('{{#if a}}x')).toThrow(/never closed/);
    expect(() => parseTemplate('{{/if}}')).toThrow(/does not close an open block/);
    expect(() => parseTemplate('{{#if a}}x{{/each}}')).toThrow(/expected \{\{\/if\}\}/);
    expect(() => parseTemplate('{{#loop a}}{{/loop}}')).toThrow(/unknown block/);
    expect(() => parseTemplate('{{else}}')).toThrow(/outside an \{\{#if\}\} block/);
  });

  it('lists the top-level variables a template reads', () => {
    expect(templateVariables('{{a}}{{#if b}}{{c}}{{/if}}{{#each d}}{{e}}{{/each}}').sort()).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
  });

  it('does not execute anything found in values', () => {
    expect(renderTemplate('{{x}}', { x: '{{y}} ${process.exit()}' })).toBe('{{y}} ${process.exit()}');
  });

  it('tidies blank lines left by false blocks', () => {
    expect(tidy('a  \n\n\n\nb\n')).toBe('a\n\nb');
  });
});
