import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { BodyRefused, type BytesInFlight, readBody } from '../../mcp/http-body.js';

/** The HTTP limits a webhook endpoint shares with the MCP server (src/mcp/http-body.ts). */
export interface EndpointLimits {
  /** PagerDuty drops webhooks over 256 kB; anything larger is not from it. */
  maxBodyBytes: number;
  bodyTimeoutMs: number;
  inFlight: BytesInFlight;
}

export type WebhookHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Answers with a small JSON body; a refused request that is still sending a large body closes its connection. */
export function answer(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const close = status >= 400 && !req.complete;
  res.writeHead(status, { 'content-type': 'application/json', ...headers, ...(close ? { connection: 'close' } : {}) });
  res.end(JSON.stringify(body));
}

/**
 * The raw body of a JSON POST, within the shared size, time and memory limits; null when the
 * request was refused (and answered). The bytes are what a signature is checked over: the UTF-8
 * text as sent (a body that is not valid UTF-8 does not match any signature, and is refused).
 */
export async function readJsonPost(
  req: IncomingMessage,
  res: ServerResponse,
  limits: EndpointLimits,
): Promise<Buffer | null> {
  if (req.method !== 'POST') {
    answer(req, res, 405, { error: 'method not allowed: webhooks are POSTed' }, { allow: 'POST' });
    return null;
  }
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    answer(req, res, 415, { error: 'Content-Type must be application/json' });
    return null;
  }
  try {
    const text = await readBody(req, {
      maxBytes: limits.maxBodyBytes,
      timeoutMs: limits.bodyTimeoutMs,
      inFlight: limits.inFlight,
    });
    return Buffer.from(text, 'utf8');
  } catch (error) {
    if (!(error instanceof BodyRefused)) throw error;
    const status = { too_large: 413, timeout: 408, uploads_full: 503, aborted: 400 }[error.reason];
    answer(req, res, status, { error: error.message }, status === 503 ? { 'retry-after': '1' } : {});
    return null;
  }
}

/** A verified body read as JSON and checked against its format; the error names the first fields wrong. */
export function readEnvelope<S extends z.ZodType>(
  raw: Buffer,
  schema: S,
  format: string,
): { json: unknown; data: z.output<S> } | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return { error: 'the body is not JSON' };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { json, data: parsed.data };
  const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || 'body'} ${i.message}`);
  return { error: `not ${format}: ${issues.join('; ')}` };
}
