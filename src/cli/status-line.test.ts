import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { StatusLine } from './status-line.js';

const capture = (): { stream: PassThrough; text: () => string } => {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream, text: () => text };
};

describe('StatusLine', () => {
  it('draws on a terminal and wipes itself before anything else is written', async () => {
    const { stream, text } = capture();
    const line = new StatusLine((t) => stream.write(t), true, 10);
    line.show('waiting for Claude');
    await new Promise((r) => setTimeout(r, 35));
    line.clear();
    await new Promise((r) => setTimeout(r, 20));
    const out = text();
    expect(out).toContain('waiting for Claude…');
    expect(out.endsWith('\r\x1b[2K')).toBe(true);
    const after = out.length;
    await new Promise((r) => setTimeout(r, 30));
    expect(text().length).toBe(after);
  });

  it('writes nothing when the output is not a terminal', async () => {
    const { stream, text } = capture();
    const line = new StatusLine((t) => stream.write(t), false, 10);
    line.show('running fetch_deploys');
    await new Promise((r) => setTimeout(r, 30));
    line.clear();
    expect(text()).toBe('');
  });
});
