import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHarness } from '../../test/support/harness.js';
import { ConflictError } from '../core/errors.js';
import { ToolRegistry } from './registry.js';
import { defineTool } from './types.js';

const annotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

describe('ToolRegistry', () => {
  const echo = defineTool({
    name: 'echo',
    title: 'Echo',
    description: 'echo',
    input: z.object({ text: z.string().max(5), nested: z.object({ n: z.number() }).strict().optional() }).strict(),
    output: z.object({ text: z.string() }),
    annotations,
    handler: async ({ text }) => ({ text }),
  });
  const conflict = defineTool({
    name: 'conflict',
    title: 'c',
    description: 'c',
    input: z.object({}),
    output: z.object({}),
    annotations,
    handler: async () => Promise.reject(new ConflictError('already resolved', 'Reopen it first.')),
  });
  const crash = defineTool({
    name: 'crash',
    title: 'c',
    description: 'c',
    input: z.object({}),
    output: z.object({}),
    annotations,
    handler: async () => Promise.reject(new Error('disk on fire')),
  });
  const liar = defineTool({
    name: 'liar',
    title: 'l',
    description: 'l',
    input: z.object({}),
    output: z.object({ n: z.number() }),
    annotations,
    handler: async () => ({ n: Number.NaN }),
  });
  const registry = new ToolRegistry([echo, conflict, crash, liar]);
  const { ctx } = createHarness();

  it('returns validated output and its JSON text', async () => {
    expect(await registry.call('echo', { text: 'hi' }, ctx)).toEqual({
      ok: true,
      tool: 'echo',
      output: { text: 'hi' },
      text: '{"text":"hi"}',
    });
  });

  it('names each bad field, the problem and how to recover', async () => {
    const result = await registry.call('echo', { text: 'too long', nested: { n: 'x', m: 1 }, extra: true }, ctx);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.issues).toEqual([
      { field: 'text', problem: 'must be at most 5 characters' },
      { field: 'nested.n', problem: 'expected number, got "x"' },
      { field: 'nested', problem: 'unknown field(s) "m"; accepted fields here: n' },
      { field: '(input)', problem: 'unknown field(s) "extra"; accepted fields here: text, nested' },
    ]);
    expect(result.text).toMatch(/^Error \(invalid_input\) in echo: field "text": must be at most 5 characters;/);
    expect(result.text).toContain('What to do: Rewrite the arguments so they satisfy the echo schema');
  });

  it('treats missing arguments as an empty object and non-objects as bad input', async () => {
    expect((await registry.call('echo', undefined, ctx)).text).toContain('field "text": is required');
    expect((await registry.call('echo', 'text', ctx)).text).toContain('field "(input)": expected object');
  });

  it('returns an unknown tool as data with the valid names', async () => {
    const result = await registry.call('page_everyone', {}, ctx);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'unknown_tool', hint: 'Use one of: echo, conflict, crash, liar.' },
    });
  });

  it('returns expected failures with their code and hint, and unexpected ones as internal errors', async () => {
    expect(await registry.call('conflict', {}, ctx)).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: 'already resolved', hint: 'Reopen it first.' },
    });
    expect(await registry.call('crash', {}, ctx)).toMatchObject({
      ok: false,
      error: { code: 'internal_error', message: 'disk on fire' },
    });
    expect(await registry.call('liar', {}, ctx)).toMatchObject({ ok: false, error: { code: 'internal_error' } });
  });

  it('filters to an allow-list, in the given order', () => {
    expect(registry.only(['crash', 'echo', 'nope']).names()).toEqual(['crash', 'echo']);
    expect(() => new ToolRegistry([echo, echo])).toThrow(/duplicate tool name echo/);
  });

  it('carries the incident a successful call made active, so callers follow it without knowing tool names', async () => {
    const h = createHarness();
    try {
      const opened = await h.registry.call('open_incident', { title: 'Checkout down' }, h.ctx);
      expect(opened).toMatchObject({ ok: true, activeIncident: 'INC-1' });
      const logged = await h.registry.call('log_event', { incidentId: 'INC-1', text: 'rolled back' }, h.ctx);
      expect(logged.ok && logged.activeIncident).toBe(undefined);
    } finally {
      await h.close();
    }
  });
});
