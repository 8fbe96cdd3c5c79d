import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../src/config/package-root.js';
import { loadServices } from '../src/config/services.js';
import { loadRunbooks } from '../src/runbooks/catalog.js';
import { lintRunbooks } from '../src/runbooks/lint.js';
import { loadOpenSlo, requireOccurrences } from '../src/slo/openslo.js';

const config = join(packageRoot(), 'config');

/** The examples the README points to must load: a user copies them first. */
describe('shipped example configs', () => {
  it('services.example.yaml and runbooks.example lint to the gaps they are meant to show', () => {
    const lint = lintRunbooks(
      loadRunbooks(join(config, 'runbooks.example')),
      loadServices(join(config, 'services.example.yaml')),
      new Date('2026-11-26T12:00:00Z'),
    );
    expect(lint.invalid).toEqual([]);
    expect(lint.unknownServices).toEqual([]);
    expect(lint.stale.map((s) => s.file)).toEqual(['checkout-latency.md']);
    expect(lint.uncovered).toEqual([
      { service: 'payment-api', alert: 'PaymentGatewayTimeouts' },
      { service: 'search', alert: 'SearchLatencyP99High' },
    ]);
  });

  it('slo.example.yaml holds two event-count objectives', () => {
    const slos = loadOpenSlo(join(config, 'slo.example.yaml'));
    expect(slos.map((s) => [s.name, s.target, s.windowDays])).toEqual([
      ['checkout-availability', 0.999, 30],
      ['search-latency', 0.99, 28],
    ]);
    for (const s of slos) expect(requireOccurrences(s, 'slo.example.yaml')).toBe(s);
  });
});
