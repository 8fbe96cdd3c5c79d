import { COMMON_WORDS } from './lexicon.js';
import { vocabulary } from './scan.js';
import type { Token } from './tokens.js';

/** Who the reader knows by name: the sender, the roster, people already in the conversation. */
export interface KnownPeople {
  /** The person who sent the message ("I", "me"). */
  sender?: string | undefined;
  /** Names known to be people (roster, earlier speakers, role holders). */
  names?: readonly string[] | undefined;
}

const SELF = new Set(['i', 'me', 'myself', 'im', 'ill', 'ive', 'id']);
const NOT_NAMES = new Set([
  'someone',
  'somebody',
  'anyone',
  'anybody',
  'everyone',
  'everybody',
  'nobody',
  'whoever',
  'who',
  'you',
  'he',
  'she',
  'they',
  'them',
  'him',
  'her',
  'his',
  'we',
  'us',
  'it',
  'this',
  'that',
  'which',
  'what',
  'somone',
  'oncall',
  'primary',
  'secondary',
  'team',
  'sre',
  'eng',
  'dev',
  'ops',
  'support',
  'security',
  'infra',
  'platform',
  'db',
  'dba',
  'manager',
  'lead',
  'person',
  'engineer',
  'commander',
  'scribe',
  'comms',
  'utc',
  'gmt',
  'pst',
  'est',
  'am',
  'pm',
  'ok',
  'yes',
  'no',
  'yeah',
  'sure',
  'will',
  'can',
  'also',
  'now',
  'still',
  'then',
  'here',
  'there',
]);

/** "ana" → "Ana", "o'brien" → "O'Brien", "@raj.k" → "raj.k" kept as typed. */
export function displayName(raw: string): string {
  const bare = raw.replace(/^@/, '');
  if (/[A-Z]/.test(bare)) return bare;
  return bare.replace(/(^|[\s'-])(\p{L})/gu, (_, sep: string, ch: string) => `${sep}${ch.toUpperCase()}`);
}

/**
 * The person a token names, if it can be one: a known name, an @handle, or a word that is neither a
 * common English word nor a lexicon word (people type names in lowercase too). `strict` asks for
 * more evidence (a capital, a known name, a handle) where the position alone does not say "person".
 */
export function personAt(token: Token | undefined, known: KnownPeople, strict = false): string | null {
  if (!token) return null;
  const word = token.word;
  if (SELF.has(word)) return known.sender ? known.sender : 'me';
  const typed = token.text.replace(/['’]s$/i, '');
  if (typed.startsWith('@') && typed.length > 1) return typed.slice(1);
  const knownName = known.names?.find((n) => n.toLowerCase() === word || n.toLowerCase().split(/\s+/)[0] === word);
  if (knownName) return knownName;
  if (!/^\p{L}[\p{L}'.-]{1,30}$/u.test(word) || NOT_NAMES.has(word)) return null;
  const ordinary = COMMON_WORDS.has(word) || vocabulary().has(word);
  // A capitalised word mid-sentence that is no ordinary word is a name; so is "Will" in "Will is IC".
  if (token.capitalized && !ordinary) return typed;
  if (strict) return null;
  if (ordinary) return null;
  return displayName(word);
}

/** Whether the token is the sender speaking of themself. */
export function isSelf(token: Token | undefined): boolean {
  return token !== undefined && SELF.has(token.word);
}
