import { printable } from '../core/control.js';
import { scrubSecrets } from '../core/logger.js';

/** Longest run without whitespace held back; past it, all but this many characters are released. */
const HOLD = 512;

/** Model text as it may be shown or kept: no terminal escapes or control characters, no known secret. */
export function cleanModelText(text: string): string {
  return printable(scrubSecrets(text));
}

/**
 * Streams model text to a terminal safely. Text is released up to its last whitespace, so a secret
 * (which has none) is always released whole and scrubbed whole, and escape sequences are removed
 * from what is released. `flush` releases the rest at the end of the stream; `discard` drops it.
 */
export class SafeTextStream {
  private pending = '';
  private released = '';

  constructor(private readonly emit: (text: string) => void) {}

  /** What has been released so far ('' means nothing has been shown). */
  get shown(): string {
    return this.released;
  }

  push(delta: string): void {
    this.pending += delta;
    let cut = Math.max(this.pending.lastIndexOf(' '), this.pending.lastIndexOf('\n'), this.pending.lastIndexOf('\t'));
    if (cut === -1 && this.pending.length > HOLD * 2) cut = this.pending.length - HOLD - 1;
    if (cut === -1) return;
    this.release(this.pending.slice(0, cut + 1));
    this.pending = this.pending.slice(cut + 1);
  }

  flush(): void {
    if (this.pending) this.release(this.pending);
    this.pending = '';
  }

  discard(): void {
    this.pending = '';
  }

  private release(text: string): void {
    const clean = cleanModelText(text);
    if (!clean) return;
    this.released += clean;
    this.emit(clean);
  }
}
