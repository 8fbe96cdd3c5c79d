import { describe, expect, it } from 'vitest';
import { read } from './index.js';

const NOW = new Date('2026-11-12T10:00:00Z');
const r = (text: string, active = false) => read(text, { now: NOW, active });

describe('reading a message', () => {
  it('tells reports from questions, and spots pushback', () => {
    expect(r('How do I set up a good on-call rotation for a team of 6?').intents).toContain('oncall');
    expect(r('How do I set up a good on-call rotation for a team of 6?').intents).not.toContain('report');
    expect(r('checkout is down, skip the roles and just debug').pushback.skipRoles).toBe(true);
    expect(r("don't bother with severity, the API is down").pushback.skipSeverity).toBe(true);
    expect(r('whose fault is this?').blame.asks).toBe(true);
    expect(r('Dave broke prod again').blame.findings.length).toBeGreaterThan(0);
    expect(r('the first error in the log is a timeout, that is the root cause').pushback.firstError).toBe(true);
    expect(r('what is an SLO?').intents).not.toContain('report');
    const blamed = r('Checkout is down for all customers and payments are failing — who broke it?');
    expect(blamed.intents).toContain('report');
    expect(blamed.blame.asks).toBe(true);
    expect(r('draft an update for the execs and customers', true).audiences).toEqual(['executive', 'customer']);
  });

  it('opens an incident for real first reports, not the menu', () => {
    for (const text of [
      'the cart page hangs for every shopper and sales went flat since 9:40',
      'password reset emails are arriving 40 min late',
      'an s3 bucket with customer invoices was public since tuesday',
    ])
      expect(r(text).intents).toContain('report');
  });

  it('reads wide scope, security exposure and recovery', () => {
    expect(r('our whole domain stopped resolving, nobody can reach the site').condition).toMatchObject({
      wide: true,
      state: 'failing',
    });
    expect(r('every region is returning 503s from the edge').condition).toMatchObject({ wide: true, state: 'failing' });
    expect(r('an s3 bucket with customer invoices was public since tuesday').condition.security).toBe(true);
    expect(r('we reverted and the graph is recovering', true)).toMatchObject({ improving: true });
    expect(r("all green for 20 minutes now, let's wrap up", true).recovery).toMatchObject({
      confirmed: true,
      close: true,
      forMinutes: 20,
    });
    expect(r('s3 threw 503s for about 4 minutes, came back on its own').condition.state).toBe('recovered');
  });

  it('reads roles in words, with the sender for "I"', () => {
    const roles = read("Ana's running comms, Raj has tech lead", { now: NOW, active: true }).roles;
    expect(roles.map((x) => [x.role, x.person])).toEqual([
      ['communications_lead', 'Ana'],
      ['technical_lead', 'Raj'],
    ]);
    const named = read('Maria is incident commander, Tom is technical lead', { now: NOW, active: true }).roles;
    expect(named.map((x) => [x.role, x.person])).toEqual([
      ['incident_commander', 'Maria'],
      ['technical_lead', 'Tom'],
    ]);
    const self = read("I'll take IC", { now: NOW, active: true, people: { sender: 'Sam' } }).roles;
    expect(self).toEqual([expect.objectContaining({ role: 'incident_commander', person: 'Sam', self: true })]);
    expect(read('can someone take notes?', { now: NOW, active: true }).roles).toEqual([]);
  });

  it('reads a change that lines up, start times and audiences', () => {
    const change = r('looks like it lines up with the 09:32 release of cart v4.1', true).change;
    expect(change).toMatchObject({ ref: 'v4.1', correlated: true });
    expect(change?.at?.toISOString()).toBe('2026-11-12T09:32:00.000Z');
    expect(r('it started since 10 min ago', true).started?.at.toISOString()).toBe('2026-11-12T09:50:00.000Z');
    expect(r("the VP is asking what's going on", true)).toMatchObject({
      intents: expect.arrayContaining(['update_request']),
      audiences: ['executive'],
    });
  });

  it('reads action items and follow-ups, and never invents an owner or a date', () => {
    const item = r('action item: add an alert on checkout error rate, owner Priya, due in 2 weeks', true).actionItem;
    expect(item?.items).toEqual([
      {
        title: 'add an alert on checkout error rate',
        owner: 'Priya',
        due: expect.objectContaining({ kind: 'date', date: '2026-11-26' }),
      },
    ]);
    expect(r('owner Tom, due in 2 weeks', true).actionItem).toMatchObject({
      followUpOnly: true,
      items: [{ owner: 'Tom' }],
    });
    expect(
      r('action item: fix the retry storm, owner Tom, due next friday', true).actionItem?.items[0]?.due,
    ).toMatchObject({ date: '2026-11-20' });
    expect(
      r('action item: write the failover runbook, owner Ana, whenever', true).actionItem?.items[0]?.due,
    ).toMatchObject({ kind: 'unreadable' });
  });

  it('never throws and never reads a paste as chatter', () => {
    const huge = `ERROR 2026-11-12T09:59:01Z payment-api timeout talking to db\n`.repeat(2000);
    expect(r(huge).intents).toContain('report');
    expect(r(huge).title?.length ?? 0).toBeLessThanOrEqual(91);
    const alert = JSON.stringify({
      status: 'firing',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'CheckoutErrorRateHigh', severity: 'critical' },
          annotations: { summary: 'checkout 5xx above 5%' },
        },
      ],
    });
    expect(r(alert).intents).toContain('report');
    for (const odd of ['', '   ', '🔥🔥🔥', '| a | b |\n|---|---|', '{"a":1}', 'la caja no funciona para nadie'])
      expect(() => r(odd)).not.toThrow();
    expect(r('la página de pago no funciona para nadie').intents).toContain('report');
  });
});

