import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { makePrivateDir, writePrivateFile } from '../../core/files.js';
import { scrubSecrets } from '../../core/logger.js';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { packageRoot } from '../../config/package-root.js';
import { resolvePaths } from '../../config/paths.js';
import { createLogger, logLevelFromEnv, type Logger } from '../../core/logger.js';
import { compare, loadBaseline, writeBaseline } from '../../evals/baseline.js';
import { loadCases, type EvalCase } from '../../evals/case.js';
import { compareSides, formatAb, sideOf, type Side } from '../../evals/compare.js';
import type { Shared } from '../../evals/environment.js';
import { ClaudeJudge, defaultJudgeModel, type Judge } from '../../evals/judge.js';
import { personaContext } from '../../evals/persona.js';
import { judgeContract } from '../../evals/persona-contract.js';
import { formatReport, toJUnit, toSummary } from '../../evals/report.js';
import { runCase, type ModelFactory } from '../../evals/run-case.js';
import { caseStatus, runSuite, type CaseReport, type SuiteReport } from '../../evals/suite.js';
import { anthropicTarget, loadShared, offlineTarget } from '../../evals/targets.js';
import { TranscriptSchema, type Transcript } from '../../evals/transcript.js';
import { decide } from '../../evals/verdict.js';
import { createRegistry } from '../../../tools/index.js';
import { overridesFrom } from '../args.js';
import { EXIT, UsageError, type CliIO } from '../io.js';
import type { Parsed } from '../spec.js';
import type { EVAL } from './specs.js';

const Model = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[\w.:@/-]+$/, 'must be a model name such as claude-sonnet-4-5');

const Env = z.object({
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_BASE_URL: z.string().url().optional(),
  INCIDENT_COMMANDER_MODEL: Model.optional(),
  INCIDENT_COMMANDER_JUDGE_MODEL: Model.optional(),
  INCIDENT_COMMANDER_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  INCIDENT_COMMANDER_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  GITHUB_STEP_SUMMARY: z.string().min(1).optional(),
});

type Flags = Parsed<(typeof EVAL)['flags']>['flags'];
type Env = z.output<typeof Env>;

function readTranscripts(dir: string): Map<string, Transcript> {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UsageError(`--transcripts ${dir}: no such folder`, 'Point it at a folder written by --record.');
  const out = new Map<string, Transcript>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (error) {
      throw new UsageError(
        `${join(dir, file)} is not JSON: ${(error as Error).message}`,
        'Point --transcripts at a folder written by --record.',
      );
    }
    const parsed = TranscriptSchema.safeParse(data);
    if (!parsed.success)
      throw new UsageError(
        `${join(dir, file)} is not a transcript: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
        'Point --transcripts at a folder written by --record.',
      );
    out.set(`${parsed.data.caseId}#${parsed.data.run}`, parsed.data);
  }
  return out;
}

function selectCases(flags: Flags): EvalCase[] {
  let cases = loadCases(flags.cases ?? join(packageRoot(), 'evals', 'cases'));
  if (flags.filter) {
    let pattern: RegExp;
    try {
      pattern = new RegExp(flags.filter, 'i');
    } catch (error) {
      throw new UsageError(`--filter ${flags.filter}: ${(error as Error).message}`, 'Give a regular expression.');
    }
    cases = cases.filter((c) => pattern.test(c.id) || pattern.test(c.title) || c.rules.some((r) => pattern.test(r)));
    if (!cases.length)
      throw new UsageError(
        `--filter ${flags.filter} matches no case`,
        'Match a case id, title or rule, e.g. --filter seed.',
      );
  }
  return cases;
}

interface RunPlan {
  flags: Flags;
  env: Env;
  io: CliIO;
  logger: Logger;
  cases: EvalCase[];
  soulPath: string;
  severityPath: string;
  /** Replay from this folder instead of playing the cases. */
  transcripts: string | null;
  record: string | null;
}

