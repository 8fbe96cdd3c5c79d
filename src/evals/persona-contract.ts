import { z } from 'zod';
import { anthropicClient } from '../agent/anthropic-client.js';
import { estimateCost } from '../agent/pricing.js';
import { type Logger, scrubSecrets } from '../core/logger.js';
import type { PromptTemplate } from '../templates/library.js';
import { dismisses } from './meaning/claims.js';
import { spans } from './meaning/durations.js';
import { timeboxBudgets, postmortemDeadlines } from './meaning/budgets.js';
import { conditionalSentence, hasNegation, negatedAt } from './meaning/polarity.js';
import { sentences } from './meaning/text.js';
import { CONTRACT_LIMITS } from './persona.js';
import type { GraderResult } from './grade.js';
import type { Soul } from '../soul/load.js';

/**
 * The seed's rules a SOUL.md must keep, whatever else an edit changes. Checked on the persona's
 * rendered body (settings filled in) and its settings: by Claude when a key is present, and
 * otherwise by the deterministic reading below, which names the rule a body drops or inverts.
 */
export const CONTRACT_RULES = [
  { id: 'roles-before-troubleshooting', text: 'Assign explicit roles before anyone troubleshoots.' },
  { id: 'severity-first', text: 'Classify severity (SEV1–SEV4) first, before anything else; never skip it.' },
  { id: 'timebox-hypotheses', text: 'Time-box every hypothesis (the seed: 15 minutes; at most 30), then switch.' },
  { id: 'updates-even-no-change', text: 'Update stakeholders on a fixed cadence, even when there is no change.' },
  { id: 'blameless', text: 'Blameless: never blame individuals; look for systemic causes.' },
  { id: 'owned-action-items', text: 'Every action item has one owner and a due date, and is tracked.' },
  { id: 'postmortem-48h', text: 'A post-mortem within 48 hours (at most 72) of resolution.' },
  { id: 'runbooks-tested-quarterly', text: 'Runbooks are tested every quarter.' },
] as const;

export type ContractRuleId = (typeof CONTRACT_RULES)[number]['id'];

const ROLES = /\broles?\b|\bassign_roles\b|\bincident commander\b/i;
const TROUBLESHOOT =
  /\btroubleshoot\w*|\bdebug\w*|\binvestigat\w*|\bdig(?:ging)? in\b|\bfetch_deploys\b|\bhypothes[ie]s\b/i;
const SEVERITY = /\bseverity\b|\bclassify_severity\b|\bSEV\s?[1-4]\b/i;