describe('security read from what happened, not only from security words', () => {
  it('reads data or money taken by whoever should not have it', () => {
    expect(
      r('a contractor account is exporting invoice data from 40 tenants, none of their tickets mention them').condition
        .security,
    ).toBe(true);
    expect(
      r('our vendor says the customer export file was taken last week: names and bank details').condition.security,
    ).toBe(true);
    expect(r('someone is selling 2 million of our customer emails').condition.security).toBe(true);
    expect(r('the export of customer data to csv is failing with a 500').condition.security).toBe(false);
  });

  it("keeps another company's breach that reaches us as an outage apart from ours", () => {
    const theirs = r('our payroll provider is down, their status page says ransomware attack');
    expect(theirs.condition.security).toBe(false);
    expect(theirs.kind).toBe('third_party');
    expect(r('our sso vendor was breached and our admin api keys were in scope').condition.security).toBe(true);
    expect(
      r('a prefix of ours is being hijacked, another AS announces a more specific bgp route').condition.security,
    ).toBe(false);
  });

  it('reads attacks told as events: extortion, defacement, takeover', () => {
    expect(r('an extortion group posted a sample of our source code').condition.security).toBe(true);
    expect(r("checkout is getting ddos'd, tons of slowloris-ish connections").condition.security).toBe(true);
    expect(r('two withdrawals of 9k ETH from the hot wallet, we did not sign those').condition.security).toBe(true);
  });
});

describe('other scripts', () => {
  it('keeps Hangul syllables whole and splits Latin words out of CJK runs', () => {
    expect(r('결제 서버 해킹 의심, 고객 개인정보 유출 가능성').condition.security).toBe(true);
    expect(r('ログイン障害(DDoSっぽい)、全国的に繋がらない').condition).toMatchObject({ security: true, wide: true });
  });
});

describe('recovery words that are not recoveries', () => {
  it('reads comparisons and scope as what they are', () => {
    expect(r('signups at 8x normal since the ad ran, verification queue at 50k').condition.state).not.toBe('recovered');
    expect(r('demand is way over forecast and half the logins time out').condition.state).toBe('failing');
    const scoped = r('android users get a blank screen after the update. ios looks fine').condition;
    expect(scoped.partial).toBe(true);
    expect(scoped.state).not.toBe('recovered');
    expect(r('android had a blank screen for 5 min after the update, looks fine now').condition.state).toBe(
      'recovered',
    );
  });
});
