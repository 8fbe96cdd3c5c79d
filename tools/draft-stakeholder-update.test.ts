import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseServices } from '../src/config/services.js';
import { createHarness, type Harness } from '../test/support/harness.js';

type Update = {
  headline: string;
  body: string;
  noChange: boolean;
  nextUpdateAt: string | null;
  nextUpdateInMinutes: number | null;
  cadenceMinutes: number | null;
  redactions: string[];
  statuspage: { status: string; impact: string; components: { name: string; status: string }[] } | null;
  recorded: boolean;
  updateId: string | null;
};

let h: Harness;
let id: string;
beforeEach(async () => {
  h = createHarness({
    services: parseServices(
      'services:\n  payment-api:\n    display_name: Checkout\n    customer_facing: true\n    revenue_path: true\n',
      '/tmp/services.yaml',
    ),
    roster: {
      file: null,
      people: [{ name: 'Dave Miller', owns: ['payment-api'], can_serve: [], on_call: true, available: true }],
    },
  });
  const out = await h.ok<{ incident: { id: string } }>('open_incident', {
    title: 'Payment API returning 500s',
    description: "payment-api is returning 500 errors and customers can't check out",
    services: ['payment-api'],
    reporter: 'Alex',
  });
  id = out.incident.id;
  await h.ok('assign_roles', { incidentId: id });
  h.clock.advanceMinutes(3);
});
afterEach(() => h.close());

