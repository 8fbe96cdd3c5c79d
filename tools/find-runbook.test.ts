import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../src/config/package-root.js';
import { loadRunbooks } from '../src/runbooks/catalog.js';
import { createHarness, type Harness } from '../test/support/harness.js';
import { findRunbookOutput } from './find-runbook.js';

const SERVICES = [
  'services:',
  '  payment-api:',
  '    display_name: Checkout',
  '    aliases: [payments]',
  '    alerts: [{ name: CheckoutErrorRateHigh }, { name: PaymentGatewayTimeouts }]',
].join('\n');
let h: Harness;
afterEach(() => h.close());

describe('find_runbook over the shipped example runbooks', () => {
  const runbooks = loadRunbooks(join(packageRoot(), 'config', 'runbooks.example'));

  it('answers an alert with the runbook that names it, its steps, owner and test age', async () => {
    h = createHarness({ services: SERVICES, runbooks, start: '2026-11-26T12:00:00Z' });
    const out = findRunbookOutput.parse(await h.ok('find_runbook', { alert: 'CheckoutErrorRateHigh' }));
    expect(out.runbooks[0]).toMatchObject({
      file: 'checkout-error-rate.md',
      match: 'alert',
      owner: 'payments-oncall',
      daysSinceTest: 55,
      stale: false,
      truncated: false,
    });
    expect(out.runbooks[0]!.steps).toMatch(/Recent changes first[\s\S]*roll it back before debugging it/);
    expect(out.runbooks.slice(1).every((r) => r.steps === null)).toBe(true);
    expect(out.missing).toBeNull();
    expect(out.summary).toMatch(
      /^Runbook: "Checkout error rate high" \(checkout-error-rate\.md, owner payments-oncall, last tested 55 days ago\)\.$/,
    );
  });

  it('resolves a service alias, and flags a runbook not tested within a quarter', async () => {
    h = createHarness({ services: SERVICES, runbooks, start: '2026-11-26T12:00:00Z' });
    const out = findRunbookOutput.parse(await h.ok('find_runbook', { service: 'Checkout', query: 'p99 latency' }));
    expect(out.runbooks.map((r) => [r.file, r.match, r.stale])).toEqual([
      ['checkout-latency.md', 'service', true],
      ['checkout-error-rate.md', 'service', false],
    ]);
    expect(out.summary).toMatch(/last tested 190 days ago — STALE, verify each step/);
  });

  it('names a paging alert that has no runbook', async () => {
    h = createHarness({ services: SERVICES, runbooks, start: '2026-11-26T12:00:00Z' });
    const out = findRunbookOutput.parse(await h.ok('find_runbook', { alert: 'PaymentGatewayTimeouts' }));
    expect(out.runbooks.every((r) => r.match !== 'alert')).toBe(true);
    expect(out.missing).toBe(
      'No runbook answers the paging alert "PaymentGatewayTimeouts": write one (owner and deadline) or stop it paging.',
    );
  });
});

describe('find_runbook edges', () => {
  it('says when no runbooks folder is configured instead of inventing one', async () => {
    h = createHarness();
    const out = findRunbookOutput.parse(await h.ok('find_runbook', { service: 'payment-api' }));
    expect(out).toMatchObject({ configured: false, runbooks: [] });
  });

  it('rejects a call with nothing to search for, and unknown fields, naming them', async () => {
    h = createHarness();
    const empty = await h.call('find_runbook', {});
    expect(empty.ok).toBe(false);
    expect(empty.text).toMatch(/give alert, service or query/);
    const extra = await h.call('find_runbook', { alert: 'X', severity: 'SEV1' });
    expect(extra.text).toMatch(/unknown field\(s\) "severity"; accepted fields here: alert, service, query, limit/);
  });
});
