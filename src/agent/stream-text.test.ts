import { describe, expect, it } from 'vitest';
import { CONTROL } from '../core/control.js';
import { registerSecret } from '../core/logger.js';
import { SafeTextStream } from './stream-text.js';

const SECRET = 'sk-test-secret-0123456789abcdefghij';
registerSecret(SECRET);

function stream(deltas: string[]): string[] {
  const out: string[] = [];
  const s = new SafeTextStream((t) => out.push(t));
  for (const d of deltas) s.push(d);
  s.flush();
  return out;
}

describe('SafeTextStream', () => {
  it('never shows a secret split across deltas, nor any escape sequence', () => {
    const text = `Your key is ${SECRET} and \u001b]0;owned\u0007the title \u001b[2Jcleared, \u001b]52;c;Y2xpcA==\u0007done.`;
    for (const size of [1, 2, 3, 7, 50]) {
      const deltas: string[] = [];
      for (let i = 0; i < text.length; i += size) deltas.push(text.slice(i, i + size));
      const shown = stream(deltas).join('');
      expect(shown, `deltas of ${size}`).not.toContain(SECRET.slice(0, 12));
      expect(CONTROL.test(shown)).toBe(false);
      expect(shown).toMatch(/^Your key is \[redacted\] and (owned)?the title cleared, done\.$/);
    }
  });

  it('releases words as they complete, and a long run without spaces in bounded pieces', () => {
    const out = stream(['Sev', 'erity: ', 'SEV1.', ' Roles']);
    expect(out).toEqual(['Severity: ', 'SEV1. ', 'Roles']);
    const long = stream(['x'.repeat(3000)]);
    expect(long.join('')).toBe('x'.repeat(3000));
    expect(long.length).toBeGreaterThan(1);
  });
});
