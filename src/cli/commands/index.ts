import type { CommandEntry } from '../command.js';

export const COMMANDS: readonly CommandEntry[] = [
  {
    path: ['chat'],
    usage: 'incident-commander chat [--incident ID] [--offline] [--as NAME]',
    summary: 'Talk to the commander (Claude, or the offline playbook with no key); sessions resume per incident',
    load: () => import('./chat.js'),
  },
  {
    path: ['ask'],
    usage: 'incident-commander ask "message" [--json] [--offline] [--incident ID]',
    summary: 'One turn with the commander; --json prints one JSON object',
    load: () => import('./ask.js'),
  },
  {
    path: ['mcp'],
    usage: 'incident-commander mcp [--http] [--host H] [--port P] [--token T] [--read-only] [--tools a,b]',
    summary: 'Serve the tools, incidents and prompts over MCP (stdio, or Streamable HTTP with --http)',
    longRunning: true,
    load: () => import('./mcp.js'),
  },
  {
    path: ['status'],
    usage: 'incident-commander status [--json]',
    summary:
      'What needs doing: live incidents (overdue updates, expired hypotheses), post-mortems due, overdue action items',
    load: () => import('./status.js'),
  },
  {
    path: ['postmortem'],
    usage: 'incident-commander postmortem INC-ID [--out FILE]',
    summary: 'Write the blameless post-mortem draft of an incident as markdown',
    load: () => import('./postmortem.js'),
  },
  {
    path: ['eval'],
    usage:
      'incident-commander eval [--target offline|anthropic|replay] [--filter P] [--repeat K] [--model M] [--judge-model M] [--junit FILE] [--summary FILE] [--baseline FILE] [--compare A B]',
    summary: 'Run the eval suite (evals/cases) against the offline playbook, Claude, or recorded transcripts',
    load: () => import('./eval.js'),
  },
  {
    path: ['soul', 'lint'],
    usage: 'incident-commander soul lint [PATH] [--json]',
    summary: 'Check a SOUL.md persona file; exit 1 on errors',
    load: () => import('./soul-lint.js'),
  },
  {
    path: ['severity', 'lint'],
    usage: 'incident-commander severity lint [PATH] [--json]',
    summary: 'Check a severity framework file',
    load: () => import('./severity.js').then((m) => ({ run: m.lint })),
  },
  {
    path: ['severity', 'show'],
    usage: 'incident-commander severity show [--json]',
    summary: 'Print the active severity framework',
    load: () => import('./severity.js').then((m) => ({ run: m.show })),
  },
  {
    path: ['tools', 'list'],
    usage: 'incident-commander tools list [--json]',
    summary: "List the commander's tools",
    load: () => import('./tools.js').then((m) => ({ run: m.list })),
  },
  {
    path: ['tools', 'call'],
    usage: "incident-commander tools call NAME ['{json args}' | -]",
    summary: 'Call one tool with JSON arguments (or from stdin); prints the JSON result',
    load: () => import('./tools.js').then((m) => ({ run: m.call })),
  },
  {
    path: ['incidents', 'list'],
    usage: 'incident-commander incidents list [--status open|resolved|all] [--json]',
    summary: 'List incidents, newest first',
    load: () => import('./incidents.js'),
  },
  {
    path: ['runbooks', 'lint'],
    usage: 'incident-commander runbooks lint [DIR] [--services FILE] [--json]',
    summary: 'List runbooks not tested within a quarter and paging alerts without a runbook; exit 1 if any',
    load: () => import('./runbooks.js'),
  },
  {
    path: ['slo', 'check'],
    usage:
      'incident-commander slo check --file slo.yaml [--name NAME] [--objective NAME] --good N --total N [--ratio-5m X] [--ratio-30m X] [--ratio-1h X] [--ratio-6h X] [--ratio-3d X] [--incident-bad N] [--json]',
    summary: 'Error budget left and the page/ticket decision (multi-window, multi-burn-rate) for an OpenSLO objective',
    load: () => import('./slo.js'),
  },
  {
    path: ['oncall', 'plan'],
    usage:
      'incident-commander oncall plan --members "Ana,Ben,Chi" [--start YYYY-MM-DD] [--weeks N] [--rotation-days 7] [--handoff-day monday] [--handoff-time 10:00] [--tz Europe/London] [--no-secondary] [--leave "Ana:2026-12-21:2027-01-03"]... [--swap "3:Ana:Ben"]... [--ics FILE|-] [--json]',
    summary:
      'Plan a fair primary + secondary on-call rotation around leave and swaps; print it, or write an .ics calendar',
    load: () => import('./oncall.js'),
  },
  {
    path: ['gameday'],
    usage: 'incident-commander gameday [SCENARIO] [--list] [--script FILE] [--as NAME] [--json]',
    summary:
      'Run a game day: a simulated incident revealed on a clock, your team responds, scored with the eval graders',
    load: () => import('./gameday.js'),
  },
];
