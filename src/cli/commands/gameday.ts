import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ConfigError } from '../../core/errors.js';
import { Drill, type DrillReply, type Reveal } from '../../gameday/drill.js';
import { listScenarios, loadScenario } from '../../gameday/scenario.js';
import { scoreDrill } from '../../gameday/score.js';
import { openRuntime, type Runtime } from '../../runtime/runtime.js';
import { overridesFrom } from '../args.js';
import { EXIT, UsageError, type CliIO } from '../io.js';
import { type Parsed, usageLine } from '../spec.js';
import { GAMEDAY } from './specs.js';

const USAGE = usageLine(GAMEDAY);
type Flags = Parsed<(typeof GAMEDAY)['flags']>['flags'];

/** "+5 message" or "+5m message" lets time pass before a message; "/wait N" lets it pass with none; "/end" stops. */
type Line =
  | { kind: 'say'; text: string; advance: number | undefined }
  | { kind: 'wait'; minutes: number }
  | { kind: 'end' }
  | { kind: 'skip' };

export function parseLine(raw: string): Line {
  const line = raw.trim();
  if (!line || line.startsWith('#')) return { kind: 'skip' };
  if (/^\/(?:end|quit|exit)$/i.test(line)) return { kind: 'end' };
  const wait = /^\/wait\s+(\d{1,4})\s*m?$/i.exec(line);
  if (wait) return { kind: 'wait', minutes: Number(wait[1]) };
  if (line.startsWith('/'))
    throw new UsageError(
      `unknown drill command "${line}"`,
      'Drill commands: /wait N (let N minutes pass), /end (stop and score). Anything else is a message to the team channel.',
    );
  const advance = /^\+(\d{1,4})m?\s+([\s\S]+)$/.exec(line);
  return advance
    ? { kind: 'say', text: advance[2]!.replace(/\\n/g, '\n'), advance: Number(advance[1]) }
    : { kind: 'say', text: line.replace(/\\n/g, '\n'), advance: undefined };
}

const clock = (start: string, minute: number): string =>
  `T+${String(Math.floor(minute)).padStart(2, '0')} ${new Date(Date.parse(start) + minute * 60_000).toISOString().slice(11, 16)}Z`;

export async function run({ flags, positionals }: Parsed<(typeof GAMEDAY)['flags']>, io: CliIO): Promise<number> {
  const runtime = openRuntime({ overrides: { ...overridesFrom(flags), gamedays: flags.gamedays }, env: io.env });
  try {
    return await drillOrList(runtime, flags, positionals, io);
  } finally {
    await runtime.close();
  }
}

async function drillOrList(runtime: Runtime, flags: Flags, positionals: readonly string[], io: CliIO): Promise<number> {
  const paths = runtime.paths;
  if (flags.list) {
    const ids = listScenarios(paths.gamedays);
    const rows = ids.map((id) => {
      try {
        const s = loadScenario(paths.gamedays, id);
        return { id, title: s.title, severity: s.expect.severity, error: null };
      } catch (error) {
        if (error instanceof ConfigError) return { id, title: null, severity: null, error: error.message };
        throw error;
      }
    });
    io.stdout(
      flags.json
        ? `${JSON.stringify(rows)}\n`
        : `${rows.map((r) => (r.error ? `${r.id}  INVALID: ${r.error}` : `${r.id}  ${r.title} (expected ${r.severity})`)).join('\n')}\n`,
    );
    return rows.some((r) => r.error) ? EXIT.failed : EXIT.ok;
  }
  const ids = listScenarios(paths.gamedays);
  const id = positionals[0] ?? ids[0];
  if (!id) throw new UsageError(`no scenarios in ${paths.gamedays}`, `Usage: ${USAGE}`);
  const scenario = loadScenario(paths.gamedays, id);
  if (flags.as && !scenario.team.includes(flags.as))
    throw new UsageError(
      `--as: "${flags.as}" is not in the scenario team (${scenario.team.join(', ')})`,
      `Usage: ${USAGE}`,
    );
  const script = flags.script ? readFileSync(flags.script, 'utf8').split('\n').map(parseLine) : null;

  const { drill, opening } = Drill.open(scenario, {
    registry: runtime.registry,
    severity: runtime.severity,
    templates: runtime.templates,
    settings: runtime.soul.config.settings,
    runbooks: runtime.runbooks,
    logger: runtime.logger,
  });
  // With --json, stdout carries only the result; the drill's running commentary goes to stderr.
  const say = flags.json ? io.stderr : io.stdout;
  const show = (reveals: readonly Reveal[]): void => {
    for (const r of reveals) say(`[${clock(scenario.start, r.atMinutes)}] ${r.from}: ${r.text}\n`);
  };
  const report = (reply: DrillReply, echo?: string): void => {
    show(reply.reveals);
    if (echo) say(`[${clock(scenario.start, reply.minute)}] ${echo.replace(/\n/g, '\n    ')}\n`);
    for (const line of reply.recorded) say(`  · ${line}\n`);
    if (reply.ended)
      say(`[${clock(scenario.start, reply.minute)}] Time is up (${scenario.max_minutes} simulated minutes).\n`);
  };
  try {
    say(
      `GAME DAY: ${scenario.title}\n\n${scenario.briefing.trim()}\n\nTeam: ${scenario.team.join(', ')}. Write as "Name: message". Each message takes ${scenario.minutes_per_message} simulated minutes; "+N message" takes N; /wait N lets time pass; /end stops and scores.\n\n`,
    );
    show(opening);
    const handle = async (line: Line): Promise<boolean> => {
      if (line.kind === 'skip') return true;
      if (line.kind === 'end') return false;
      if (line.kind === 'wait') report(drill.wait(line.minutes));
      else
        report(
          await drill.say(line.text, {
            ...(flags.as ? { speaker: flags.as } : {}),
            ...(line.advance !== undefined ? { advanceMinutes: line.advance } : {}),
          }),
          script ? line.text : undefined,
        );
      return !drill.ended;
    };
    if (script) {
      for (const line of script) if (!(await handle(line))) break;
    } else {
      const rl = createInterface({ input: process.stdin, terminal: false });
      for await (const raw of rl) {
        let line: Line;
        try {
          line = parseLine(raw);
        } catch (error) {
          if (!(error instanceof UsageError)) throw error;
          io.stderr(`${error.message}\n${error.hint}\n`);
          continue;
        }
        if (!(await handle(line))) break;
      }
      rl.close();
    }
    const result = await scoreDrill(drill);
    if (flags.json)
      io.stdout(
        `${JSON.stringify({ scenario: result.scenario, title: result.title, score: result.score, checks: result.checks, stats: result.stats, debrief: result.debrief })}\n`,
      );
    else io.stdout(`\n${result.debrief}\n`);
    return EXIT.ok;
  } finally {
    await drill.close();
  }
}
