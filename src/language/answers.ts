import { tokenize } from './tokens.js';

const YES = new Set([
  'yes',
  'yep',
  'yeah',
  'yup',
  'ya',
  'yea',
  'correct',
  'affirmative',
  'indeed',
  'sure',
  'definitely',
  'absolutely',
  'confirmed',
  'ja',
  'si',
  'oui',
  'sim',
]);
const NO = new Set(['no', 'nope', 'nah', 'negative', 'none', 'nein', 'non', 'nao']);

/** A yes or no at the start of a reply ("yep, customers can see it", "nope internal only"), or null. */
export function affirmation(text: string): 'yes' | 'no' | null {
  const first = tokenize(text)
    .tokens.slice(0, 2)
    .map((t) => t.word);
  if (first[0] && YES.has(first[0])) return 'yes';
  if (first[0] && NO.has(first[0]) && first[1] !== 'one' && first[1] !== 'longer') return 'no';
  if (first[0] === 'not' && (first[1] === 'really' || first[1] === 'sure')) return first[1] === 'really' ? 'no' : null;
  return null;
}
