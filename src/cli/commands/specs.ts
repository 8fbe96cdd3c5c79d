import type { Zod } from '../spec.js';
import { INCIDENT_ID_EXAMPLE, parseIncidentId } from '../../core/ids.js';
import { HTTP_DEFAULTS } from '../../mcp/http-defaults.js';
import { ROTATION_LIMITS } from '../../oncall/limits.js';
import {
  channelIdSchema,
  commandSchema,
  DEFAULT_COMMAND,
  DEFAULT_REACTION,
  reactionSchema,
} from '../../slack/options.js';
import { defineCommand, type FlagSpec } from '../spec.js';

/**
 * Every command's arguments and flags, declared once: the dispatcher, the parser, the checks on
 * each value and every --help screen are generated from these specs.
 */

const json = { type: 'boolean', description: 'print one JSON object instead of text' } as const satisfies FlagSpec;

const incidentFlag = {
  type: 'string',
  value: 'ID',
  description: 'work on this incident: resumes its saved conversation (INC-12, or 12)',
  schema: (z: Zod) =>
    z
      .string()
      .refine((s) => parseIncidentId(s) !== null, `must be ${INCIDENT_ID_EXAMPLE}`)
      .transform((s) => parseIncidentId(s)!)
      .optional(),
} as const satisfies FlagSpec;

/** The model and its limits: every command that runs the commander (ask, chat, slack). */
const MODEL_FLAGS = {
  offline: { type: 'boolean', description: 'answer with the offline playbook, even with ANTHROPIC_API_KEY set' },
  model: {
    type: 'string',
    value: 'MODEL',
    description: 'Claude model (env INCIDENT_COMMANDER_MODEL; default: SOUL.md model)',
    schema: (z: Zod) => z.string().min(1).max(100).optional(),
  },
  'max-tokens': {
    type: 'string',
    value: 'N',
    description: 'most tokens per reply, 256–64000 (default: SOUL.md max_tokens)',
    schema: (z: Zod) => z.coerce.number().int().min(256).max(64_000).optional(),
  },
  temperature: {
    type: 'string',
    value: 'X',
    description: 'sampling temperature, 0–1 (default: SOUL.md temperature)',
    schema: (z: Zod) => z.coerce.number().min(0).max(1).optional(),
  },
  'max-steps': {
    type: 'string',
    value: 'N',
    description: 'most model steps per turn, 1–100 (default: SOUL.md limits.max_steps)',
    schema: (z: Zod) => z.coerce.number().int().min(1).max(100).optional(),
  },
  'max-turn-cost': {
    type: 'string',
    value: 'USD',
    description: 'stop a turn that costs more than this (default: SOUL.md limits)',
    schema: (z: Zod) => z.coerce.number().positive().optional(),
  },
  'max-session-cost': {
    type: 'string',
    value: 'USD',
    description: 'stop a session that costs more than this (default: SOUL.md limits)',
    schema: (z: Zod) => z.coerce.number().positive().optional(),
  },
} as const satisfies Record<string, FlagSpec>;

/** Flags shared by `ask` and `chat`: the model, its limits, who is talking and which incident. */
const AGENT_FLAGS = {
  ...MODEL_FLAGS,
  incident: incidentFlag,
  as: {
    type: 'string',
    value: 'NAME',
    description: 'who is talking, written on the timeline as the author (default: $USER)',
    schema: (z: Zod) => z.string().min(1).max(100).optional(),
  },
} as const satisfies Record<string, FlagSpec>;

export const ASK = defineCommand({
  path: ['ask'],
  summary: 'One turn with the commander; --json prints one JSON object',
  args: [{ name: '"message"', description: 'what to tell or ask the commander; "-" or none reads stdin' }],
  flags: {
    ...AGENT_FLAGS,
    json: { type: 'boolean', description: 'print the reply, tool calls and usage as one JSON object' },
  },
});

export const CHAT = defineCommand({
  path: ['chat'],
  summary: 'Talk to the commander (Claude, or the offline playbook with no key); sessions resume per incident',
  flags: AGENT_FLAGS,
  notes: ['In the chat, /help lists the commands (/status, /incident ID, /new, /soul, /quit).'],
});

