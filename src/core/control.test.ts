import { describe, expect, it } from 'vitest';
import { ANY_CONTROL, CONTROL, oneLine, printable } from './control.js';

const HOSTILE = [
  '\u001b]0;owned\u0007', // window title
  '\u001b]52;c;cm0gLXJmIH4=\u0007', // clipboard write
  '\u001b[2J\u001b[H', // clear screen, cursor home
  '\u001b]8;;https://evil.example\u001b\\link\u001b]8;;\u001b\\', // hyperlink
  '\u009b31m', // 8-bit CSI
  '\u001bP+q\u001b\\', // DCS
  '\u001bc', // reset
  'safe\rFAKE', // carriage return overwrite
  '\u202eevil', // right-to-left override
  '\u0000\u0007\u007f',
];

describe('printable and oneLine', () => {
  it('remove whole escape sequences and control characters, keeping the words', () => {
    for (const text of HOSTILE) {
      for (const clean of [printable(text), oneLine(text, 200)]) {
        expect(CONTROL.test(clean), JSON.stringify(clean)).toBe(false);
        expect(clean).not.toMatch(/\[2J|\]0;|\]52;|\]8;|31m|\+q|[\u202a-\u202e]/);
      }
    }
    expect(printable('\u001b[31mred\u001b[0m alert\nline two\ttab')).toBe('red alert\nline two\ttab');
    expect(printable('safe\rFAKE')).toBe('safe\nFAKE');
    expect(oneLine('\u001b]8;;https://evil.example\u001b\\link\u001b]8;;\u001b\\', 100)).toBe('link');
  });

  it('oneLine makes one bounded line, and neither cuts a character in half', () => {
    const name = oneLine(`evil\r\nname\t${'x'.repeat(1_000_000)}`, 64);
    expect(name.length).toBeLessThanOrEqual(64);
    expect(name).toMatch(/^evil name x+…$/);
    expect(ANY_CONTROL.test(name)).toBe(false);
    const emoji = oneLine('🚨'.repeat(40), 9);
    expect(emoji).toBe('🚨🚨🚨🚨…');
    expect(printable('a'.repeat(10), 5)).toBe('aaaa…');
  });
});
