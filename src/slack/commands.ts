import { AUDIENCES, type Audience } from '../core/audiences.js';
import { closest } from '../core/suggest.js';
import type { Severity } from '../severity/signals.js';
import type { RoleDefinition } from '../soul/schema.js';
import { escapeText } from './mrkdwn.js';

/** The subcommands of the slash command, in the order help lists them. */
export const SUBCOMMANDS = [
  ['declare', '[what is broken, who is affected]', 'declare an incident: a form, or the report in your words'],
  ['sev', 'SEV1-4 <why>', 'change the severity, with the reason'],
  ['role', '<role> [@person|me]', 'give a role to someone, or take it'],
  [
    'update',
    '[engineering|executive|customer] [what changed]',
    'post the drafted update (customer text goes to approval)',
  ],
  ['note', '<text>', 'put a note on the timeline'],
  ['action', '[what, owner, due]', 'track an action item (a form without text)'],
  ['resolve', '[what ended the impact]', 'resolve the incident'],
  ['status', '', 'the incident at a glance (only you see it)'],
  ['help', '', 'this list'],
] as const;

export type SubcommandName = (typeof SUBCOMMANDS)[number][0];
const NAMES: readonly string[] = SUBCOMMANDS.map(([n]) => n);

/** A parsed slash command. Free text stays text: the commander reads it, not this parser. */
export type SlashCommand =
  | { name: 'declare'; text: string }
  | { name: 'sev'; severity: Severity | null; reason: string }
  | { name: 'role'; role: string; person: string }
  | { name: 'update'; audience: Audience | null; whatChanged: string }
  | { name: 'note'; text: string }
  | { name: 'action'; text: string }
  | { name: 'resolve'; text: string }
  | { name: 'status' }
  | { name: 'help'; unknown: string | null; suggestion: string | null };

/** Reads `/ic <subcommand> <rest>`; an unknown or missing subcommand is help (with "did you mean"). */
export function parseCommand(text: string): SlashCommand {
  const trimmed = text.trim();
  const [head = '', ...restWords] = trimmed.split(/\s+/);
  const word = head.toLowerCase();
  const rest = trimmed.slice(head.length).trim();
  switch (word) {
    case 'declare':
      return { name: 'declare', text: rest };
    case 'sev':
    case 'severity': {
      const severity = parseSeverity(restWords[0] ?? '');
      return { name: 'sev', severity, reason: severity ? restWords.slice(1).join(' ') : rest };
    }
    case 'role':
      return { name: 'role', role: restWords[0] ?? '', person: restWords.slice(1).join(' ') };
    case 'update': {
      const audience = parseAudience(restWords[0] ?? '');
      return { name: 'update', audience, whatChanged: audience ? restWords.slice(1).join(' ') : rest };
    }
    case 'note':
      return { name: 'note', text: rest };
    case 'action':
      return { name: 'action', text: rest };
    case 'resolve':
      return { name: 'resolve', text: rest };
    case 'status':
      return { name: 'status' };
    case '':
    case 'help':
      return { name: 'help', unknown: null, suggestion: null };
    default:
      return { name: 'help', unknown: head.slice(0, 40), suggestion: closest(word, NAMES) ?? null };
  }
}

export function parseSeverity(word: string): Severity | null {
  const m = /^(?:sev)?-?([1-4])$/i.exec(word.trim());
  return m ? (`SEV${m[1]}` as Severity) : null;
}

export function parseAudience(word: string): Audience | null {
  const w = word.toLowerCase();
  if (w.length < 3) return null;
  return AUDIENCES.find((a) => a.startsWith(w)) ?? null;
}

/**
 * The role a word names: its id, its title or short name from SOUL.md, a prefix of one of those
 * ("tech", "comm"), or a near miss. Null when nothing is close.
 */
export function resolveRole(word: string, roles: readonly RoleDefinition[]): RoleDefinition | null {
  const w = word.toLowerCase().replace(/[\s_-]+/g, '');
  if (!w) return null;
  const names = (r: RoleDefinition): string[] =>
    [r.id, r.title, r.short].map((n) => n.toLowerCase().replace(/[\s_-]+/g, ''));
  const exact = roles.find((r) => names(r).includes(w));
  if (exact) return exact;
  const prefixed = roles.filter((r) => names(r).some((n) => w.length >= 3 && n.startsWith(w)));
  if (prefixed.length === 1) return prefixed[0]!;
  const all = roles.flatMap((r) => names(r).map((n) => [n, r] as const));
  const near = closest(
    w,
    all.map(([n]) => n),
  );
  return near ? (all.find(([n]) => n === near)?.[1] ?? null) : null;
}

/** Help for the slash command, one line per subcommand. */
export function helpText(command: string, unknown: string | null, suggestion: string | null): string {
  const lines = SUBCOMMANDS.map(([name, args, what]) => `\`${command} ${name}${args ? ` ${args}` : ''}\` — ${what}`);
  const head = unknown
    ? `I don't know \`${escapeText(unknown.replace(/`/g, "'"))}\`.${suggestion ? ` Did you mean \`${command} ${suggestion}\`?` : ''}\n\n`
    : '';
  return `${head}${lines.join('\n')}\n\nIn an incident channel, just talk: every message is read by the commander. Pin a message, react with the timeline emoji, or use the "Add to timeline" shortcut to put it on the timeline.`;
}