export const MCP = defineCommand({
  path: ['mcp'],
  summary: 'Serve the tools, incidents and prompts over MCP (stdio, or Streamable HTTP with --http)',
  longRunning: true,
  flags: {
    http: { type: 'boolean', description: 'serve Streamable HTTP instead of stdio' },
    host: {
      type: 'string',
      value: 'HOST',
      description: `interface to bind with --http (default ${HTTP_DEFAULTS.host}); beyond loopback a token is required`,
      schema: (z: Zod) => z.string().min(1).default(HTTP_DEFAULTS.host),
    },
    port: {
      type: 'string',
      value: 'PORT',
      description: `port with --http, 0 for any free one (default ${HTTP_DEFAULTS.port})`,
      schema: (z: Zod) => z.coerce.number().int().min(0).max(65_535).default(HTTP_DEFAULTS.port),
    },
    'token-file': {
      type: 'string',
      value: 'PATH',
      description:
        'file holding the bearer token clients must send, 16+ characters (or env INCIDENT_COMMANDER_MCP_TOKEN)',
    },
    token: {
      type: 'string',
      value: 'TOKEN',
      description: 'the bearer token itself: visible to every user in the process list, prefer --token-file',
      schema: (z: Zod) => z.string().min(16, 'must be at least 16 characters').optional(),
    },
    'allowed-host': {
      type: 'string',
      multiple: true,
      value: 'NAME',
      description: 'another Host header to accept (DNS-rebinding guard; loopback names always pass)',
    },
    'allowed-origin': {
      type: 'string',
      multiple: true,
      value: 'URL',
      description: 'a browser Origin to accept, such as https://app.example.com',
      schema: (z: Zod) => z.array(z.string().url('must be an origin such as https://app.example.com')).default([]),
    },
    'max-body': {
      type: 'string',
      value: 'BYTES',
      description: `largest request body (default ${HTTP_DEFAULTS.maxBodyBytes})`,
      schema: (z: Zod) =>
        z.coerce
          .number()
          .int()
          .min(1024)
          .max(64 * 1024 * 1024)
          .default(HTTP_DEFAULTS.maxBodyBytes),
    },
    'max-connections': {
      type: 'string',
      value: 'N',
      description: 'most open TCP connections, 8–100000 (default: from the file-descriptor limit)',
      schema: (z: Zod) => z.coerce.number().int().min(8).max(100_000).optional(),
    },
    'max-sessions': {
      type: 'string',
      value: 'N',
      description: `most concurrent MCP sessions (default ${HTTP_DEFAULTS.maxSessions})`,
      schema: (z: Zod) => z.coerce.number().int().min(1).max(100_000).default(HTTP_DEFAULTS.maxSessions),
    },
    'max-sessions-per-client': {
      type: 'string',
      value: 'N',
      description: `most sessions one client may hold (default ${HTTP_DEFAULTS.maxSessionsPerClient}, at most --max-sessions)`,
      schema: (z: Zod) => z.coerce.number().int().min(1).max(100_000).optional(),
    },
    'rate-limit': {
      type: 'string',
      value: 'N',
      description: `requests per window per client, 0 for none (default ${HTTP_DEFAULTS.rateLimitPerMinute})`,
      schema: (z: Zod) => z.coerce.number().int().min(0).default(HTTP_DEFAULTS.rateLimitPerMinute),
    },
    'rate-limit-window': {
      type: 'string',
      value: 'SECONDS',
      description: `length of the rate-limit window (default ${HTTP_DEFAULTS.rateLimitWindowMs / 1000})`,
      schema: (z: Zod) =>
        z.coerce
          .number()
          .positive()
          .max(3600)
          .default(HTTP_DEFAULTS.rateLimitWindowMs / 1000),
    },
    'read-only': { type: 'boolean', description: 'offer only the tools that write nothing' },
    webhooks: {
      type: 'boolean',
      description:
        'with --http: also serve the integrations (POST /webhooks/pagerduty…) and run their worker, as `integrations serve` does',
    },
    tools: {
      type: 'string',
      value: 'a,b,…',
      description: 'offer only these tools (comma-separated names from `tools list`)',
    },
  },
});

export const STATUS = defineCommand({
  path: ['status'],
  summary:
    'What needs doing: live incidents (overdue updates, expired hypotheses), post-mortems due, overdue action items',
  flags: { json },
});

export const POSTMORTEM = defineCommand({
  path: ['postmortem'],
  summary: 'Write the blameless post-mortem draft of an incident as markdown',
  args: [{ name: 'INC-ID', description: 'the incident, e.g. INC-12' }],
  flags: {
    out: { type: 'string', value: 'FILE', description: 'write the markdown to FILE instead of stdout' },
  },
});

