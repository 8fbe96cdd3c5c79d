/**
 * Scores the commander's reader and its offline conversation on the labelled reading corpus
 * (corpus/README.md): `npm run corpus` prints every half's scores as markdown, the README's table.
 * `--half train|dev|test` picks one; `--misses` lists what went wrong, for the halves we tune on
 * only — the test half is scored, never listed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRegistry } from '../tools/index.js';
import { packageRoot } from '../src/config/package-root.js';
import {
  type ConversationScores,
  loadConversations,
  scoreConversation,
  summarise,
  type TurnCheck,
} from '../src/corpus/conversations.js';
import { loadMessages, type MessageResult, type MessageScores, scoreMessages } from '../src/corpus/messages.js';
import { loadFramework } from '../src/severity/framework.js';
import { loadSoul } from '../src/soul/load.js';
import { TemplateLibrary } from '../src/templates/library.js';

const HALVES = ['train', 'dev', 'test'] as const;
type Half = (typeof HALVES)[number];

const { values } = parseArgs({
  options: { half: { type: 'string' }, misses: { type: 'boolean', default: false } },
  strict: true,
});
const halves: Half[] = values.half ? [values.half as Half] : [...HALVES];
if (values.half && !HALVES.includes(values.half as Half)) throw new Error(`--half must be one of ${HALVES.join(', ')}`);

const root = packageRoot();
const registry = createRegistry();
const shared = {
  soul: loadSoul(join(root, 'SOUL.md'), registry.names()),
  severity: loadFramework(join(root, 'config', 'severity.yaml')),
  templates: TemplateLibrary.load(join(root, 'prompts')),
  registry,
};

const pct = (x: { ok: number; of: number }): string =>
  x.of ? `${((100 * x.ok) / x.of).toFixed(1)}% (${x.ok}/${x.of})` : '—';
const out: string[] = [];
const write = (line: string): void => void out.push(line);
const rows: { half: Half; m: MessageScores | null; c: ConversationScores | null }[] = [];

for (const half of halves) {
  const messagesFile = join(root, 'corpus', 'messages', `${half}.jsonl`);
  const conversationsDir = join(root, 'corpus', 'conversations', half);
  let m: MessageScores | null = null;
  let results: MessageResult[] = [];
  if (existsSync(messagesFile)) ({ scores: m, results } = scoreMessages(loadMessages(messagesFile), shared.severity));
  let c: ConversationScores | null = null;
  let checks: TurnCheck[] = [];
  if (existsSync(conversationsDir)) {
    const conversations = loadConversations(conversationsDir);
    for (const conv of conversations) checks.push(...(await scoreConversation(conv, shared)));
    c = summarise(checks, conversations.length);
  }
  rows.push({ half, m, c });
  if (values.misses && half !== 'test') {
    write(`\n### ${half}: misses`);
    for (const r of results) {
      const bad = [
        !r.intentOk ? `intent ${r.message.intents[0]} ∉ [${r.reading.intents}]` : '',
        r.severityOk === false ? `severity ${r.severity} ∉ ${r.message.severity}` : '',
        r.openOk === false ? `opens ${r.message.opens}` : '',
      ].filter(Boolean);
      if (bad.length)
        write(`- ${r.message.id}: ${bad.join('; ')} — ${r.message.text.slice(0, 140).replace(/\s+/g, ' ')}`);
    }
    checks = checks.filter((x) => !x.ok);
    for (const x of checks) write(`- ${x.conversation} turn ${x.turn} ${x.key}: ${x.detail}`);
  }
}

const table = [
  '| half | messages | intent | severity within range | opened when it should | no security or wide-scope report below SEV2 | reading time (mean / worst) | conversations | expectations met | clean conversations |',
  '|---|---|---|---|---|---|---|---|---|---|',
  ...rows.map(({ half, m, c }) =>
    [
      half,
      m?.total ?? '—',
      m ? pct(m.intent) : '—',
      m ? pct(m.severity) : '—',
      m ? pct(m.opened) : '—',
      m ? (m.unsafe === 0 ? 'yes (0)' : `no (${m.unsafe})`) : '—',
      m ? `${m.meanMs.toFixed(2)} / ${m.worstMs.toFixed(1)} ms` : '—',
      c?.conversations ?? '—',
      c ? pct(c.checks) : '—',
      c ? `${c.clean}/${c.conversations}` : '—',
    ]
      .join(' | ')
      .replace(/^/, '| ')
      .replace(/$/, ' |'),
  ),
];
const keys = [...new Set(rows.flatMap((r) => Object.keys(r.c?.byKey ?? {})))].sort();
const byKey = [
  `| moves recorded (conversations) | ${rows.map((r) => r.half).join(' | ')} |`,
  `|---|${rows.map(() => '---').join('|')}|`,
  ...keys.map(
    (k) =>
      `| ${k} | ${rows.map((r) => pct(r.c?.byKey[k as keyof ConversationScores['byKey']] ?? { ok: 0, of: 0 })).join(' | ')} |`,
  ),
];
process.stdout.write(`${[...table, '', ...byKey, ...out].join('\n')}\n`);
