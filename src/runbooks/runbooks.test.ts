import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseServices } from '../config/services.js';
import { loadRunbooks } from './catalog.js';
import { lintRunbooks } from './lint.js';
import { rankRunbooks, runbookIndex, splitWords } from './search.js';

const NOW = new Date('2026-11-26T12:00:00Z');
let dir: string;

function runbook(
  file: string,
  fm: string,
  body = '1. Roll back the last deploy.\n2. Watch the error rate for 10 minutes.\n',
): void {
  mkdirSync(join(dir, file, '..'), { recursive: true });
  writeFileSync(join(dir, file), `---\n${fm}\n---\n${body}`);
}

const services = parseServices(
  [
    'services:',
    '  payment-api:',
    '    alerts:',
    '      - name: CheckoutErrorRateHigh',
    '      - name: PaymentGatewayTimeouts',
    '      - name: CheckoutSlowBurn',
    '        paging: false',
    '  search:',
    '    alerts: [{ name: SearchIndexLagHigh }]',
  ].join('\n'),
  '/etc/ic/services.yaml',
);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ic-runbooks-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('runbook catalog and lint', () => {
  it('finds a stale runbook, a never-tested one, and a paging alert without a runbook', () => {
    runbook(
      'payments/checkout.md',
      'title: Checkout errors\nservices: [payment-api]\nalerts: [CheckoutErrorRateHigh]\nowner: payments-oncall\nlast_tested: 2026-10-01',
    );
    runbook(
      'payments/latency.md',
      'title: Checkout latency\nservices: [payment-api]\nalerts: []\nowner: payments-oncall\nlast_tested: 2026-05-20',
    );
    runbook(
      'search/index-lag.md',
      'title: Search index lag\nservices: [search]\nalerts: [SearchIndexLagHigh]\nowner: search-team',
    );
    writeFileSync(join(dir, 'README.md'), '# How we write runbooks\n');
    const catalog = loadRunbooks(dir);
    expect(catalog.runbooks.map((r) => r.file)).toEqual([
      'payments/checkout.md',
      'payments/latency.md',
      'search/index-lag.md',
    ]);
    const lint = lintRunbooks(catalog, services, NOW);
    expect(lint.stale).toEqual([
      {
        file: 'payments/latency.md',
        title: 'Checkout latency',
        owner: 'payments-oncall',
        lastTested: '2026-05-20T00:00:00.000Z',
        daysSinceTest: 190,
      },
      {
        file: 'search/index-lag.md',
        title: 'Search index lag',
        owner: 'search-team',
        lastTested: null,
        daysSinceTest: null,
      },
    ]);
    // CheckoutSlowBurn is a ticket, not a page: it needs no runbook.
    expect(lint.uncovered).toEqual([{ service: 'payment-api', alert: 'PaymentGatewayTimeouts' }]);
    expect(lint.invalid).toEqual([]);
  });

  it('a runbook tested exactly a quarter ago is still fresh; a day later it is stale', () => {
    runbook('a.md', 'title: A\nowner: x\nlast_tested: 2026-08-26');
    expect(lintRunbooks(loadRunbooks(dir), services, NOW).stale).toEqual([]);
    expect(lintRunbooks(loadRunbooks(dir), services, new Date('2026-11-27T12:00:00Z')).stale).toHaveLength(1);
  });

  it('reports a bad file by name and field, keeps loading the others, and names unknown services', () => {
    runbook('good.md', 'title: Good\nservices: [billing]\nowner: x\nlast_tested: 2026-11-01');
    runbook('no-owner.md', 'title: No owner\nlast_tested: 2026-11-01');
    runbook('bad-date.md', 'title: Bad date\nowner: x\nlast_tested: last week');
    runbook('empty.md', 'title: Empty\nowner: x', '\n');
    runbook('future.md', 'title: Future\nowner: x\nlast_tested: 2027-11-01');
    const catalog = loadRunbooks(dir);
    expect(catalog.runbooks.map((r) => r.file)).toEqual(['future.md', 'good.md']);
    const lint = lintRunbooks(catalog, services, NOW);
    expect(lint.invalid.at(-1)).toEqual({
      file: 'future.md',
      message: 'future.md: field "last_tested": 2027-11-01 is in the future',
    });
    expect(lint.invalid.map((i) => i.message).join('\n')).toMatch(
      /bad-date\.md: field "last_tested": must be a date[\s\S]*empty\.md: field "\(body\)": no steps[\s\S]*no-owner\.md: field "owner"/,
    );
    expect(lint.unknownServices).toEqual([{ file: 'good.md', service: 'billing' }]);
  });

  it('reads only files inside the folder: a link to a file outside it is refused and named', () => {
    runbook('checkout.md', 'title: Checkout\nowner: payments');
    const outside = mkdtempSync(join(tmpdir(), 'ic-outside-'));
    try {
      writeFileSync(join(outside, 'secret.md'), '---\ntitle: Not a runbook\nowner: x\n---\nprivate notes\n');
      symlinkSync(join(outside, 'secret.md'), join(dir, 'leak.md'));
      symlinkSync(join(dir, 'checkout.md'), join(dir, 'alias.md'));
      const catalog = loadRunbooks(dir);
      expect(catalog.runbooks.map((r) => r.file).sort()).toEqual(['alias.md', 'checkout.md']);
      expect(catalog.runbooks.some((r) => r.body.includes('private notes'))).toBe(false);
      expect(catalog.errors.map((e) => e.message)).toEqual([
        expect.stringMatching(/leak\.md: links outside the runbooks folder \(to .*secret\.md\)/),
      ]);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('refuses a runbook over 1 MiB by name, keeps the others, and indexes each runbook once', () => {
    runbook('checkout.md', 'title: Checkout\nowner: payments');
    runbook('huge.md', 'title: Huge\nowner: payments', `${'roll back the deploy\n'.repeat(60_000)}`);
    const catalog = loadRunbooks(dir);
    expect(catalog.runbooks.map((r) => r.file)).toEqual(['checkout.md']);
    expect(catalog.errors[0]?.message).toMatch(/huge\.md: \d+ bytes: larger than the 1048576 bytes/);
    const [rb] = catalog.runbooks;
    rankRunbooks(catalog.runbooks, { words: 'roll back' });
    expect(runbookIndex(rb!)).toBe(runbookIndex(rb!));
  });

  it('a missing folder is a config error that says how to fix it', () => {
    expect(() => loadRunbooks(join(dir, 'nope'))).toThrow(/folder not found/);
  });
});

describe('runbook search', () => {
  it('ranks an exact alert match above service and word matches, and reads alert names as words', () => {
    runbook(
      'checkout.md',
      'title: Checkout errors\nservices: [payment-api]\nalerts: [CheckoutErrorRateHigh]\nowner: x',
    );
    runbook(
      'latency.md',
      'title: Checkout latency\nservices: [payment-api]\nowner: x',
      'Scale out when p99 latency is high.\n',
    );
    runbook(
      'index.md',
      'title: Search index lag\nservices: [search]\nalerts: [SearchIndexLagHigh]\nowner: x',
      'Restart the indexer workers.\n',
    );
    const { runbooks } = loadRunbooks(dir);
    expect(splitWords('CheckoutErrorRateHigh')).toBe('Checkout Error Rate High');
    expect(
      rankRunbooks(runbooks, { alert: 'checkouterrorratehigh', services: ['payment-api'] }).map((r) => [
        r.runbook.file,
        r.match,
      ]),
    ).toEqual([
      ['checkout.md', 'alert'],
      ['latency.md', 'service'],
    ]);
    expect(rankRunbooks(runbooks, { words: 'the indexer is lagging behind' }).map((r) => r.runbook.file)).toEqual([
      'index.md',
    ]);
    // No runbook answers this alert; the nearest ones by words are offered, never as an alert match.
    expect(
      rankRunbooks(runbooks, { alert: 'SearchLatencyHigh' })
        .map((r) => [r.runbook.file, r.match])
        .sort(),
    ).toEqual([
      ['index.md', 'words'],
      ['latency.md', 'words'],
    ]);
    expect(rankRunbooks(runbooks, { words: 'kafka consumer rebalancing' })).toEqual([]);
  });
});