const modelName = (z: Zod) =>
  z
    .string()
    .min(1)
    .max(100)
    .regex(/^[\w.:@/-]+$/, 'must be a model name such as claude-sonnet-4-5');

export const EVAL = defineCommand({
  path: ['eval'],
  summary: 'Run the eval suite (evals/cases) against the offline playbook, Claude, or recorded transcripts',
  args: [{ name: 'B', description: 'with --compare A: the other side', optional: true }],
  flags: {
    target: {
      type: 'string',
      value: 'offline|anthropic|replay',
      description: 'who answers: the playbook, Claude (needs ANTHROPIC_API_KEY), or --transcripts (default offline)',
      schema: (z: Zod) => z.enum(['offline', 'anthropic', 'replay']).default('offline'),
    },
    filter: {
      type: 'string',
      value: 'PATTERN',
      description: 'only cases whose id, title or rule matches this regular expression',
      schema: (z: Zod) => z.string().min(1).max(200).optional(),
    },
    repeat: {
      type: 'string',
      value: 'K',
      description: 'run each case K times and report pass^k (default 1)',
      schema: (z: Zod) => z.coerce.number().int().min(1).max(100).default(1),
    },
    concurrency: {
      type: 'string',
      value: 'N',
      description: 'cases run at once, 1–32 (default 2 for anthropic, 4 otherwise)',
      schema: (z: Zod) => z.coerce.number().int().min(1).max(32).optional(),
    },
    model: {
      type: 'string',
      value: 'MODEL',
      description: 'the model under test with --target anthropic (env INCIDENT_COMMANDER_MODEL; default: SOUL.md)',
      schema: (z: Zod) => modelName(z).optional(),
    },
    'judge-model': {
      type: 'string',
      value: 'MODEL',
      description: 'the LLM judge (env INCIDENT_COMMANDER_JUDGE_MODEL)',
      schema: (z: Zod) => modelName(z).optional(),
    },
    junit: { type: 'string', value: 'FILE', description: 'write a JUnit XML report' },
    json: { type: 'string', value: 'FILE', description: 'write the results as JSON (a side for --compare)' },
    summary: {
      type: 'string',
      value: 'FILE',
      description: 'write a markdown summary (CI step summary; env GITHUB_STEP_SUMMARY)',
    },
    record: { type: 'string', value: 'DIR', description: 'save each run as a transcript, for --target replay' },
    transcripts: { type: 'string', value: 'DIR', description: 'transcripts to grade with --target replay' },
    baseline: { type: 'string', value: 'FILE', description: 'fail on regressions against this baseline' },
    'update-baseline': { type: 'string', value: 'FILE', description: 'write this run as the new baseline' },
    cases: { type: 'string', value: 'DIR', description: 'case files to run (default: the shipped evals/cases)' },
    compare: {
      type: 'string',
      value: 'A B',
      description: 'compare two sides (SOUL.md files, --record folders or --json reports); B is the next argument',
    },
    verbose: { type: 'boolean', description: 'show every grader verdict, not only failures' },
  },
});

export const SOUL_LINT = defineCommand({
  path: ['soul', 'lint'],
  summary: 'Check a SOUL.md persona file; exit 1 on errors',
  args: [{ name: 'PATH', description: 'the SOUL.md to check (default: --soul, or the active one)', optional: true }],
  flags: { json },
});

export const SEVERITY_LINT = defineCommand({
  path: ['severity', 'lint'],
  summary: 'Check a severity framework file',
  args: [
    { name: 'PATH', description: 'the framework to check (default: --severity, or the active one)', optional: true },
  ],
  flags: { json },
});

export const SEVERITY_SHOW = defineCommand({
  path: ['severity', 'show'],
  summary: 'Print the active severity framework',
  flags: { json },
});

export const TOOLS_LIST = defineCommand({
  path: ['tools', 'list'],
  summary: "List the commander's tools",
  flags: { json: { type: 'boolean', description: 'print each tool with its input JSON Schema, as JSON' } },
});

