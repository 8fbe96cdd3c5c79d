import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { packageRoot } from '../../config/package-root.js';
import { resolvePaths } from '../../config/paths.js';
import { createLogger, logLevelFromEnv } from '../../core/logger.js';
import { compare, loadBaseline, writeBaseline } from '../../evals/baseline.js';
import { loadCases, type EvalCase } from '../../evals/case.js';
import { ClaudeJudge, type Judge } from '../../evals/judge.js';
import { formatReport, toJUnit } from '../../evals/report.js';
import { runCase, type ModelFactory } from '../../evals/run-case.js';
import { runSuite } from '../../evals/suite.js';
import { anthropicTarget, loadShared, offlineTarget } from '../../evals/targets.js';
import { TranscriptSchema, type Transcript } from '../../evals/transcript.js';
import { createRegistry } from '../../../tools/index.js';
import { overridesFrom, parseCommandArgs } from '../args.js';
import { EXIT, UsageError, type CliIO } from '../io.js';

const USAGE =
  'incident-commander eval [--target offline|anthropic|replay] [--filter PATTERN] [--repeat K] [--concurrency N] [--junit FILE] [--json FILE] [--record DIR] [--transcripts DIR] [--baseline FILE] [--update-baseline FILE] [--cases DIR] [--verbose]';

const Flags = z.object({
  target: z.enum(['offline', 'anthropic', 'replay']).default('offline'),
  filter: z.string().min(1).optional(),
  repeat: z.coerce.number().int().min(1).max(100).default(1),
  concurrency: z.coerce.number().int().min(1).max(32).optional(),
  junit: z.string().min(1).optional(),
  json: z.string().min(1).optional(),
  record: z.string().min(1).optional(),
  transcripts: z.string().min(1).optional(),
  baseline: z.string().min(1).optional(),
  'update-baseline': z.string().min(1).optional(),
  cases: z.string().min(1).optional(),
  verbose: z.boolean().optional(),
});

const Env = z.object({
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_BASE_URL: z.string().url().optional(),
  INCIDENT_COMMANDER_JUDGE_MODEL: z.string().min(1).optional(),
  INCIDENT_COMMANDER_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  INCIDENT_COMMANDER_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
});

function readTranscripts(dir: string): Map<string, Transcript> {
  const out = new Map<string, Transcript>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const parsed = TranscriptSchema.safeParse(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    if (!parsed.success)
      throw new UsageError(
        `${join(dir, file)} is not a transcript: ${parsed.error.issues[0]?.message}`,
        'Point --transcripts at a folder written by --record.',
      );
    out.set(`${parsed.data.caseId}#${parsed.data.run}`, parsed.data);
  }
  return out;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { flags } = parseCommandArgs(
    argv,
    {
      target: { type: 'string' },
      filter: { type: 'string' },
      repeat: { type: 'string' },
      concurrency: { type: 'string' },
      junit: { type: 'string' },
      json: { type: 'string' },
      record: { type: 'string' },
      transcripts: { type: 'string' },
      baseline: { type: 'string' },
      'update-baseline': { type: 'string' },
      cases: { type: 'string' },
      verbose: { type: 'boolean' },
    },
    Flags,
    USAGE,
  );
  const env = Env.parse(Object.fromEntries(Object.entries(io.env).filter(([, v]) => v !== undefined && v !== '')));
  if (flags.target === 'replay' && !flags.transcripts)
    throw new UsageError(
      '--target replay needs --transcripts DIR',
      'Record transcripts with --record DIR on a live run first.',
    );
  if (flags.target === 'anthropic' && !env.ANTHROPIC_API_KEY)
    throw new UsageError('--target anthropic needs ANTHROPIC_API_KEY', 'Set the key, or use --target offline.');

  const logger = createLogger({ level: logLevelFromEnv(io.env, 'error') });
  const paths = resolvePaths(overridesFrom(flags), io.env, io.cwd);
  const shared = loadShared(paths.soul, paths.severity, createRegistry(), logger);
  let cases: EvalCase[] = loadCases(flags.cases ?? join(packageRoot(), 'evals', 'cases'));
  if (flags.filter) {
    const pattern = new RegExp(flags.filter, 'i');
    cases = cases.filter((c) => pattern.test(c.id) || pattern.test(c.title) || c.rules.some((r) => pattern.test(r)));
    if (!cases.length)
      throw new UsageError(
        `--filter ${flags.filter} matches no case`,
        'Match a case id, title or rule, e.g. --filter seed.',
      );
  }

  let model: ModelFactory | null = null;
  if (flags.target === 'offline') model = offlineTarget(shared);
  if (flags.target === 'anthropic')
    model = await anthropicTarget(
      {
        apiKey: env.ANTHROPIC_API_KEY!,
        baseURL: env.ANTHROPIC_BASE_URL,
        maxRetries: env.INCIDENT_COMMANDER_MAX_RETRIES,
        timeoutMs: env.INCIDENT_COMMANDER_TIMEOUT_MS,
      },
      logger,
    );
  const replay = flags.target === 'replay' ? readTranscripts(flags.transcripts!) : null;
  const judge: Judge | null = env.ANTHROPIC_API_KEY
    ? new ClaudeJudge({
        apiKey: env.ANTHROPIC_API_KEY,
        baseURL: env.ANTHROPIC_BASE_URL,
        model: env.INCIDENT_COMMANDER_JUDGE_MODEL ?? shared.soul.config.model,
        template: shared.templates.get('judge'),
        logger,
      })
    : null;
  if (flags.record) mkdirSync(flags.record, { recursive: true });

  const report = await runSuite({
    cases,
    target: flags.target,
    repeat: flags.repeat,
    concurrency: flags.concurrency ?? (flags.target === 'anthropic' ? 2 : 4),
    judge,
    produce: async (c, n) =>
      replay ? (replay.get(`${c.id}#${n}`) ?? null) : runCase(c, n, flags.target, model!, shared),
    onTranscript: (t) => {
      if (flags.record)
        writeFileSync(join(flags.record, `${t.caseId}.run${t.run}.json`), `${JSON.stringify(t, null, 2)}\n`);
    },
  });
  const comparison = flags.baseline ? compare(report, loadBaseline(flags.baseline)) : null;
  io.stdout(`${formatReport(report, comparison, flags.verbose === true)}\n`);
  if (flags.junit) writeFileSync(flags.junit, toJUnit(report));
  if (flags.json) writeFileSync(flags.json, `${JSON.stringify({ ...report, comparison }, null, 2)}\n`);
  if (flags['update-baseline']) writeBaseline(flags['update-baseline'], report);

  const failing = report.cases.some((c) => c.status === 'fail' || c.status === 'flaky');
  const ok = comparison ? comparison.regressions.length === 0 && comparison.newFailures.length === 0 : !failing;
  return ok ? EXIT.ok : EXIT.failed;
}
