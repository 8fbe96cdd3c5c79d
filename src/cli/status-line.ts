const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const CLEAR = '\r\x1b[2K';

/**
 * A one-line sign of life on a terminal's stderr while the commander waits for the model or a
 * tool: "⠹ waiting for Claude… 12 s". It draws only on a TTY, and is wiped before anything else
 * is written (call `clear` first), so it never mixes into the reply or a notice.
 */
export class StatusLine {
  private label: string | null = null;
  private since = 0;
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;
  private drawn = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly enabled: boolean,
    private readonly intervalMs = 120,
  ) {}

  show(label: string): void {
    if (!this.enabled) return;
    if (this.label !== label) this.since = Date.now();
    this.label = label;
    this.draw();
    if (!this.timer) {
      this.timer = setInterval(() => this.draw(), this.intervalMs);
      this.timer.unref();
    }
  }

  /** Removes the line (before text is written) and stops until the next `show`. */
  clear(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.label = null;
    if (this.drawn) this.write(CLEAR);
    this.drawn = false;
  }

  private draw(): void {
    if (!this.label) return;
    const seconds = Math.floor((Date.now() - this.since) / 1000);
    const frame = FRAMES[this.frame++ % FRAMES.length];
    this.write(`${CLEAR}\x1b[2m${frame} ${this.label}…${seconds >= 2 ? ` ${seconds} s` : ''}\x1b[0m`);
    this.drawn = true;
  }
}