export const TOOLS_CALL = defineCommand({
  path: ['tools', 'call'],
  summary: 'Call one tool with JSON arguments (or from stdin); prints the JSON result',
  args: [
    { name: 'NAME', description: 'the tool, from `tools list`' },
    { name: "'{json}'", description: 'the arguments as one JSON object, or - to read them from stdin', optional: true },
  ],
  flags: {
    actor: {
      type: 'string',
      value: 'NAME',
      description: 'who is acting, the author of what the tool writes (default: $USER)',
      schema: (z: Zod) => z.string().min(1).max(100).optional(),
    },
  },
});

export const INCIDENTS_LIST = defineCommand({
  path: ['incidents', 'list'],
  summary: 'List incidents, newest first',
  flags: {
    status: {
      type: 'string',
      value: 'open|resolved|all',
      description: 'which incidents (default all)',
      schema: (z: Zod) => z.enum(['open', 'resolved', 'all']).default('all'),
    },
    json: { type: 'boolean', description: 'print the incidents as a JSON array' },
  },
});

export const RUNBOOKS_LINT = defineCommand({
  path: ['runbooks', 'lint'],
  summary: 'List runbooks not tested within a quarter and paging alerts without a runbook; exit 1 if any',
  args: [{ name: 'DIR', description: 'the runbooks folder (default: --runbooks)', optional: true }],
  flags: { json },
});

const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

const eventCount = (z: Zod, what: string) =>
  z
    .string({ error: `is required: ${what}` })
    .refine(
      (s) => NUMBER.test(s.trim()) && Number.isFinite(Number(s)),
      `must be a number of events, 0 or more, such as 999500 (${what})`,
    )
    .transform(Number);

const errorRatio = (window: string) =>
  ({
    type: 'string',
    value: 'X',
    description: `error ratio over the last ${window} (bad / all events, 0–1), for the burn-rate alerts`,
    schema: (z: Zod) =>
      z
        .string()
        .refine(
          (s) => NUMBER.test(s.trim()) && Number(s) <= 1,
          'must be an error ratio between 0 and 1 (bad / all events), such as 0.0144',
        )
        .transform(Number)
        .optional(),
  }) as const satisfies FlagSpec;

export const SLO_CHECK = defineCommand({
  path: ['slo', 'check'],
  summary: 'Error budget left and the page/ticket decision (multi-window, multi-burn-rate) for an OpenSLO objective',
  flags: {
    file: {
      type: 'string',
      value: 'FILE',
      description: 'the OpenSLO YAML file (required)',
      required: true,
      schema: (z: Zod) => z.string({ error: 'is required: the OpenSLO YAML file' }).min(1),
    },
    name: { type: 'string', value: 'NAME', description: 'which SLO in the file (needed when it holds several)' },
    objective: { type: 'string', value: 'NAME', description: 'which objective of the SLO (when it has several)' },
    good: {
      type: 'string',
      value: 'N',
      description: 'good events over the SLO window (required)',
      required: true,
      schema: (z: Zod) => eventCount(z, 'good events over the SLO window'),
    },
    total: {
      type: 'string',
      value: 'N',
      description: 'all events over the SLO window (required)',
      required: true,
      schema: (z: Zod) => eventCount(z, 'all events over the SLO window'),
    },
    'ratio-5m': errorRatio('5 minutes'),
    'ratio-30m': errorRatio('30 minutes'),
    'ratio-1h': errorRatio('hour'),
    'ratio-6h': errorRatio('6 hours'),
    'ratio-3d': errorRatio('3 days'),
    'incident-bad': {
      type: 'string',
      value: 'N',
      description: 'bad events caused by one incident: does it need a post-mortem (over 20% of a 4-week budget)?',
      schema: (z: Zod) => eventCount(z, 'bad events caused by one incident').optional(),
    },
    json,
  },
});

