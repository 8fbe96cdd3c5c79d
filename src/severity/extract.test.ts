import { describe, expect, it } from 'vitest';
import { extractSignals } from './extract.js';

describe('extractSignals', () => {
  it('reads the seed report: customer-facing revenue path, down', () => {
    const { signals, evidence } = extractSignals(
      "Our payment API is returning 500 errors and customers can't check out",
    );
    expect(signals).toMatchObject({ customerFacing: true, revenuePath: true, state: 'down' });
    expect(evidence.revenuePath).toMatch(/payment|check out/);
  });

  it('reads negations as false, not true', () => {
    const { signals } = extractSignals('Internal dashboard is down. No data loss, no customer impact.');
    expect(signals).toMatchObject({ customerFacing: false, dataLoss: false, state: 'down' });
  });

  it('tells degraded from down', () => {
    expect(extractSignals('Search is slow for some users, p99 latency up').signals.state).toBe('degraded');
    expect(extractSignals('Intermittent 502s on the storefront').signals.state).toBe('degraded');
    expect(extractSignals('The website is completely down for all users').signals).toMatchObject({
      state: 'down',
      usersAffectedPct: 100,
    });
  });

  it('reads shares, durations, data loss and security', () => {
    expect(extractSignals('about 30% of requests fail for the last 45 minutes').signals).toMatchObject({
      usersAffectedPct: 30,
      durationMinutes: 45,
    });
    expect(extractSignals('a migration dropped the orders table, records were deleted').signals.dataLoss).toBe(true);
    expect(extractSignals('we found exposed credentials in a public bucket').signals.securityBreach).toBe(true);
    expect(extractSignals('disk is 92% full on the primary db, no impact yet').signals.state).toBe('at_risk');
  });

  it('names configured services and takes their flags from config', () => {
    const services = [
      { name: 'payment-api', aliases: ['payments'], customerFacing: true, revenuePath: true },
      { name: 'search', aliases: [], customerFacing: true, revenuePath: false },
    ];
    const out = extractSignals('payment api error rate spiking', services);
    expect(out.services).toEqual(['payment-api']);
    expect(out.signals).toMatchObject({ customerFacing: true, revenuePath: true });
    expect(out.evidence.customerFacing).toBe('config:payment-api');
  });

  it('leaves signals unknown when nothing supports them', () => {
    expect(extractSignals('something is weird').signals).toEqual({});
  });
});