/** The order a sentence puts two things in: "A before B", "B after A", "A first, B later", "never B before A". */
function order(sentence: string, a: RegExp, b: RegExp): 'a-first' | 'b-first' | null {
  const ia = sentence.search(a);
  const ib = sentence.search(b);
  if (ia < 0 || ib < 0 || ia === ib) return null;
  const [first, second, firstIs] = ia < ib ? [ia, ib, 'a' as const] : [ib, ia, 'b' as const];
  const between = sentence.slice(first, second);
  const after = sentence.slice(second);
  const flip = (x: 'a' | 'b'): 'a' | 'b' => (x === 'a' ? 'b' : 'a');
  let earlier: 'a' | 'b' | null = null;
  if (/\bbefore\b|\bthen\b|\bfirst\b|\bprior to\b|\bahead of\b/i.test(between)) {
    const negated =
      /\b(?:never|not|don't|do not|no)\b/i.test(sentence.slice(0, first + 20)) && /\bbefore\b/i.test(between);
    earlier = negated ? flip(firstIs) : firstIs;
  } else if (/\bafter\b|\bonce\b|\buntil\b|\bonly when\b/i.test(between)) earlier = flip(firstIs);
  else if (/\b(?:later|afterwards|after that|can wait|next)\b/i.test(after)) earlier = firstIs;
  if (!earlier) return null;
  return earlier === 'a' ? 'a-first' : 'b-first';
}

interface Finding {
  kept: string | null;
  broken: string | null;
}

function statements(body: string): string[] {
  return sentences(body)
    .filter((s) => !s.question && !conditionalSentence(s.text))
    .map((s) => s.text);
}

function checkRoles(lines: string[]): Finding {
  let kept: string | null = null;
  for (const s of lines) {
    const o = order(s, ROLES, TROUBLESHOOT);
    if (o === 'b-first') return { kept, broken: s };
    if (ROLES.test(s) && !TROUBLESHOOT.test(s) && dismisses(s) && !/\bwithout coordination\b/i.test(s))
      return { kept, broken: s };
    if (o === 'a-first') kept ??= s;
  }
  return { kept, broken: null };
}

function checkSeverity(lines: string[]): Finding {
  let kept: string | null = null;
  for (const s of lines) {
    if (!SEVERITY.test(s)) continue;
    const roles = order(s, SEVERITY, ROLES);
    const debug = order(s, SEVERITY, TROUBLESHOOT);
    if (roles === 'b-first' || debug === 'b-first') return { kept, broken: s };
    if (
      /\b(?:skip|skipping|optional|can wait|later|no need to classify|don't bother)\b/i.test(s) &&
      !/\b(?:never|not|don't|do not)\s+(?:\w+\s+){0,2}skip/i.test(s) &&
      !/\bclassify anyway\b/i.test(s)
    )
      return { kept, broken: s };
    if (roles === 'a-first' || debug === 'a-first' || /\bbefore anything else\b|\bfirst\b|\bnever skip\b/i.test(s))
      kept ??= s;
  }
  return { kept, broken: null };
}

function checkTimebox(lines: string[], soul: Soul): Finding {
  const minutes = soul.config.settings.hypothesis_timebox_minutes;
  if (minutes > CONTRACT_LIMITS.timeboxMaxMinutes)
    return {
      kept: null,
      broken: `settings.hypothesis_timebox_minutes: ${minutes} (the rule allows ${CONTRACT_LIMITS.timeboxMaxMinutes} at most)`,
    };
  let kept: string | null = null;
  for (const s of lines) {
    const { budgets, dropped } = timeboxBudgets(s, new Date(0));
    if (dropped.length) return { kept, broken: s };
    if (budgets.some((b) => b.minutes > CONTRACT_LIMITS.timeboxMaxMinutes + 0.5)) return { kept, broken: s };
    if (budgets.length) kept ??= s;
  }
  return { kept, broken: null };
}

function checkUpdates(lines: string[]): Finding {
  let kept: string | null = null;
  for (const s of lines) {
    if (!/\bupdat\w*|\bcommunicat\w*|\bcadence\b/i.test(s)) continue;
    if (
      /\bonly (?:update|communicate|send|post)\w*(?: \w+){0,2} (?:when|if)\b|\b(?:skip|no need for|don't send|do not send|hold) (?:the |an )?updates?\b[^.]*\b(?:no change|nothing (?:new|changed))\b|\bno change,? no update\b|\bsilence is fine\b/i.test(
        s,
      )
    )
      return { kept, broken: s };
    if (
      /\bno change\b|\bnothing new\b|\bstill investigating\b|\beven when\b/i.test(s) &&
      /\bcadence|\bevery\b|\bfixed\b|\beven\b/i.test(s)
    )
      kept ??= s;
  }
  return { kept, broken: null };
}

function checkBlameless(lines: string[]): Finding {
  let kept: string | null = null;
  for (const s of lines) {
    const instruction =
      /\b(?:find|name|identify|call out|single out|point (?:out|at)|hold|blame|punish|discipline)\b[^.]{0,40}\b(?:who|person|people|engineer|individual|culprit|responsible|accountable|at fault)\b/i.exec(
        s,
      );
    if (instruction && !negatedAt(s, instruction.index, 60) && !/\bnever for who\b|\bnot (?:at|for) who\b/i.test(s))
      return { kept, broken: s };
    if (/\bblameless\b/i.test(s) && !negatedAt(s, s.search(/\bblameless\b/i), 30)) kept ??= s;
    else if (/\bblame\b/i.test(s) && hasNegation(s)) kept ??= s;
  }
  return { kept, broken: null };
}

function checkActionItems(lines: string[]): Finding {
  let kept: string | null = null;
  for (const s of lines) {
    if (!/\baction items?\b|\bfollow-?ups?\b|\bcreate_action_item\b/i.test(s)) continue;
    if (
      /\b(?:owners?|due dates?|deadlines?)\b[^.]{0,20}\b(?:optional|not (?:needed|required)|can wait|later)\b|\bwithout (?:an? )?(?:owner|due date|deadline)s?\b(?![^.]*\b(?:never|not|refuse)\b)|\buntracked\b[^.]{0,30}\b(?:fine|ok|okay|acceptable)\b/i.test(
        s,
      ) &&
      !/\bnever\b|\bnot\b[^.]{0,10}\buntracked\b/i.test(s)
    )
      return { kept, broken: s };
    if (/\bowner\b/i.test(s) && /\bdue\b|\bdeadline\b/i.test(s)) kept ??= s;
  }
  return { kept, broken: null };
}

function checkPostmortem(lines: string[], soul: Soul): Finding {
  const hours = soul.config.settings.postmortem_deadline_hours;
  if (hours > CONTRACT_LIMITS.postmortemMaxHours)
    return {
      kept: null,
      broken: `settings.postmortem_deadline_hours: ${hours} (the rule allows ${CONTRACT_LIMITS.postmortemMaxHours} at most)`,
    };
  let kept: string | null = null;
  for (const s of lines) {
    const { budgets, dropped } = postmortemDeadlines(s, new Date(0));
    const about = /\bpost-?mortem|\bpost-incident|\bfollow-up action items\b|\btimeline, an impact assessment\b/i.test(
      s,
    );
    if (dropped.length) return { kept, broken: s };
    const inText = about ? spans(s, new Date(0)).filter((x) => x.kind === 'duration' && x.minutes >= 60) : [];
    if ([...budgets, ...inText].some((b) => b.minutes / 60 > CONTRACT_LIMITS.postmortemMaxHours + 0.5))
      return { kept, broken: s };
    if (budgets.length || inText.length) kept ??= s;
  }
  return { kept, broken: null };
}

function checkRunbooks(lines: string[]): Finding {
  let kept: string | null = null;
  for (const s of lines) {
    if (!/\brunbooks?\b/i.test(s) || !/\btest\w*|\bexercis\w*|\breview\w*|\bverif\w*/i.test(s)) continue;
    if (/\b(?:no need to|don't|do not|never)\s+(?:\w+\s+){0,2}test\b|\buntested runbooks? (?:is|are) fine\b/i.test(s))
      return { kept, broken: s };
    const every = spans(s.replace(/\bevery quarter\b|\bquarterly\b/gi, 'every 3 months'), new Date(0)).filter(
      (x) => x.kind === 'duration',
    );
    if (every.some((x) => x.minutes / (24 * 60) > CONTRACT_LIMITS.runbookTestMaxDays)) return { kept, broken: s };
    if (/\bannual\w*|\byearly\b|\bonce a year\b|\bevery year\b|\bwhen (?:someone|we) (?:has|have) time\b/i.test(s))
      return { kept, broken: s };
    if (every.some((x) => x.minutes / (24 * 60) <= CONTRACT_LIMITS.runbookTestMaxDays)) kept ??= s;
  }
  return { kept, broken: null };
}

/** The deterministic reading: one result per rule, naming it, and quoting what broke or kept it. */
export function checkContract(soul: Soul): GraderResult[] {
  const lines = statements(soul.persona);
  const checks: Record<ContractRuleId, Finding> = {
    'roles-before-troubleshooting': checkRoles(lines),
    'severity-first': checkSeverity(lines),
    'timebox-hypotheses': checkTimebox(lines, soul),
    'updates-even-no-change': checkUpdates(lines),
    blameless: checkBlameless(lines),
    'owned-action-items': checkActionItems(lines),
    'postmortem-48h': checkPostmortem(lines, soul),
    'runbooks-tested-quarterly': checkRunbooks(lines),
  };
  return CONTRACT_RULES.map((rule) => {
    const f = checks[rule.id];
    const label = `contract ${rule.id}`;
    if (f.broken) return { label, status: 'fail', why: `inverts "${rule.text}": "${f.broken.slice(0, 160)}"` };
    if (!f.kept) return { label, status: 'fail', why: `drops "${rule.text}": no statement of it in the persona` };
    return { label, status: 'pass', why: `keeps it: "${f.kept.slice(0, 120)}"` };
  });
}

const ContractAnswer = z.object({
  rules: z
    .array(
      z.object({
        id: z.string(),
        verdict: z.enum(['kept', 'dropped', 'inverted']),
        quote: z.string().default(''),
        reason: z.string().default(''),
      }),
    )
    .min(1),
});

export interface ContractJudgeOptions {
  apiKey: string;
  baseURL?: string | undefined;
  model: string;
  template: PromptTemplate;
  logger: Logger;
  maxRetries?: number;
  timeoutMs?: number;
}

export interface ContractResult {
  results: GraderResult[];
  /** Who decided the body: "claude <model>" or "the deterministic rule list". */
  judgedBy: string;
  tokens: number;
  costUsd: number;
}

/**
 * The persona contract with Claude reading the body: one verdict per rule, naming it. The settings'
 * bounds are checked deterministically either way; when Claude cannot answer, the deterministic
 * reading decides and says so.
 */
export async function judgeContract(soul: Soul, options: ContractJudgeOptions | null): Promise<ContractResult> {
  const offline = checkContract(soul);
  if (!options) return { results: offline, judgedBy: 'the deterministic rule list', tokens: 0, costUsd: 0 };
  const client = anthropicClient({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    maxRetries: options.maxRetries ?? 2,
    timeoutMs: options.timeoutMs ?? 60_000,
    logger: options.logger.child({ component: 'contract-judge' }),
  });
  let tokens = 0;
  let costUsd = 0;
  try {
    const message = await client.messages.create({
      model: options.model,
      max_tokens: 1500,
      messages: [
        {
          role: 'user',
          content: options.template.render({
            rules: CONTRACT_RULES.map((r) => `- ${r.id}: ${r.text}`).join('\n'),
            persona: soul.persona,
          }),
        },
      ],
    });
    const usage = {
      inputTokens: message.usage.input_tokens,
      outputTokens: message.usage.output_tokens,
      cacheReadTokens: message.usage.cache_read_input_tokens ?? 0,
      cacheWriteTokens: message.usage.cache_creation_input_tokens ?? 0,
    };
    tokens = usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
    costUsd = estimateCost(message.model || options.model, usage).usd;
    const text = message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
    const start = text.indexOf('{');
    const end = text.lastIndexOf('}');
    if (start < 0 || end <= start) throw new Error('no JSON object in the answer');
    const answer = ContractAnswer.parse(JSON.parse(text.slice(start, end + 1)));
    const results = CONTRACT_RULES.map((rule, i): GraderResult => {
      const label = `contract ${rule.id}`;
      const settings = offline[i]!;
      // The settings' bounds are facts, not a reading: a 90-minute box fails whatever the body says.
      if (settings.status === 'fail' && /settings\./.test(settings.why)) return settings;
      const v = answer.rules.find((r) => r.id === rule.id);
      if (!v) return { label, status: 'fail', why: `the judge gave no verdict on "${rule.text}"` };
      const quote = v.quote ? `: "${v.quote.slice(0, 140)}"` : '';
      return v.verdict === 'kept'
        ? { label, status: 'pass', why: `keeps it (judge)${quote}` }
        : { label, status: 'fail', why: `${v.verdict} "${rule.text}" (judge: ${v.reason.slice(0, 160)})${quote}` };
    });
    return { results, judgedBy: `claude ${options.model}`, tokens, costUsd };
  } catch (error) {
    const why = scrubSecrets(error instanceof Error ? error.message : String(error)).slice(0, 200);
    options.logger.warn({ err: why }, 'persona contract judge failed; using the deterministic rule list');
    return { results: offline, judgedBy: `the deterministic rule list (the judge failed: ${why})`, tokens, costUsd };
  }
}