export const ONCALL_PLAN = defineCommand({
  path: ['oncall', 'plan'],
  summary:
    'Plan a fair primary + secondary on-call rotation around leave and swaps; print it, or write an .ics calendar',
  flags: {
    members: {
      type: 'string',
      value: '"Ana,Ben,Chi"',
      description: 'the team in rotation order, comma-separated (required)',
      required: true,
      schema: (z: Zod) =>
        z
          .string({ error: 'is required: the team in rotation order, comma-separated, e.g. --members "Ana,Ben,Chi"' })
          .min(1),
    },
    start: {
      type: 'string',
      value: 'YYYY-MM-DD',
      description: 'first day of the rotation (default: the next hand-off day)',
      schema: (z: Zod) => z.string().optional(),
    },
    weeks: {
      type: 'string',
      value: 'N',
      description: `rotation periods to plan, 1–${ROTATION_LIMITS.maxWeeks} (default: enough for everyone twice)`,
      schema: (z: Zod) =>
        z.coerce
          .number({ error: 'must be a number of rotation periods, e.g. --weeks 12' })
          .int('must be a whole number')
          .min(1, 'must be at least 1')
          .max(ROTATION_LIMITS.maxWeeks, `must be at most ${ROTATION_LIMITS.maxWeeks}`)
          .optional(),
    },
    'rotation-days': {
      type: 'string',
      value: 'N',
      description: `days per shift, ${ROTATION_LIMITS.minRotationDays}–${ROTATION_LIMITS.maxRotationDays} (default 7)`,
      schema: (z: Zod) =>
        z.coerce
          .number({ error: 'must be a number of days, e.g. --rotation-days 7' })
          .int('must be a whole number')
          .min(ROTATION_LIMITS.minRotationDays, `must be at least ${ROTATION_LIMITS.minRotationDays}`)
          .max(ROTATION_LIMITS.maxRotationDays, `must be at most ${ROTATION_LIMITS.maxRotationDays}`)
          .optional(),
    },
    'handoff-day': {
      type: 'string',
      value: 'DAY',
      description: 'weekday of the hand-off, e.g. monday (default monday)',
      schema: (z: Zod) => z.string().optional(),
    },
    'handoff-time': {
      type: 'string',
      value: 'HH:MM',
      description: 'local time of the hand-off (default 10:00)',
      schema: (z: Zod) => z.string().optional(),
    },
    tz: {
      type: 'string',
      value: 'ZONE',
      description: 'IANA time zone of the hand-off, e.g. Europe/London (default UTC)',
      schema: (z: Zod) => z.string().optional(),
    },
    'no-secondary': { type: 'boolean', description: 'plan a primary only, no secondary (backup) on-call' },
    leave: {
      type: 'string',
      multiple: true,
      value: 'NAME:FROM:TO',
      description: 'someone away, e.g. "Ana:2026-12-21:2027-01-03" or "Ana:2026-12-25"; repeat for more',
      schema: (z: Zod) => z.array(z.string()).default([]),
    },
    swap: {
      type: 'string',
      multiple: true,
      value: 'N:FROM:TO',
      description: 'hand shift N from one person to another, e.g. "3:Ana:Ben"; repeat for more',
      schema: (z: Zod) => z.array(z.string()).default([]),
    },
    ics: { type: 'string', value: 'FILE|-', description: 'also write an iCalendar file (- prints only the calendar)' },
    json: { type: 'boolean', description: 'print the plan as JSON' },
  },
});

export const GAMEDAY = defineCommand({
  path: ['gameday'],
  summary: 'Run a game day: a simulated incident revealed on a clock, your team responds, scored with the eval graders',
  args: [{ name: 'SCENARIO', description: 'scenario id (default: the first one; --list shows them)', optional: true }],
  flags: {
    list: { type: 'boolean', description: 'list the scenarios and exit' },
    script: {
      type: 'string',
      value: 'FILE',
      description: 'read the team messages from FILE instead of stdin, one per line',
    },
    as: {
      type: 'string',
      value: 'NAME',
      description: 'who speaks when a line names nobody: a first name from the scenario team',
      schema: (z: Zod) =>
        z
          .string()
          .regex(/^[A-Z][A-Za-z-]{1,30}$/, 'must be a capitalised first name from the scenario team, such as "Priya"')
          .optional(),
    },
    json: {
      type: 'boolean',
      description: 'print the score and debrief as JSON (the running commentary goes to stderr)',
    },
    gamedays: {
      type: 'string',
      value: 'DIR',
      description: 'scenario folder (env INCIDENT_COMMANDER_GAMEDAYS; default: the shipped ones)',
    },
  },
});

const channelIds = (what: string) =>
  ({
    type: 'string',
    multiple: true,
    value: 'CHANNEL-ID',
    description: `a channel that also gets each ${what} update (its id, C…); repeat for more`,
    schema: (z: Zod) => z.array(channelIdSchema(z)).max(20).default([]),
  }) as const satisfies FlagSpec;

