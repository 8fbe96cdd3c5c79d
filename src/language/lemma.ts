/**
 * Base forms of a word for lexicon lookup: "crashing" → crash, "timed" → time, "replicas" → replica,
 * "went" → go. Over-generates on purpose (each candidate is only used if the lexicon knows it).
 */
const IRREGULAR: Record<string, string> = {
  went: 'go',
  gone: 'go',
  goes: 'go',
  broke: 'break',
  fell: 'fall',
  fallen: 'fall',
  took: 'take',
  taken: 'take',
  ran: 'run',
  hung: 'hang',
  froze: 'freeze',
  frozen: 'freeze',
  blew: 'blow',
  blown: 'blow',
  lost: 'lose',
  came: 'come',
  saw: 'see',
  seen: 'see',
  found: 'find',
  told: 'tell',
  paid: 'pay',
  sent: 'send',
  spent: 'spend',
  began: 'begin',
  begun: 'begin',
  rose: 'rise',
  risen: 'rise',
  died: 'die',
  dying: 'die',
  was: 'be',
  were: 'be',
  is: 'be',
  are: 'be',
  am: 'be',
  been: 'be',
  being: 'be',
  has: 'have',
  had: 'have',
  did: 'do',
  does: 'do',
  done: 'do',
  said: 'say',
  made: 'make',
  got: 'get',
  gotten: 'get',
  kept: 'keep',
  left: 'leave',
  led: 'lead',
  caught: 'catch',
  thought: 'think',
  stuck: 'stick',
  shut: 'shut',
  put: 'put',
  set: 'set',
  hit: 'hit',
  spun: 'spin',
  built: 'build',
  wrote: 'write',
  written: 'write',
  drew: 'draw',
  grew: 'grow',
  grown: 'grow',
  knew: 'know',
  known: 'know',
  threw: 'throw',
  thrown: 'throw',
  ate: 'eat',
  eaten: 'eat',
  became: 'become',
  brought: 'bring',
  bought: 'buy',
  sold: 'sell',
  stole: 'steal',
  stolen: 'steal',
  woke: 'wake',
  held: 'hold',
  meant: 'mean',
  felt: 'feel',
  dealt: 'deal',
  fought: 'fight',
  rang: 'ring',
  rung: 'ring',
  sank: 'sink',
  sunk: 'sink',
  tore: 'tear',
  torn: 'tear',
  wore: 'wear',
  worn: 'wear',
  overran: 'overrun',
  rolledback: 'rollback',
  slower: 'slow',
  panicked: 'panic',
  panicking: 'panic',
  trafficked: 'traffic',
  faster: 'fast',
  longer: 'long',
  higher: 'high',
  lower: 'low',
  worse: 'bad',
};

const VOWEL = /[aeiou]/;

/** The word and its possible base forms, most likely first. */
export function lemmas(word: string): string[] {
  const out = [word];
  const add = (w: string): void => {
    if (w.length >= 2 && !out.includes(w)) out.push(w);
  };
  const irregular = IRREGULAR[word];
  if (irregular) add(irregular);
  const n = word.length;
  if (n > 4 && word.endsWith('ies')) add(`${word.slice(0, -3)}y`);
  if (n > 4 && word.endsWith('ied')) add(`${word.slice(0, -3)}y`);
  if (n > 3 && word.endsWith('es')) {
    add(word.slice(0, -2));
    add(word.slice(0, -1));
  } else if (n > 3 && word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us')) add(word.slice(0, -1));
  if (n > 4 && word.endsWith('ed')) {
    const stem = word.slice(0, -2);
    add(stem);
    add(`${stem}e`);
    if (/(.)\1$/.test(stem)) add(stem.slice(0, -1));
  }
  if (n > 4 && word.endsWith('ing')) {
    const stem = word.slice(0, -3);
    if (VOWEL.test(stem)) {
      add(stem);
      add(`${stem}e`);
      if (/(.)\1$/.test(stem)) add(stem.slice(0, -1));
    }
  }
  if (n > 4 && word.endsWith('ly')) add(word.slice(0, -2));
  return out;
}

/** Damerau–Levenshtein distance, stopping early once it exceeds `max`. */
export function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, rows[i - 2]![j - 2]! + 1);
      row.push(v);
      best = Math.min(best, v);
    }
    rows.push(row);
    if (i > 0 && best > max) return max + 1;
  }
  return rows[a.length]![b.length]!;
}