describe('draft_stakeholder_update', () => {
  it('writes the customer update: impact, next update in 15 minutes, no internal names, Statuspage fields', async () => {
    const out = await h.ok<Update>('draft_stakeholder_update', {
      incidentId: id,
      audience: 'customer',
      customerSummary: 'payment processing errors',
      impact: 'checkout is unavailable',
      whatChanged: 'Dave Miller rolled back payment-api deploy a1b2c3',
    });
    expect(out.headline).toBe('Investigating — Checkout');
    expect(out.body).toContain('We are investigating payment processing errors.');
    expect(out.body).toContain('Customer impact: checkout is unavailable');
    expect(out.body).toContain('Next update: in 15 minutes (by 14:18 UTC).');
    expect(out.body).not.toMatch(/Dave|Alex|payment-api|a1b2c3|rolled back/);
    expect(out).toMatchObject({
      cadenceMinutes: 15,
      nextUpdateInMinutes: 15,
      nextUpdateAt: '2026-11-26T14:18:00.000Z',
      recorded: true,
    });
    expect(out.statuspage).toMatchObject({
      status: 'investigating',
      impact: 'critical',
      components: [{ name: 'Checkout', status: 'major_outage' }],
    });
  });

  it("removes people's and internal service names from customer text and lists them", async () => {
    const out = await h.ok<Update>('draft_stakeholder_update', {
      incidentId: id,
      audience: 'customer',
      customerMessage: "Dave's team restarted payment-api.",
      impact: 'Alex says checkout fails',
    });
    expect(out.body).toContain("our team's team restarted Checkout.");
    expect(out.body).toContain('Customer impact: our team says checkout fails');
    expect(out.redactions.sort()).toEqual(['Alex', 'Dave', 'payment-api']);
  });

  it('writes the executive update: business impact, risk, ETA, decisions', async () => {
    const out = await h.ok<Update>('draft_stakeholder_update', {
      incidentId: id,
      audience: 'executive',
      whatChanged: 'A suspect deploy was found and is being rolled back',
      eta: '20 minutes if the rollback works',
    });
    expect(out.headline).toBe('[SEV1 Critical] Payment API returning 500s — Investigating');
    expect(out.body).toMatch(/Business impact: .* Customer-facing\./);
    expect(out.body).toMatch(
      /Risk: Revenue loss continues until this is mitigated\. Escalates at 14:30 UTC: Not mitigated after 30 minutes/,
    );
    expect(out.body).toContain('ETA: 20 minutes if the rollback works');
    expect(out.body).toContain('Next update: 14:33 UTC (in 30 min).');
    expect(out.body).toMatch(/Decisions or help needed: .*Need someone to update the status page every 15 minutes/);
  });

  it('writes the engineering update: conditions, actions, needs, roles', async () => {
    const out = await h.ok<Update>('draft_stakeholder_update', {
      incidentId: id,
      audience: 'engineering',
      nextSteps: ['Roll back deploy a1b2c3', 'Check DB connection pool'],
      whatChanged: '500 rate 100% since 13:58',
    });
    expect(out.headline).toBe('[SEV1] INC-1 Payment API returning 500s — Investigating');
    expect(out.body).toMatch(/Conditions: payment-api — .*; 3 min since start/);
    expect(out.body).toContain('Actions:\n- Roll back deploy a1b2c3\n- Check DB connection pool');
    expect(out.body).toContain('Roles: Incident Commander: Alex (interim); Communications Lead: unfilled');
    expect(out.body).toContain('Technical Lead: Dave Miller');
    expect(out.body).toContain('Next update: 14:18 UTC (in 15 min).');
  });

  it('says "no change, still investigating" plainly when nothing changed, and still gives the next time', async () => {
    await h.ok('draft_stakeholder_update', { incidentId: id, audience: 'engineering', whatChanged: 'first look' });
    h.clock.advanceMinutes(15);
    const eng = await h.ok<Update>('draft_stakeholder_update', { incidentId: id, audience: 'engineering' });
    expect(eng.noChange).toBe(true);
    expect(eng.headline).toMatch(/no change, still investigating$/);
    expect(eng.body).toContain('No change since the last update at 14:03 UTC. Still investigating.');
    expect(eng.body).toContain('Next update: 14:33 UTC (in 15 min).');

    await h.ok('draft_stakeholder_update', { incidentId: id, audience: 'customer' });
    h.clock.advanceMinutes(15);
    const customer = await h.ok<Update>('draft_stakeholder_update', { incidentId: id, audience: 'customer' });
    expect(customer.noChange).toBe(true);
    expect(customer.body).toContain(
      'There is no change since our last update: we are still investigating issues affecting Checkout.',
    );
    expect(customer.body).toContain('Next update: in 15 minutes');
  });

  it('is not "no change" when the status moved since the last update', async () => {
    await h.ok('draft_stakeholder_update', { incidentId: id, audience: 'customer' });
    await h.store.updateIncident(id, { status: 'identified' }, [], h.clock.now().toISOString());
    const out = await h.ok<Update>('draft_stakeholder_update', { incidentId: id, audience: 'customer' });
    expect(out.noChange).toBe(false);
    expect(out.body).toContain('We have identified the cause of issues affecting Checkout and are working on a fix.');
  });

  it('records the update on the timeline, or not when asked', async () => {
    const dry = await h.ok<Update>('draft_stakeholder_update', { incidentId: id, audience: 'customer', record: false });
    expect(dry).toMatchObject({ recorded: false, updateId: null });
    expect(await h.store.listUpdates(id)).toEqual([]);
    const real = await h.ok<Update>('draft_stakeholder_update', { incidentId: id, audience: 'customer' });
    expect(real.updateId).toMatch(/^UPD-/);
    const [event] = await h.store.listTimeline(id, { kinds: ['update'] });
    expect(event?.text).toMatch(/^customer update: Investigating — Checkout — next due 14:18 UTC$/);
  });

  it('has no next update for an audience without a cadence at this severity', async () => {
    const low = await h.ok<{ incident: { id: string } }>('open_incident', {
      title: 'Disk filling on build agents',
      severity: 'SEV4',
    });
    const out = await h.ok<Update>('draft_stakeholder_update', { incidentId: low.incident.id, audience: 'executive' });
    expect(out.nextUpdateAt).toBeNull();
    expect(out.body).toContain('No scheduled executive updates at SEV4; next update when the status changes.');
  });

  it('refuses an unknown audience naming the field and the choices', async () => {
    const result = await h.call('draft_stakeholder_update', { incidentId: id, audience: 'press' });
    expect(result.text).toContain(
      'field "audience": expected one of "engineering", "executive", "customer", got "press"',
    );
  });
});
