/** Slack's rules for channel names: at most 80 characters of lowercase letters, digits, hyphens and underscores. */
export const CHANNEL_NAME_MAX = 80;

/** How many suffixed names to try after name_taken before giving up on the slug. */
export const NAME_ATTEMPTS = 5;

/** Words that make a channel name longer without saying more. */
const FILLER = new Set(['a', 'an', 'the', 'is', 'are', 'of', 'for', 'and', 'to', 'in', 'on', 'at', 'with']);

/** "Payment API returning 500s!" → "payment-api-returning-500s": ASCII, lowercase, hyphenated, filler words out. */
export function slugify(title: string, max: number): string {
  const words = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(/\s+/)
    .filter((w) => w && !FILLER.has(w));
  let slug = '';
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > max) break;
    slug = next;
  }
  // One very long first word is cut rather than dropped.
  if (!slug && words[0]) slug = words[0].slice(0, max);
  return slug;
}

/** The incident number of "INC-12", for the channel name. */
function number(incidentId: string): string {
  return incidentId.replace(/^INC-/i, '').toLowerCase();
}

/**
 * The channel names to try for an incident, in order: `inc-<n>-<slug>`, then with -2, -3… when a
 * name is taken (an archived channel of an earlier incident with the same title keeps its name),
 * and last `inc-<n>-<random>`. Every one follows Slack's naming rules.
 */
export function channelNames(incidentId: string, title: string, random: () => string): string[] {
  const prefix = `inc-${number(incidentId)}`;
  const room = CHANNEL_NAME_MAX - prefix.length - 1 - 3;
  const slug = slugify(title, room);
  const base = slug ? `${prefix}-${slug}` : prefix;
  const names = [base];
  for (let i = 2; i <= NAME_ATTEMPTS; i++) names.push(`${base}-${i}`);
  names.push(
    `${prefix}-${
      random()
        .toLowerCase()
        .replace(/[^a-z0-9]/g, '')
        .slice(0, 6) || 'x'
    }`,
  );
  return names;
}
