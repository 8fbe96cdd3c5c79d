/** Small text helpers for replies: short lines, clear structure. */
export const bullets = (items: readonly string[]): string => items.map((i) => `- ${i}`).join('\n');
export const numbered = (items: readonly string[]): string => items.map((i, n) => `${n + 1}. ${i}`).join('\n');
export const section = (title: string, body: string): string => `**${title}**\n${body}`;

export function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  return /[.!?:]$/.test(t) ? t : `${t}.`;
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A short title from a report: its first clause, without filler. */
export function titleFrom(text: string): string {
  const first = text.split(/(?<=[.!?])\s|\n/)[0] ?? text;
  const cleaned = first
    .replace(/^(?:hey|hi|help|urgent|heads up)[,!:\s-]+/i, '')
    .replace(/^(?:we(?:'re| are) seeing|we(?:'ve| have) got|i(?:'m| am) seeing|looks like|it seems)\s+/i, '')
    .replace(/^(?:our|the)\s+/i, '')
    .replace(/[.!?]+$/, '')
    .trim();
  const short = cleaned.length > 120 ? `${cleaned.slice(0, 117).replace(/\s+\S*$/, '')}…` : cleaned;
  return capitalize(short || 'Production incident');
}

export function joinList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
