import { read, type Reading } from '../language/index.js';
import type { ServiceHint } from '../language/services.js';
import type { SignalName, Signals } from './signals.js';

export type { ServiceHint };

export interface Extraction {
  signals: Signals;
  /** The phrase each signal was read from ("config:payment-api" when it came from the services config). */
  evidence: Partial<Record<SignalName, string>>;
  /** Configured services named in the text, in order of appearance. */
  services: string[];
  /** Service-like names in the text that are not configured ("payment API" → "payment-api"). */
  mentioned: string[];
}

/**
 * The severity framework's signals from what the language layer read. Fail-safe the way a seasoned
 * IC declares: everyone or everything failing is a 100% share; a failing public surface is
 * customer-facing; a recovered blip is healthy (recorded, not paged); what a message rules out
 * ("no data lost") is false, and what it does not say stays unknown.
 */
export function signalsFrom(reading: Reading, services: readonly ServiceHint[] = []): Extraction {
  const c = reading.condition;
  const signals: Signals = {};
  const evidence: Partial<Record<SignalName, string>> = {};
  const set = <K extends SignalName>(name: K, value: Signals[K], phrase: string | undefined): void => {
    if (value === undefined) return;
    signals[name] = value;
    evidence[name] = phrase ?? String(value);
  };
  const named = services.filter((s) => reading.services.includes(s.name));
  if (c.customerFacing !== null) set('customerFacing', c.customerFacing, reading.evidence['customerFacing']);
  else {
    const configured = named.find((s) => s.customerFacing !== undefined);
    if (configured) set('customerFacing', configured.customerFacing, `config:${configured.name}`);
  }
  const revenue = c.revenuePath || named.some((s) => s.revenuePath === true);
  if (revenue)
    set('revenuePath', true, reading.evidence['revenuePath'] ?? `config:${named.find((s) => s.revenuePath)?.name}`);
  const critical = c.criticalFunction || named.some((s) => s.criticalFunction === true);
  if (critical)
    set(
      'criticalFunction',
      true,
      reading.evidence['criticalFunction'] ?? `config:${named.find((s) => s.criticalFunction)?.name}`,
    );
  // Checkout, payments, sign-up: revenue paths are customer-facing by nature.
  if (revenue && signals.customerFacing === undefined && c.state && c.state !== 'at_risk')
    set('customerFacing', true, `revenue path (${reading.evidence['revenuePath'] ?? 'config'})`);
  if (c.security) set('securityBreach', true, reading.evidence['securityBreach']);
  else if (c.ruledOut.includes('security')) set('securityBreach', false, 'ruled out');
  if (c.dataLoss) set('dataLoss', true, reading.evidence['dataLoss']);
  else if (c.ruledOut.includes('data_loss')) set('dataLoss', false, 'ruled out');
  const state =
    c.state === 'failing'
      ? 'down'
      : c.state === 'degraded'
        ? 'degraded'
        : c.state === 'at_risk'
          ? 'at_risk'
          : c.state === 'recovered'
            ? 'healthy'
            : undefined;
  if (state) set('state', state, reading.evidence['state'] ?? reading.evidence['recovered']);
  if (c.share) set('usersAffectedPct', c.share.pct, c.share.phrase);
  else if (c.wide && state !== 'healthy') set('usersAffectedPct', 100, 'everyone / everything');
  if (reading.durationMinutes !== null && reading.durationMinutes > 0)
    set('durationMinutes', Math.min(reading.durationMinutes, 525_600), reading.started?.phrase);
  if (c.workaround) set('workaroundAvailable', true, 'workaround');
  return { signals, evidence, services: reading.services, mentioned: reading.mentioned };
}

/**
 * Reads impact signals out of a free-text incident report. Deterministic: a signal is set only when
 * the words support it; a negated one ("no data loss") is false.
 */
export function extractSignals(
  text: string,
  services: readonly ServiceHint[] = [],
  now: Date = new Date(),
): Extraction {
  return signalsFrom(read(text, { now, services }), services);
}