const slashCommand = {
  type: 'string',
  value: '/NAME',
  description: `the slash command (default ${DEFAULT_COMMAND}; /incident is often taken by another app)`,
  schema: (z: Zod) => commandSchema(z).default(DEFAULT_COMMAND),
} as const satisfies FlagSpec;

export const SLACK = defineCommand({
  path: ['slack'],
  summary:
    'Run the commander in Slack: a channel per incident, the slash command, role buttons, reminders on the cadence (Socket Mode, or the Events API with --http)',
  longRunning: true,
  flags: {
    http: {
      type: 'boolean',
      description: 'serve the Events API (signed requests) instead of opening a Socket Mode connection',
    },
    host: {
      type: 'string',
      value: 'HOST',
      description: 'interface to bind with --http (default 127.0.0.1; put a TLS proxy in front for Slack to reach it)',
      schema: (z: Zod) => z.string().min(1).default('127.0.0.1'),
    },
    port: {
      type: 'string',
      value: 'PORT',
      description: 'port with --http, 0 for any free one (default 3000)',
      schema: (z: Zod) => z.coerce.number().int().min(0).max(65_535).default(3000),
    },
    command: slashCommand,
    reaction: {
      type: 'string',
      value: 'EMOJI',
      description: `the reaction that puts a message on the timeline (default ${DEFAULT_REACTION})`,
      schema: (z: Zod) => reactionSchema(z).default(DEFAULT_REACTION),
    },
    'engineering-channel': channelIds('engineering'),
    'executive-channel': channelIds('executive'),
    'no-adopt': {
      type: 'boolean',
      description: 'do not open channels for incidents declared elsewhere (CLI, MCP, integrations)',
    },
    ...MODEL_FLAGS,
  },
  notes: [
    'Environment: SLACK_BOT_TOKEN (xoxb-…, always), SLACK_APP_TOKEN (xapp-…, Socket Mode), SLACK_SIGNING_SECRET (--http),',
    'INCIDENT_COMMANDER_SLACK_API_URL (another Web API base URL: a proxy or a test fake).',
    'Set the app up with `incident-commander slack manifest`; the README has the steps.',
  ],
});

export const SLACK_MANIFEST = defineCommand({
  path: ['slack', 'manifest'],
  summary:
    'Print the Slack app manifest (JSON) to paste into api.slack.com: scopes, events, the slash command, interactivity',
  flags: {
    'request-url': {
      type: 'string',
      value: 'URL',
      description: 'the public https URL of `slack --http` (…/slack/events); without it, the app uses Socket Mode',
      schema: (z: Zod) =>
        z
          .string()
          .url('must be a URL such as https://ic.example.com/slack/events')
          .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL')
          .optional(),
    },
    command: slashCommand,
    name: {
      type: 'string',
      value: 'NAME',
      description: 'the app name people see (default Incident Commander)',
      schema: (z: Zod) => z.string().min(1).max(35, "must be at most 35 characters (Slack's limit)").optional(),
    },
  },
});

const dryRun = {
  type: 'boolean',
  description: 'log every request that would go to PagerDuty or Statuspage, and send none',
} as const satisfies FlagSpec;

export const INTEGRATIONS_SERVE = defineCommand({
  path: ['integrations', 'serve'],
  summary:
    'Serve POST /webhooks/pagerduty (and /webhooks/opsgenie) and run the integrations: pages out, notes and status back, approved customer updates to Statuspage',
  longRunning: true,
  flags: {
    host: {
      type: 'string',
      value: 'HOST',
      description: `interface to bind (default ${HTTP_DEFAULTS.host}); deliveries are checked by signature or token wherever it binds`,
      schema: (z: Zod) => z.string().min(1).default(HTTP_DEFAULTS.host),
    },
    port: {
      type: 'string',
      value: 'PORT',
      description: 'port, 0 for any free one (default 8788)',
      schema: (z: Zod) => z.coerce.number().int().min(0).max(65_535).default(8788),
    },
    interval: {
      type: 'string',
      value: 'SECONDS',
      description: 'how often to look for changed incidents and due retries, 0.1–60 (default 2)',
      schema: (z: Zod) => z.coerce.number().min(0.1).max(60).default(2),
    },
    'dry-run': dryRun,
  },
  notes: [
    'Secrets come from the environment or 0600 files named in the integrations file, never from the command line:',
    'PAGERDUTY_WEBHOOK_SECRET (comma-separated during a rotation), PAGERDUTY_ROUTING_KEY, PAGERDUTY_API_TOKEN and',
    'PAGERDUTY_FROM, STATUSPAGE_API_TOKEN and STATUSPAGE_PAGE_ID, OPSGENIE_WEBHOOK_TOKEN. See README "Connect PagerDuty and Statuspage".',
  ],
});

