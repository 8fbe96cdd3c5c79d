import type { Roster } from '../config/roster.js';
import { oneLine } from '../core/control.js';
import type { Logger } from '../core/logger.js';
import type { SlackUser, SlackWeb } from './web.js';

/** How long a Slack profile is trusted before it is read again, and how many are kept. */
const TTL_MS = 10 * 60_000;
const CAPACITY = 2000;

/** Who a Slack user is to the commander: their roster name when the roster knows them, else their Slack name. */
export interface Person {
  id: string;
  name: string;
  isBot: boolean;
  /** True when the roster named them (by Slack id or by name). */
  known: boolean;
}

/**
 * Slack users as the commander names them. The roster wins: a person whose `slack` id matches, or
 * whose name matches the Slack display name, real name, handle or first name. Anyone else still
 * works, under their Slack name. Profiles are cached for a while; a failed lookup falls back to the id.
 */
export class People {
  private readonly cache = new Map<string, { person: Person; at: number }>();

  constructor(
    private readonly web: SlackWeb,
    private readonly roster: () => Roster,
    private readonly now: () => number,
    private readonly logger: Logger,
  ) {}

  async get(id: string): Promise<Person> {
    const hit = this.cache.get(id);
    if (hit && this.now() - hit.at < TTL_MS) return hit.person;
    let user: SlackUser | null = null;
    try {
      user = await this.web.user(id);
    } catch (error) {
      this.logger.warn({ user: id, err: (error as Error).message }, 'Slack user lookup failed; using the id');
    }
    const person = this.identify(id, user);
    this.cache.delete(id);
    this.cache.set(id, { person, at: this.now() });
    if (this.cache.size > CAPACITY) this.cache.delete(this.cache.keys().next().value!);
    return person;
  }

  /** Names for several users at once (the mentions in a message). */
  async names(ids: readonly string[]): Promise<Map<string, string>> {
    const people = await Promise.all(ids.slice(0, 50).map((id) => this.get(id)));
    return new Map(people.map((p) => [p.id, p.name]));
  }

  private identify(id: string, user: SlackUser | null): Person {
    const people = this.roster().people;
    const byId = people.find((p) => p.slack === id);
    if (byId) return { id, name: byId.name, isBot: false, known: true };
    const candidates = user
      ? [user.displayName, user.realName, user.name, user.realName.split(/\s+/)[0] ?? ''].filter((n) => n.trim())
      : [];
    for (const candidate of candidates) {
      const match = people.find((p) => p.name.toLowerCase() === candidate.trim().toLowerCase());
      if (match) return { id, name: match.name, isBot: user?.isBot ?? false, known: true };
    }
    const name = oneLine(candidates[0] ?? id, 100).trim() || id;
    return { id, name, isBot: user?.isBot ?? false, known: false };
  }
}
