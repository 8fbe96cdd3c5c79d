import type { IncomingMessage } from 'node:http';

/** Why a request body was not read; http.ts answers each with its own status. */
export class BodyRefused extends Error {
  constructor(
    readonly reason: 'too_large' | 'timeout' | 'uploads_full' | 'aborted',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Bytes of request bodies held while they arrive, across every request: what a flood of
 * uploads that never finish can make the server keep (3,000 stalled 1 MB uploads took 3 GB).
 */
export class BytesInFlight {
  private used = 0;
  constructor(readonly limit: number) {}
  take(bytes: number): boolean {
    if (this.used + bytes > this.limit) return false;
    this.used += bytes;
    return true;
  }
  give(bytes: number): void {
    this.used -= bytes;
  }
  get current(): number {
    return this.used;
  }
}

export interface BodyLimits {
  maxBytes: number;
  /** From the moment the headers are in: a body that has not fully arrived by then is refused. */
  timeoutMs: number;
  inFlight: BytesInFlight;
}

/** Reads a request body within its limits; the bytes count against `inFlight` until it is complete. */
export function readBody(req: IncomingMessage, limits: BodyLimits): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limits.maxBytes) {
      reject(new BodyRefused('too_large', `request body larger than ${limits.maxBytes} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (outcome: BodyRefused | string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('close', onAbort);
      limits.inFlight.give(size);
      if (typeof outcome === 'string') resolve(outcome);
      else {
        chunks.length = 0;
        reject(outcome);
      }
    };
    const onData = (chunk: Buffer): void => {
      if (size + chunk.length > limits.maxBytes) {
        finish(new BodyRefused('too_large', `request body larger than ${limits.maxBytes} bytes`));
        return;
      }
      if (!limits.inFlight.take(chunk.length)) {
        finish(new BodyRefused('uploads_full', 'server busy receiving other uploads; retry in a moment'));
        return;
      }
      size += chunk.length;
      chunks.push(chunk);
    };
    const onEnd = (): void => finish(Buffer.concat(chunks).toString('utf8'));
    const onAbort = (): void => {
      if (!req.complete) finish(new BodyRefused('aborted', 'the client went away before sending the whole body'));
    };
    const timer = setTimeout(
      () =>
        finish(
          new BodyRefused('timeout', `request body did not arrive within ${Math.round(limits.timeoutMs / 1000)} s`),
        ),
      limits.timeoutMs,
    );
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('close', onAbort);
  });
}
