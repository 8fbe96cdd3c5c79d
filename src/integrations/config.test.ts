import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../config/package-root.js';
import { EMPTY_CATALOG, parseServices } from '../config/services.js';
import { ConfigError } from '../core/errors.js';
import { createLogger } from '../core/logger.js';
import { loadFramework } from '../severity/framework.js';
import { describeSettings, loadIntegrations } from './config.js';
import { Secret } from './secrets.js';

const framework = loadFramework(join(packageRoot(), 'config', 'severity.yaml'));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function file(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ic-int-config-'));
  dirs.push(dir);
  const path = join(dir, 'integrations.yaml');
  writeFileSync(path, text);
  return path;
}

const load = (path: string | null, env: NodeJS.ProcessEnv = {}) =>
  loadIntegrations(path, { env, framework, services: EMPTY_CATALOG });

describe('integrations settings', () => {
  it('are all off with nothing configured, and each turns on from the environment alone', () => {
    const off = load(null);
    expect([off.pagerduty.webhooks, off.pagerduty.events, off.pagerduty.rest, off.statuspage, off.opsgenie]).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
    const on = load(null, {
      PAGERDUTY_WEBHOOK_SECRET: 'old-secret-123, new-secret-456',
      PAGERDUTY_ROUTING_KEY: 'routing-key-0000000000',
      PAGERDUTY_API_TOKEN: 'api-token-000000',
      PAGERDUTY_FROM: 'bot@example.com',
      STATUSPAGE_API_TOKEN: 'sp-token-0000000',
      STATUSPAGE_PAGE_ID: 'kctbh9vrtdwd',
      PAGERDUTY_EVENTS_URL: 'http://127.0.0.1:9/events',
    });
    expect(on.pagerduty.webhooks?.secrets.map((s) => s.reveal())).toEqual(['old-secret-123', 'new-secret-456']);
    expect(on.pagerduty.events?.url).toBe('http://127.0.0.1:9/events');
    expect(on.pagerduty.rest).toMatchObject({ url: 'https://api.pagerduty.com', from: 'bot@example.com' });
    expect(on.statuspage).toMatchObject({ pageId: 'kctbh9vrtdwd', url: 'https://api.statuspage.io/v1' });
    const described = describeSettings(on).join('\n');
    expect(described).toContain(
      'PagerDuty webhooks in: on (2 signing secrets, env PAGERDUTY_WEBHOOK_SECRET, env PAGERDUTY_WEBHOOK_SECRET)',
    );
    for (const secret of ['old-secret-123', 'routing-key-0000000000', 'api-token-000000', 'sp-token-0000000'])
      expect(described).not.toContain(secret);
  });

  it('names the field and what to do for a target the framework does not page, an unknown service, a secret written in the file, and a token without its page', () => {
    const cases: [string, RegExp][] = [
      [
        'pagerduty:\n  events:\n    page:\n      "VP on call": { env: X }\n',
        /pagerduty\.events\.page\.VP on call.*no severity level pages "VP on call"; the framework pages: Incident Commander on call/,
      ],
      ['pagerduty:\n  events:\n    routing_key: R0UTINGKEY000000000000000000IC01\n', /pagerduty\.events\.routing_key/],
      [
        'pagerduty:\n  events:\n    services:\n      nope: { env: X }\n',
        /pagerduty\.events\.services\.nope.*not a service in services.yaml/,
      ],
      ['statuspage:\n  token: { env: SP }\n', /statuspage\.page_id.*a Statuspage token is set but no page id/],
      ['pagerduty:\n  webhooks:\n    max_event_age_minutes: 1\n', /max_event_age_minutes/],
    ];
    const services = parseServices('services:\n  payment-api: {}\n', '/x/services.yaml');
    for (const [text, message] of cases) {
      const attempt = () =>
        loadIntegrations(file(`version: 1\n${text}`), { env: { X: 'k', SP: 'token-0000000' }, framework, services });
      expect(attempt, text).toThrow(ConfigError);
      expect(attempt, text).toThrow(message);
    }
    expect(() => load(file('version: 1\n'), {})).not.toThrow();
  });

  it('reads secret files only their owner can read, and never shows their content', () => {
    const path = file('');
    const secretFile = join(path, '..', 'routing.key');
    writeFileSync(secretFile, 'R0UTINGKEY-FROM-A-FILE-000000000\n', { mode: 0o600 });
    const yaml = file(`version: 1\npagerduty:\n  events:\n    routing_key: { file: ${secretFile} }\n`);
    expect(load(yaml).pagerduty.events?.defaultKey?.reveal()).toBe('R0UTINGKEY-FROM-A-FILE-000000000');
    chmodSync(secretFile, 0o640);
    expect(() => load(yaml)).toThrow(/can be read by other users \(mode 640\)/);
    try {
      load(yaml);
    } catch (error) {
      expect(JSON.stringify((error as ConfigError).toJSON())).not.toContain('R0UTINGKEY-FROM-A-FILE');
    }
  });

  it('keeps a secret out of strings, JSON, inspect and every log line', () => {
    const secret = new Secret('sk-routing-key-value-0001', 'env X');
    expect(`${secret}`).toBe('[secret]');
    expect(JSON.stringify({ secret })).toBe('{"secret":"[secret]"}');
    expect(inspect({ secret })).toContain('Secret(env X)');
    expect(inspect({ secret })).not.toContain('sk-routing');
    const lines: string[] = [];
    createLogger({ level: 'info', destination: { write: (l: string) => void lines.push(l) }, env: {} }).info(
      { note: `sent with sk-routing-key-value-0001 in it` },
      `calling with ${secret.reveal()}`,
    );
    expect(lines.join('')).not.toContain('sk-routing-key-value-0001');
  });
});
