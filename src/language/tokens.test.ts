import { describe, expect, it } from 'vitest';
import { tokenize } from './tokens.js';

describe('tokenize', () => {
  it('splits sentences, clauses and contractions the way people type in chat', () => {
    const t = tokenize(
      "Ana's running comms, raj has TL.\nwe're done here -- all green for 20min; didn't roll back yet",
    );
    expect(t.sentences.map((s) => s.text)).toEqual([
      "Ana's running comms, raj has TL.",
      "we're done here -- all green for 20min; didn't roll back yet",
    ]);
    expect(t.sentences[0]!.clauses.map((c) => c.text)).toEqual(["Ana's running comms", 'raj has TL.']);
    expect(t.sentences[1]!.clauses.length).toBe(3);
    const words = t.tokens.map((x) => x.word);
    expect(words).toContain('not');
    expect(words.slice(0, 4)).toEqual(['ana', 'is', 'running', 'comms']);
    expect(
      tokenize("it's down, the db's cpu is pegged")
        .tokens.map((x) => x.word)
        .join(' '),
    ).toBe('it is down the db cpu is pegged');
    expect(tokenize('5xx and 503s').tokens.map((x) => x.word)).toEqual(['5xx', 'and', '503']);
    expect(t.tokens[0]!.apostropheS).toBe(true);
    expect(t.tokens.find((x) => x.word === 'min')).toBeDefined();
  });

  it('tells questions from statements', () => {
    const q = (s: string) => tokenize(s).sentences[0]!.question;
    expect(q('is checkout down for anyone else')).toBe(true);
    expect(q('should we roll back?')).toBe(true);
    expect(q('what do I tell support')).toBe(true);
    expect(q('checkout is down')).toBe(false);
    expect(q('do a rollback now')).toBe(false);
  });

  it('bounds long pastes and strips control characters', () => {
    const t = tokenize(`db down\u001b[2J ${'x '.repeat(10_000)}`);
    expect(t.truncated).toBe(true);
    expect(t.text.length).toBeLessThanOrEqual(6000);
    expect(t.text).not.toContain('\u001b');
  });

  it('never throws on empty, emoji-only or odd input', () => {
    for (const s of ['', '   ', '🔥🔥🔥', '| a | b |\n|---|---|', '{"alerts":[]}', '日本語のテキスト']) {
      expect(() => tokenize(s)).not.toThrow();
    }
    expect(tokenize('').sentences).toEqual([]);
  });
});
