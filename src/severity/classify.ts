import {
  assumable,
  criterionTests,
  levelOf,
  type Criterion,
  type SeverityFramework,
  type SeverityLevel,
} from './framework.js';
import { SEVERITIES, SIGNALS, severityRank, type Severity, type SignalName, type Signals } from './signals.js';

type TestResult = 'met' | 'violated' | 'unknown';

function runTest(value: unknown, test: unknown): TestResult {
  if (value === undefined) return 'unknown';
  if (typeof test === 'boolean' || typeof test === 'number') return value === test ? 'met' : 'violated';
  if (typeof test === 'string') return value === test ? 'met' : 'violated';
  if (Array.isArray(test)) return test.includes(value) ? 'met' : 'violated';
  const range = test as { gte?: number; gt?: number; lte?: number; lt?: number };
  const n = value as number;
  const ok =
    (range.gte === undefined || n >= range.gte) &&
    (range.gt === undefined || n > range.gt) &&
    (range.lte === undefined || n <= range.lte) &&
    (range.lt === undefined || n < range.lt);
  return ok ? 'met' : 'violated';
}

interface CriterionEvaluation {
  level: Severity;
  criterion: Criterion;
  met: SignalName[];
  unknown: SignalName[];
  violated: SignalName[];
}

function evaluate(level: SeverityLevel, criterion: Criterion, signals: Signals): CriterionEvaluation {
  const out: CriterionEvaluation = { level: level.id, criterion, met: [], unknown: [], violated: [] };
  for (const [signal, test] of criterionTests(criterion)) {
    out[runTest(signals[signal], test)].push(signal);
  }
  return out;
}

export interface MatchedCriterion {
  level: Severity;
  id: string;
  description: string;
}

export interface OpenQuestion {
  signal: SignalName;
  question: string;
  /** The level a "yes" here would support. */
  couldRaiseTo: Severity;
}

export interface Classification {
  level: Severity;
  name: string;
  definition: string;
  /** How the level was reached: a criterion matched, raised because unsure, or nothing matched (default level). */
  basis: 'matched' | 'raised_when_unsure' | 'default';
  matchedCriteria: MatchedCriterion[];
  /** Signals assumed true because the framework says "when unsure, pick the higher level". */
  assumed: SignalName[];
  openQuestions: OpenQuestion[];
}

/** Pure: the framework and the signals decide the level. No I/O, no clock. */
export function classify(framework: SeverityFramework, signals: Signals): Classification {
  const evaluations = framework.levels.flatMap((level) => level.criteria.map((c) => evaluate(level, c, signals)));
  const matches = evaluations.filter((e) => e.violated.length === 0 && e.unknown.length === 0);
  const defaultLevel = framework.levels.find((l) => l.default)!;
  const matchedLevel = matches.length ? SEVERITIES.find((s) => matches.some((m) => m.level === s))! : defaultLevel.id;

  const higher = evaluations.filter(
    (e) => severityRank(e.level) < severityRank(matchedLevel) && e.violated.length === 0,
  );
  const openQuestions: OpenQuestion[] = [];
  for (const e of [...higher].sort((a, b) => severityRank(a.level) - severityRank(b.level))) {
    for (const signal of e.unknown) {
      if (!openQuestions.some((q) => q.signal === signal)) {
        openQuestions.push({ signal, question: SIGNALS[signal].question, couldRaiseTo: e.level });
      }
    }
  }

  let level = matchedLevel;
  let basis: Classification['basis'] = matches.length ? 'matched' : 'default';
  let assumed: SignalName[] = [];
  if (framework.when_unsure === 'higher') {
    const oneUp = SEVERITIES[severityRank(matchedLevel) - 2];
    const may = assumable(framework);
    const possible = higher.filter((e) => e.level === oneUp && e.met.length > 0 && e.unknown.every((u) => may.has(u)));
    if (oneUp && possible.length) {
      level = oneUp;
      basis = 'raised_when_unsure';
      const fewest = possible.reduce((a, b) => (b.unknown.length < a.unknown.length ? b : a));
      assumed = fewest.unknown;
    }
  }

  const chosen = levelOf(framework, level);
  const matchedCriteria = matches
    .filter((m) => m.level === matchedLevel)
    .map((m) => ({ level: m.level, id: m.criterion.id, description: m.criterion.description }));
  return {
    level,
    name: chosen.name,
    definition: chosen.definition,
    basis,
    matchedCriteria,
    assumed,
    openQuestions: openQuestions.filter(
      (q) => assumed.includes(q.signal) || severityRank(q.couldRaiseTo) < severityRank(level),
    ),
  };
}
