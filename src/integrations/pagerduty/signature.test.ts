import { describe, expect, it } from 'vitest';
import { Secret } from '../secrets.js';
import { signV1, verifyV1 } from './signature.js';

const body = Buffer.from('{"event":{"id":"01","event_type":"incident.triggered","data":{"title":"Ünïcode ✓"}}}');
const current = new Secret('whsec-current-0123456789', 'test');
const previous = new Secret('whsec-previous-9876543210', 'test');

describe('PagerDuty v1 signatures', () => {
  it('accepts the HMAC-SHA256 of the raw body under the secret', () => {
    expect(verifyV1(body, `v1=${signV1(body, current.reveal())}`, [current])).toBe(true);
  });

  it('accepts any v1 value under any secret during a rotation, on either side', () => {
    const both = `v1=${signV1(body, previous.reveal())},v1=${signV1(body, current.reveal())}`;
    expect(verifyV1(body, both, [current])).toBe(true);
    expect(verifyV1(body, both, [previous])).toBe(true);
    expect(verifyV1(body, `v1=${signV1(body, current.reveal())}`, [previous, current])).toBe(true);
    expect(verifyV1(body, ` v0=abc , v1=${signV1(body, current.reveal())} `, [current])).toBe(true);
  });

  it('refuses a tampered body, a re-serialised one, another secret, no header, other versions and junk', () => {
    const sig = `v1=${signV1(body, current.reveal())}`;
    const tampered = Buffer.from(body.toString().replace('triggered', 'resolved'));
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 1));
    expect(verifyV1(tampered, sig, [current])).toBe(false);
    expect(verifyV1(reserialised, sig, [current])).toBe(false);
    expect(verifyV1(body, sig, [previous])).toBe(false);
    expect(verifyV1(body, undefined, [current])).toBe(false);
    expect(verifyV1(body, sig, [])).toBe(false);
    expect(verifyV1(body, sig.replace('v1=', 'v2='), [current])).toBe(false);
    expect(verifyV1(body, 'v1=zz', [current])).toBe(false);
    expect(verifyV1(body, `v1=${signV1(body, current.reveal()).slice(0, 62)}`, [current])).toBe(false);
    expect(verifyV1(body, `v1=${signV1(body, current.reveal()).toUpperCase()}`, [current])).toBe(true);
  });
});
