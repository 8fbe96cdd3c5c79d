import { printable } from '../core/control.js';

/**
 * Slack's three control characters. Escaped in every piece of text we did not write ourselves, so
 * nothing a person or a model typed can become a mention (`<!channel>`), a link or a user ping.
 */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A link we build ourselves (a permalink): the label escaped, the URL refused unless http(s). */
export function link(url: string, label: string): string {
  if (!/^https?:\/\/[^\s<>|]+$/.test(url)) return escapeText(label);
  return `<${url}|${escapeText(label).replace(/\|/g, '¦')}>`;
}

/** A time every reader sees in their own time zone (Slack's date tokens), with the UTC clock as the fallback. */
export function slackDate(at: string, fallback: string, format = '{time}'): string {
  const seconds = Math.floor(Date.parse(at) / 1000);
  if (!Number.isFinite(seconds)) return escapeText(fallback);
  return `<!date^${seconds}^${format}|${escapeText(fallback)}>`;
}

/**
 * The commander's Markdown (a model's or the playbook's reply) as Slack mrkdwn: **bold** → *bold*,
 * headings → bold lines, [label](url) → a link, bullets → •. Everything else is escaped text;
 * code spans and fenced blocks are kept as they are (escaped, not reformatted).
 */
export function markdownToMrkdwn(markdown: string): string {
  const out: string[] = [];
  let fenced = false;
  for (const raw of printable(markdown).split('\n')) {
    if (/^\s*```/.test(raw)) {
      fenced = !fenced;
      out.push('```');
      continue;
    }
    if (fenced) {
      out.push(escapeText(raw));
      continue;
    }
    out.push(inline(raw));
  }
  if (fenced) out.push('```');
  return out.join('\n');
}

function inline(line: string): string {
  const heading = /^\s{0,3}#{1,6}\s+(.*)$/.exec(line);
  if (heading) return `*${inline(heading[1]!).replace(/^\*(.*)\*$/, '$1')}*`;
  const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
  if (bullet) return `${bullet[1]}• ${inline(bullet[2]!)}`;
  // Split out code spans, which are kept verbatim (escaped).
  return line
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith('`') && part.endsWith('`') && part.length > 1 ? escapeText(part) : prose(part)))
    .join('');
}

function prose(text: string): string {
  const links: string[] = [];
  const withMarkers = text.replace(/\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g, (_m, label: string, url: string) => {
    links.push(link(url, label));
    return `\uE000${links.length - 1}\uE000`;
  });
  return escapeText(withMarkers)
    .replace(/\*\*(.+?)\*\*/g, '*$1*')
    .replace(/__(.+?)__/g, '*$1*')
    .replace(/~~(.+?)~~/g, '~$1~')
    .replace(/\uE000(\d+)\uE000/g, (_m, i: string) => links[Number(i)] ?? '');
}

/** How a Slack message names people and channels, so text for the commander reads as plain words. */
export interface MentionNames {
  user(id: string): string | undefined;
}

/**
 * A Slack message's text as a person would read it: <@U123> → @Name, <#C1|incidents> → #incidents,
 * <https://x|label> → label (https://x), <!here> → @here, entities decoded, control characters
 * removed. What the commander reads, and what goes on the timeline.
 */
export function slackToPlain(text: string, names: MentionNames): string {
  const plain = text
    .replace(/<@([UW][A-Z0-9]+)(?:\|([^>]*))?>/g, (_m, id: string, label: string | undefined) => {
      return `@${names.user(id) ?? label ?? id}`;
    })
    .replace(/<#([CG][A-Z0-9]+)(?:\|([^>]*))?>/g, (_m, id: string, label: string | undefined) => `#${label || id}`)
    .replace(/<!(here|channel|everyone)(?:\|[^>]*)?>/g, '@$1')
    .replace(/<!subteam\^[A-Z0-9]+(?:\|([^>]*))?>/g, (_m, label: string | undefined) => label ?? '@group')
    .replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<(mailto:[^|>]+)\|([^>]*)>/g, '$2')
    .replace(/<(https?:\/\/[^|>]+)\|([^>]*)>/g, (_m, url: string, label: string) =>
      label === url ? url : `${label} (${url})`,
    )
    .replace(/<(https?:\/\/[^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  return printable(plain);
}

/** The user ids a Slack message mentions, in order, each once. */
export function mentionedUsers(text: string): string[] {
  return [...new Set([...text.matchAll(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g)].map((m) => m[1]!))];
}
