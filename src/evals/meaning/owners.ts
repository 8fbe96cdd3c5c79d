import { spans } from './durations.js';
import { plain } from './text.js';

/**
 * An owner that names nobody: "TBD", "someone", "the team", "<owner>", "unassigned", "?". One named
 * person (or @handle) is an owner; a placeholder or a crowd is not.
 */
export function placeholderOwner(owner: string): string | null {
  const o = plain(owner)
    .replace(/^[\s:=—–-]+|[\s.,;—–-]+$/g, '')
    .trim();
  if (!o) return 'no owner given';
  if (/^[<[{(].*[>\]})]$/.test(o)) return `"${o}" is a template placeholder`;
  if (/^[?x_—–\-.…]+$/i.test(o) || /^x{2,}$/i.test(o)) return `"${o}" is a placeholder`;
  if (
    /\b(?:tbd|tba|tbc|to be (?:decided|determined|assigned|confirmed|named|found)|unassigned|unowned|not (?:yet )?assigned|pending|unknown|n\/a|na|none|nobody|no one|no-one|open|vacant|needed|needs? (?:an )?owner|someone|somebody|anyone|anybody|whoever|volunteer|later|owner|name|person)\b/i.test(
      o,
    )
  )
    return `"${o}" names nobody`;
  if (
    /^(?:the |our |a |an |some |any )?(?:team|teams|everyone|everybody|all|us|we|engineering|ops|devops|sre|on-?call|eng|backend|frontend|dev|devs|developers|engineers|org|company|management|leadership)$/i.test(
      o,
    )
  )
    return `"${o}" is a group, not one owner`;
  return null;
}

/** A due date that dates nothing: "TBD", "soon", "ASAP", "later", "when possible". */
export function placeholderDue(due: string): string | null {
  const d = plain(due).trim();
  if (!d) return 'no due date given';
  if (
    /^(?:tbd|tba|tbc|to be (?:decided|determined|agreed|confirmed)|soon|asap|later|someday|sometime|eventually|when possible|whenever|n\/a|none|never|unknown|pending|\?+|-+|—|<.*>|\[.*\])\b/i.test(
      d,
    )
  )
    return `"${d}" is not a date`;
  return null;
}

export interface ListedItem {
  line: string;
  owner: string | null;
  due: string | null;
}

/** The action items a reply lists: lines with an id (AI-3) or bullets under an action-items heading. */
export function listedActionItems(reply: string): ListedItem[] {
  const out: ListedItem[] = [];
  let section: 'items' | 'proposed' | null = null;
  for (const raw of reply.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const isHeading = /^#{1,6}\s|^\*\*[^*]+\*\*:?\s*$/.test(line);
    if (isHeading) {
      const h = plain(line).toLowerCase();
      section = /action items?|follow-?ups?|next steps owned|tracked/.test(h)
        ? /proposed|suggest|candidate|not tracked|untracked|ideas?|to assign/.test(h)
          ? 'proposed'
          : 'items'
        : /proposed|not tracked/.test(h) && section
          ? 'proposed'
          : null;
      continue;
    }
    const bullet = /^(?:[-*+•]|\d{1,2}[.)])\s+/.test(line);
    const hasId = /\bAI-\d+\b/.test(line);
    const labelled = /^(?:\*\*)?action items?(?:\*\*)?\s*[:—–-]/i.test(line);
    if (!hasId && !labelled && !(bullet && section === 'items')) continue;
    const text = plain(line);
    if (!hasId && /^(?:none|no action items|nothing)\b/i.test(text)) continue;
    out.push({ line: text, owner: ownerOf(text), due: dueOf(text) });
  }
  return out;
}

function ownerOf(text: string): string | null {
  const m =
    /\bowner(?:ship)?\s*(?::|=|is|—|–|-)?\s*([^,;()\n]+?)(?=\s*(?:,|;|\(|\)|—|–|\bdue\b|\bby\b|$))/i.exec(text) ??
    /\b(?:assigned to|owned by|assignee:?)\s+([^,;()\n]+?)(?=\s*(?:,|;|\(|\)|—|–|\bdue\b|\bby\b|$))/i.exec(text) ??
    /(@[\w.-]+)/.exec(text);
  return m ? m[1]!.trim() : null;
}

function dueOf(text: string): string | null {
  const m =
    /\b(?:due(?: date)?|deadline|by|target date)\s*(?::|=|—|–|-|on|in|by|is)?\s*([^,;()\n]+?)(?=\s*(?:,|;|\(|\)|—|–|\bowner\b|$))/i.exec(
      text,
    );
  return m ? m[1]!.trim() : null;
}

/** Days from `ref` to a due date written as a date or a duration ("2026-03-24", "in three weeks", "Friday"). */
export function dueInDays(due: string, ref: Date): number | null {
  const found = spans(due, ref).find((s) => s.kind !== 'unbounded');
  return found ? found.minutes / (24 * 60) : null;
}
