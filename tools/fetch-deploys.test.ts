import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseServices } from '../src/config/services.js';
import { createHarness, type Harness } from '../test/support/harness.js';
import { makeGitRepo } from '../test/support/git-repo.js';

type Deploys = {
  deploys: {
    ref: string;
    source: string;
    summary: string;
    suspect: boolean;
    suspectRank: number | null;
    status: string | null;
    note: string | null;
  }[];
  suspects: string[];
  sources: { kind: string; ok: boolean; skippedLines: number; error: string | null; truncated: boolean }[];
  advice: string;
  reference: { kind: string };
  truncated: boolean;
};

let dir: string;
let h: Harness;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ic-deploys-'));
  makeGitRepo(join(dir, 'payment-api'), [
    { at: '2026-11-25T16:00:00Z', subject: 'Old change from yesterday' },
    { at: '2026-11-26T12:30:00Z', subject: 'Add retry to ledger client', author: 'Sam' },
    { at: '2026-11-26T13:40:00Z', subject: 'Bump payment gateway timeout to 2s', author: 'Dana' },
    { at: '2026-11-26T13:55:00Z', subject: 'Revert "Bump payment gateway timeout to 2s"', author: 'Dana' },
  ]);
  makeGitRepo(join(dir, 'monorepo'), [
    { at: '2026-11-26T13:30:00Z', subject: 'search: new ranking', file: 'services/search/rank.txt' },
    { at: '2026-11-26T13:35:00Z', subject: 'docs only', file: 'docs/readme.txt' },
  ]);
  writeFileSync(
    join(dir, 'deploys.jsonl'),
    [
      JSON.stringify({
        service: 'checkout-web',
        at: '2026-11-26T13:45:00Z',
        version: 'v2.3.1',
        author: 'ci',
        description: 'checkout-web v2.3.1',
        status: 'failed',
      }),
      'this line is not json',
      JSON.stringify({
        payload: {
          summary: 'checkout-web config push',
          timestamp: '2026-11-26T13:20:00Z',
          source: 'checkout-web',
          custom_details: { version: 'cfg-88' },
        },
      }),
      JSON.stringify({ service: 'other', at: '2026-11-26T13:46:00Z', version: 'x' }),
      JSON.stringify({ service: 'checkout-web', version: 'no-time' }),
      '',
    ].join('\n'),
  );
  const services = `
services:
  payment-api:
    display_name: Payments
    customer_facing: true
    revenue_path: true
    repo: ./payment-api
  search:
    repo: ./monorepo
    repo_subdir: services/search
  checkout-web:
    deploy_log: ./deploys.jsonl
  empty:
    customer_facing: false
  broken:
    repo: ./does-not-exist
`;
  h = createHarness({ services: parseServices(services, join(dir, 'services.yaml')), start: '2026-11-26T14:00:00Z' });
});
afterEach(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

async function incidentAt(startedAt: string): Promise<string> {
  const out = await h.ok<{ incident: { id: string } }>('open_incident', {
    title: 'Checkout failing',
    services: ['payment-api'],
    startedAt,
  });
  return out.incident.id;
}

describe('fetch_deploys', () => {
  it('reads git history and flags deploys in the window before the incident start, closest first', async () => {
    const id = await incidentAt('2026-11-26T13:50:00Z');
    const out = await h.ok<Deploys>('fetch_deploys', { service: 'payment-api', incidentId: id });
    expect(out.reference.kind).toBe('incident_start');
    expect(out.deploys.map((d) => d.summary)).toEqual([
      'Revert "Bump payment gateway timeout to 2s"',
      'Bump payment gateway timeout to 2s',
      'Add retry to ledger client',
    ]);
    const [revert, bump, retry] = out.deploys;
    expect(bump).toMatchObject({ suspect: true, suspectRank: 1, source: 'git' });
    expect(bump?.note).toMatch(/^landed 10 min before the incident started/);
    expect(retry).toMatchObject({ suspect: true, suspectRank: 2 });
    expect(revert).toMatchObject({ suspect: false, suspectRank: null });
    expect(revert?.note).toMatch(/after the incident started/);
    expect(out.advice).toMatch(
      /Top suspect: [0-9a-f]{12} "Bump payment gateway timeout to 2s" by Dana.*roll it back now/,
    );
  });

  it('takes `since` as a duration before now or an ISO time', async () => {
    const recent = await h.ok<Deploys>('fetch_deploys', { service: 'payment-api', since: '80m' });
    expect(recent.deploys.map((d) => d.summary)).toEqual([
      'Revert "Bump payment gateway timeout to 2s"',
      'Bump payment gateway timeout to 2s',
    ]);
    const all = await h.ok<Deploys>('fetch_deploys', {
      service: 'payment-api',
      since: '2026-11-25T00:00:00Z',
      limit: 10,
    });
    expect(all.deploys).toHaveLength(4);
    const two = await h.ok<Deploys>('fetch_deploys', { service: 'payment-api', since: '2 hours ago' });
    expect(two.deploys).toHaveLength(3);
  });

  it('refuses a `since` that is neither a duration nor an ISO time, writing nothing', async () => {
    for (const since of ['yesterday', 'last week', '2026-13-01', '-2h']) {
      const result = await h.call('fetch_deploys', { service: 'payment-api', since });
      expect(result.ok).toBe(false);
      expect(result.text).toContain('field "since": must be a duration such as "2h", "90m", "7d" or an ISO 8601 time');
    }
  });

  it('refuses an unknown service and lists the configured ones', async () => {
    const result = await h.call('fetch_deploys', { service: 'billing' });
    expect(result.ok).toBe(false);
    expect(result.text).toMatch(
      /field "service": unknown service "billing"; services in .*services\.yaml: payment-api, search, checkout-web, empty, broken/,
    );
    const none = await h.call('fetch_deploys', { service: 'empty' });
    expect(none.text).toContain('has neither repo nor deploy_log');
  });

  it('limits a monorepo service to its folder', async () => {
    const out = await h.ok<Deploys>('fetch_deploys', { service: 'search', since: '3h' });
    expect(out.deploys.map((d) => d.summary)).toEqual(['search: new ranking']);
  });

  it('reads a JSON-lines deploy log, PagerDuty change events included, and counts bad lines', async () => {
    const id = await incidentAt('2026-11-26T13:50:00Z');
    const out = await h.ok<Deploys>('fetch_deploys', { service: 'checkout-web', incidentId: id });
    expect(out.deploys.map((d) => d.ref)).toEqual(['v2.3.1', 'cfg-88']);
    expect(out.deploys[0]).toMatchObject({ source: 'deploy_log', status: 'failed', suspectRank: 1 });
    expect(out.sources).toEqual([expect.objectContaining({ kind: 'deploy_log', ok: true, skippedLines: 2 })]);
  });

  it('fails clearly when no source can be read', async () => {
    const result = await h.call('fetch_deploys', { service: 'broken' });
    expect(result).toMatchObject({ ok: false, error: { code: 'external_failure' } });
    expect(result.text).toMatch(/git log failed in .*does-not-exist/);
  });

  it('cannot be pointed at a path by the caller', async () => {
    const result = await h.call('fetch_deploys', { service: 'payment-api', repo: '/etc' });
    expect(result.ok).toBe(false);
    expect(result.text).toContain(
      'field "(input)": unknown field(s) "repo"; accepted fields here: service, since, until, incidentId, windowMinutes, limit',
    );
  });

  it('refuses a services config whose branch or subfolder could be read by git as an option or escape the repo', () => {
    expect(() =>
      parseServices('services:\n  x:\n    repo: ./r\n    branch: --output=/tmp/pwned\n', join(dir, 's.yaml')),
    ).toThrow(/field "services\.x\.branch": must be a plain branch name/);
    expect(() =>
      parseServices('services:\n  x:\n    repo: ./r\n    repo_subdir: ../../etc\n', join(dir, 's.yaml')),
    ).toThrow(/services\.x\.repo_subdir.*relative path inside the repository/);
  });

  it('says truncated when the deploy log is longer than the part it reads', async () => {
    const log = join(dir, 'deploys.jsonl');
    // 17 MB of older lines ahead of the real entries: past the 16 MB that is read.
    const filler = `${'x'.repeat(2047)}\n`.repeat(8704);
    writeFileSync(log, filler);
    appendFileSync(log, `${JSON.stringify({ service: 'checkout-web', at: '2026-11-26T13:45:00Z', version: 'v9' })}\n`);
    const out = await h.ok<Deploys>('fetch_deploys', { service: 'checkout-web', since: '3h' });
    expect(out.deploys.map((d) => d.ref)).toEqual(['v9']);
    expect(out.sources[0]).toMatchObject({ kind: 'deploy_log', ok: true, truncated: true });
    expect(out.truncated).toBe(true);
  });

  it('honours the limit and says when it truncated', async () => {
    const out = await h.ok<Deploys>('fetch_deploys', { service: 'payment-api', since: '2d', limit: 2 });
    expect(out.deploys).toHaveLength(2);
    expect(out.truncated).toBe(true);
  });
});
