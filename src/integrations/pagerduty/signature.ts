import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Secret } from '../secrets.js';

/** At most this many signatures are looked at in one header (a rotation has two or three). */
const MAX_SIGNATURES = 10;
const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/** PagerDuty's v1 signature of a body with one secret: hex HMAC-SHA256 of the raw bytes. */
export function signV1(body: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * True when any `v1=` value of the X-PagerDuty-Signature header is the HMAC-SHA256 of the raw
 * body under any of the secrets (several during a rotation, on either side). Every pair is
 * compared in constant time, and all of them are compared, so the time taken says nothing of
 * which secret or signature matched. Other versions and malformed values are ignored.
 */
export function verifyV1(body: Buffer, header: string | undefined, secrets: readonly Secret[]): boolean {
  if (!header || !secrets.length) return false;
  const given = header
    .split(',')
    .slice(0, MAX_SIGNATURES)
    .map((part) => part.trim())
    .filter((part) => part.startsWith('v1='))
    .map((part) => part.slice(3))
    .filter((hex) => HEX_SHA256.test(hex))
    .map((hex) => Buffer.from(hex, 'hex'));
  let ok = false;
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret.reveal()).update(body).digest();
    for (const signature of given) if (timingSafeEqual(expected, signature)) ok = true;
  }
  return ok;
}