/** One suite run: the persona contract, then every case K times; returns the report and whether it replayed offline runs. */
async function runOnce(plan: RunPlan): Promise<{ report: SuiteReport; deterministic: boolean; shared: Shared }> {
  const { flags, env, logger } = plan;
  const shared = loadShared(plan.soulPath, plan.severityPath, createRegistry(), logger);
  const agentModel = flags.model ?? env.INCIDENT_COMMANDER_MODEL ?? shared.soul.config.model;
  // --model reaches the agent through the persona it reads each turn.
  if (agentModel !== shared.soul.config.model)
    shared.soul = { ...shared.soul, config: { ...shared.soul.config, model: agentModel } };
  const judgeModel = flags['judge-model'] ?? env.INCIDENT_COMMANDER_JUDGE_MODEL ?? defaultJudgeModel(agentModel);
  if (judgeModel === agentModel)
    plan.io.stderr(
      `warning: the judge model (${judgeModel}) is the agent's own model; it shares the agent's blind spots. Pick another with --judge-model.\n`,
    );
  const replay = plan.transcripts ? readTranscripts(plan.transcripts) : null;
  let model: ModelFactory | null = null;
  if (!replay && flags.target === 'offline') model = offlineTarget(shared);
  if (!replay && flags.target === 'anthropic')
    model = await anthropicTarget(
      {
        apiKey: env.ANTHROPIC_API_KEY!,
        baseURL: env.ANTHROPIC_BASE_URL,
        maxRetries: env.INCIDENT_COMMANDER_MAX_RETRIES,
        timeoutMs: env.INCIDENT_COMMANDER_TIMEOUT_MS,
      },
      logger,
    );
  // A replay grades the judge verdicts recorded with the transcripts: it reproduces the live run exactly.
  const judge: Judge | null =
    env.ANTHROPIC_API_KEY && !replay
      ? new ClaudeJudge({
          apiKey: env.ANTHROPIC_API_KEY,
          baseURL: env.ANTHROPIC_BASE_URL,
          model: judgeModel,
          template: shared.templates.get('judge'),
          logger,
        })
      : null;
  if (plan.record) makePrivateDir(plan.record);
  const target = replay ? 'replay' : flags.target;
  const report = await runSuite({
    cases: plan.cases,
    target,
    repeat: flags.repeat,
    concurrency: flags.concurrency ?? (target === 'anthropic' ? 2 : 4),
    judge,
    replayJudge: replay !== null,
    persona: personaContext(shared.soul, shared.severity),
    model: target === 'offline' ? 'offline-playbook' : agentModel,
    produce: async (c, n) => (replay ? (replay.get(`${c.id}#${n}`) ?? null) : runCase(c, n, target, model!, shared)),
    onTranscript: (t) => {
      if (plan.record)
        writePrivateFile(
          join(plan.record, `${t.caseId}.run${t.run}.json`),
          `${scrubSecrets(JSON.stringify(t, null, 2))}\n`,
        );
    },
  });
  const contract = await judgeContract(
    shared.soul,
    env.ANTHROPIC_API_KEY && !replay
      ? {
          apiKey: env.ANTHROPIC_API_KEY,
          baseURL: env.ANTHROPIC_BASE_URL,
          model: judgeModel,
          template: shared.templates.get('persona-contract'),
          logger,
        }
      : null,
  );
  const run = {
    run: 1,
    status: contract.results.some((r) => r.status === 'fail') ? ('fail' as const) : ('pass' as const),
    results: contract.results,
    tokens: 0,
    costUsd: 0,
    judgeTokens: contract.tokens,
    judgeCostUsd: contract.costUsd,
  };
  const contractCase: CaseReport = {
    id: 'persona-contract',
    title: `The seed's rules in ${shared.soul.file}, judged by ${contract.judgedBy}`,
    file: shared.soul.file,
    runs: [run],
    passes: run.status === 'pass' ? 1 : 0,
    passRate: run.status === 'pass' ? 1 : 0,
    status: caseStatus([run]),
    pending: null,
    tokens: 0,
    costUsd: 0,
    judgeTokens: contract.tokens,
    judgeCostUsd: contract.costUsd,
    durationMs: 0,
  };
  report.cases.unshift(contractCase);
  report.judgeTokens += contract.tokens;
  report.judgeCostUsd += contract.costUsd;
  const graded = report.cases.filter((c) => c.status !== 'skip' && c.status !== 'pending' && c.status !== 'error');
  report.passHatK = graded.length ? graded.filter((c) => c.status === 'pass').length / graded.length : 0;
  const deterministic = replay ? [...replay.values()].every((t) => t.target === 'offline') : flags.target === 'offline';
  return { report, deterministic, shared };
}