export const INTEGRATIONS_STATUS = defineCommand({
  path: ['integrations', 'status'],
  summary: 'Show which integrations are on (never a secret), and the inbox and outbox: waiting, retrying and failed',
  flags: { json },
});

const draftArg = { name: 'DRAFT', description: 'the customer draft, e.g. SD-3 (see `updates list`)' } as const;

const reviewer = {
  as: {
    type: 'string',
    value: 'NAME',
    description: 'who is deciding, recorded with the decision (default: $USER)',
    schema: (z: Zod) => z.string().min(1).max(100).optional(),
  },
  revision: {
    type: 'string',
    value: 'N',
    description: 'the revision you read (`updates show`): refused if it was edited since',
    schema: (z: Zod) => z.coerce.number().int().min(1).optional(),
  },
} as const satisfies Record<string, FlagSpec>;

export const UPDATES_LIST = defineCommand({
  path: ['updates', 'list'],
  summary: 'List customer-facing drafts waiting for a person’s approval (--all: every draft)',
  flags: {
    incident: { ...incidentFlag, description: 'only this incident’s drafts (INC-12, or 12)' },
    all: { type: 'boolean', description: 'every draft, decided or not' },
    json: { type: 'boolean', description: 'print the drafts as a JSON array' },
  },
});

export const UPDATES_SHOW = defineCommand({
  path: ['updates', 'show'],
  summary: 'Show a customer draft as it would be published: status, impact, components and text',
  args: [draftArg],
  flags: { json: { type: 'boolean', description: 'print the draft as JSON' } },
});

export const UPDATES_APPROVE = defineCommand({
  path: ['updates', 'approve'],
  summary:
    'Approve a customer draft and publish it to the status page (only a person can; the model and MCP clients cannot)',
  args: [draftArg],
  flags: {
    ...reviewer,
    'dry-run': dryRun,
    json: { type: 'boolean', description: 'print the outcome as JSON' },
  },
});

const componentStatus = (z: Zod) =>
  z
    .string()
    .regex(
      /^[^=]{1,100}=(operational|degraded_performance|partial_outage|major_outage|under_maintenance)$/,
      'must be NAME=STATUS, STATUS one of operational, degraded_performance, partial_outage, major_outage, under_maintenance',
    );

export const UPDATES_EDIT = defineCommand({
  path: ['updates', 'edit'],
  summary: 'Change a pending customer draft before approving it (its revision rises)',
  args: [draftArg],
  flags: {
    ...reviewer,
    title: {
      type: 'string',
      value: 'TEXT',
      description: 'the status page incident’s name',
      schema: (z: Zod) => z.string().min(1).max(255).optional(),
    },
    body: {
      type: 'string',
      value: 'TEXT',
      description: 'the text customers read',
      schema: (z: Zod) => z.string().min(1).max(10_000).optional(),
    },
    'body-file': { type: 'string', value: 'FILE', description: 'read the text from FILE (- for stdin)' },
    status: {
      type: 'string',
      value: 'STATUS',
      description: 'investigating, identified, monitoring or resolved',
      schema: (z: Zod) => z.enum(['investigating', 'identified', 'monitoring', 'resolved']).optional(),
    },
    impact: {
      type: 'string',
      value: 'IMPACT',
      description: 'none, minor, major or critical',
      schema: (z: Zod) => z.enum(['none', 'minor', 'major', 'critical']).optional(),
    },
    component: {
      type: 'string',
      multiple: true,
      value: 'NAME=STATUS',
      description: 'a component and its status (repeat for each; replaces the proposed list)',
      schema: (z: Zod) => z.array(componentStatus(z)).default([]),
    },
  },
});

export const UPDATES_DISCARD = defineCommand({
  path: ['updates', 'discard'],
  summary: 'Throw a customer draft away; nothing is sent',
  args: [draftArg],
  flags: {
    ...reviewer,
    reason: {
      type: 'string',
      value: 'TEXT',
      description: 'why, for the timeline',
      schema: (z: Zod) => z.string().max(500).optional(),
    },
  },
});
