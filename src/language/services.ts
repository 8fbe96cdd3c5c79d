/** What the reader may know about a service from the services config. */
export interface ServiceHint {
  name: string;
  aliases: readonly string[];
  customerFacing?: boolean | undefined;
  revenuePath?: boolean | undefined;
  criticalFunction?: boolean | undefined;
}

export interface ServiceMention {
  /** The configured service's name. */
  name: string;
  /** Character index of its first mention. */
  index: number;
  hint: ServiceHint;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const patterns = new WeakMap<ServiceHint, RegExp[]>();

function namePatterns(hint: ServiceHint): RegExp[] {
  let list = patterns.get(hint);
  if (!list) {
    list = [hint.name, ...hint.aliases].map((n) => {
      const words = n
        .toLowerCase()
        .split(/[-_\s]+/)
        .filter(Boolean)
        .map(escapeRegex);
      return new RegExp(`(?<![\\w-])${words.join('[-_\\s]?')}(?![\\w-])`, 'i');
    });
    patterns.set(hint, list);
  }
  return list;
}

/** Configured services named in the text (by name or alias), in order of first mention. */
export function configuredServices(text: string, services: readonly ServiceHint[]): ServiceMention[] {
  return services
    .map((hint) => {
      const indexes = namePatterns(hint)
        .map((p) => p.exec(text)?.index)
        .filter((i): i is number => i !== undefined);
      return { name: hint.name, hint, index: indexes.length ? Math.min(...indexes) : -1 };
    })
    .filter((x) => x.index >= 0)
    .sort((a, b) => a.index - b.index);
}

const SERVICE_LIKE =
  /\b([a-z][a-z0-9]{2,30})[ -](api|service|svc|db|database|worker|workers|gateway|queue|cluster|frontend|backend|proxy|server|cache|app)\b/gi;
const GENERIC = new Set([
  'the',
  'our',
  'this',
  'that',
  'their',
  'your',
  'main',
  'whole',
  'entire',
  'public',
  'internal',
  'core',
  'every',
  'some',
  'any',
  'its',
  'his',
  'her',
  'new',
  'old',
  'web',
  'mobile',
  'one',
  'each',
  'all',
  'prod',
  'staging',
  'primary',
  'secondary',
  'same',
  'other',
  'a',
  'an',
  'no',
  'bad',
  'slow',
  'down',
  'broken',
]);

/** Service-like names that are not configured ("payment API" → "payment-api", "auth service" → "auth-service"). */
export function serviceLikeNames(text: string, configured: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(SERVICE_LIKE)) {
    const first = m[1]!.toLowerCase();
    const kind = m[2]!.toLowerCase();
    if (GENERIC.has(first)) continue;
    const name = `${first}-${kind === 'database' ? 'db' : kind === 'workers' ? 'worker' : kind}`;
    if (!configured.has(name) && !out.includes(name)) out.push(name);
  }
  return out;
}

/** A version or release named: "v4.1", "cart v4.1", "release 2026.11.3", "build 1234", "sha abc1234". */
export function changeReference(text: string): { ref: string; subject: string | null } | null {
  const m =
    /\b(?:([a-z][\w-]{1,30})(?:\s+|@))?(v\d+(?:\.\d+){0,3}(?:[-+][\w.]+)?)\b/i.exec(text) ??
    /\b(?:([a-z][\w-]{1,30})\s+)?(\d+\.\d+\.\d+(?:[-+][\w.]+)?)\b/i.exec(text) ??
    /\b(?:(release|build|deploy|version|pr|commit|sha|rev)\s*#?\s*)([0-9a-f]{7,40}|\d{2,6}(?:\.\d+)*)\b/i.exec(text);
  if (!m) return null;
  const subject =
    m[1] && !/^(?:release|build|deploy|version|pr|commit|sha|rev|the|of|to|at|and|a)$/i.test(m[1])
      ? m[1].toLowerCase()
      : null;
  const ref = /^(?:release|build|deploy|version|pr|commit|sha|rev)$/i.test(m[1] ?? '')
    ? `${m[1]!.toLowerCase()} ${m[2]}`
    : m[2]!;
  return { ref, subject };
}