/** A side of --compare: a SOUL.md (run now), a folder of recorded transcripts (replayed), or a --json report. */
async function compareSide(
  arg: string,
  plan: Omit<RunPlan, 'soulPath' | 'transcripts' | 'record'>,
  soulPath: string,
): Promise<Side> {
  const path = resolve(plan.io.cwd, arg);
  if (!existsSync(path))
    throw new UsageError(
      `--compare: ${arg} does not exist`,
      'Give two SOUL.md files, two folders written by --record, or two --json reports.',
    );
  if (statSync(path).isDirectory()) {
    const { report, deterministic } = await runOnce({ ...plan, soulPath, transcripts: path, record: null });
    return sideOf(`${arg} (recorded transcripts, replayed)`, report, deterministic);
  }
  if (path.endsWith('.json')) {
    let data: { target?: string; repeat?: number; cases?: CaseReport[] };
    try {
      data = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new UsageError(
        `--compare: ${arg} is not JSON: ${(error as Error).message}`,
        'Give a report written by --json.',
      );
    }
    if (!Array.isArray(data.cases) || typeof data.repeat !== 'number')
      throw new UsageError(`--compare: ${arg} is not an eval report`, 'Give a report written by --json.');
    return sideOf(`${arg} (recorded report, ${data.target})`, data as SuiteReport, data.target === 'offline');
  }
  const { report, deterministic } = await runOnce({ ...plan, soulPath: path, transcripts: null, record: null });
  return sideOf(`${arg} (${plan.flags.target}, ${plan.flags.repeat} run(s) per case)`, report, deterministic);
}

export async function run({ flags, positionals, usage }: Parsed<(typeof EVAL)['flags']>, io: CliIO): Promise<number> {
  const env = Env.parse(Object.fromEntries(Object.entries(io.env).filter(([, v]) => v !== undefined && v !== '')));
  if (flags.target === 'replay' && !flags.transcripts)
    throw new UsageError(
      '--target replay needs --transcripts DIR',
      'Record transcripts with --record DIR on a live run first.',
    );
  if (flags.target === 'anthropic' && !env.ANTHROPIC_API_KEY)
    throw new UsageError('--target anthropic needs ANTHROPIC_API_KEY', 'Set the key, or use --target offline.');
  if (!flags.compare && positionals.length)
    throw new UsageError(`unexpected argument "${positionals[0]}"`, `Usage: ${usage}`);

  const logger = createLogger({ level: logLevelFromEnv(io.env, 'error') });
  const paths = resolvePaths(overridesFrom(flags), io.env, io.cwd);
  const cases = selectCases(flags);

  if (flags.compare) {
    if (positionals.length !== 1)
      throw new UsageError(
        '--compare needs two sides: --compare A B',
        'e.g. --compare SOUL.md my-SOUL.md, or two folders written by --record.',
      );
    const base = { flags, env, io, logger, cases, severityPath: paths.severity };
    const a = await compareSide(flags.compare, base, paths.soul);
    const b = await compareSide(positionals[0]!, base, paths.soul);
    const result = compareSides(a, b);
    io.stdout(`${formatAb(result, flags.verbose === true)}\n`);
    if (flags.json) writePrivateFile(flags.json, `${scrubSecrets(JSON.stringify(result, null, 2))}\n`);
    return result.regressed ? EXIT.failed : EXIT.ok;
  }

  const { report, deterministic } = await runOnce({
    flags,
    env,
    io,
    logger,
    cases,
    soulPath: paths.soul,
    severityPath: paths.severity,
    transcripts: flags.target === 'replay' ? flags.transcripts! : null,
    record: flags.record ?? null,
  });
  const comparison = flags.baseline ? compare(report, loadBaseline(flags.baseline), { deterministic }) : null;
  for (const w of comparison?.warnings ?? []) io.stderr(`warning: ${w}\n`);
  const verdicts = decide(report, comparison);
  io.stdout(`${formatReport(report, comparison, verdicts, flags.verbose === true)}\n`);
  if (flags.junit) writePrivateFile(flags.junit, toJUnit(report, verdicts));
  if (flags.json) writePrivateFile(flags.json, `${scrubSecrets(JSON.stringify({ ...report, comparison }, null, 2))}\n`);
  const summary = toSummary(report, comparison, verdicts);
  if (flags.summary) writePrivateFile(flags.summary, summary);
  // GitHub Actions: the job page shows this file's markdown. Appended, as several steps may write it.
  if (env.GITHUB_STEP_SUMMARY && env.GITHUB_STEP_SUMMARY !== flags.summary)
    writeFileSync(env.GITHUB_STEP_SUMMARY, summary, { flag: 'a' });
  if (flags['update-baseline']) writeBaseline(flags['update-baseline'], report);
  return verdicts.ok ? EXIT.ok : EXIT.failed;
}
