import type { Incident, IncidentChange } from '../store/types.js';
import { syncCards } from './cards.js';
import { ensureChannel } from './channel.js';
import type { SlackDeps } from './deps.js';
import type { HeadlineSync } from './headline.js';
import type { Reminders } from './remind.js';
import { renderOwn } from './render/reply.js';
import { escapeText } from './mrkdwn.js';

/** Live incidents watched at once; resolved ones are watched while their post-mortem is due. */
const WATCHED = 200;
const RECENTLY_RESOLVED = 25;
/**
 * An incident with no channel this long after it was opened was declared elsewhere and is given one.
 * The wait lets a Slack declaration (whose turn opens the incident, then makes its channel) finish first.
 */
export const ADOPT_AFTER_MS = 15_000;
/** Claims older than this are forgotten (Slack retries within minutes; a week is ample). */
export const CLAIM_WINDOW_MS = 7 * 86_400_000;

/**
 * Follows the store: any process's write (the CLI, an MCP client, another instance) raises the
 * incident's version; the store's change feed (`watch`: SQLite's own commits and PRAGMA
 * data_version, PostgreSQL's NOTIFY) reports it, and the headline follows. Incidents declared
 * elsewhere get a channel too. `sync` reads every watched incident's version as a safety net.
 */
export class Watcher {
  private readonly seen = new Map<string, number>();
  private readonly startedAt: string;
  /** Incidents being refreshed, and those changed again meanwhile (refreshed once more after). */
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();

  private readonly adoptTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly deps: SlackDeps,
    private readonly headline: HeadlineSync,
    private readonly reminders: Reminders,
    /** Schedule adoption checks on real timers (off when a test drives `sync` on a simulated clock). */
    private readonly timers = true,
  ) {
    this.startedAt = deps.runtime.clock.now().toISOString();
  }

  stop(): void {
    for (const t of this.adoptTimers) clearTimeout(t);
    this.adoptTimers.clear();
  }

  private async watched(): Promise<Incident[]> {
    const { store } = this.deps.runtime;
    const [live, resolved] = await Promise.all([
      store.listIncidents({ status: ['investigating', 'identified', 'monitoring'], limit: WATCHED }),
      store.listIncidents({ status: ['resolved'], limit: RECENTLY_RESOLVED }),
    ]);
    return [...live, ...resolved];
  }

  /** Refreshes every incident whose version moved since the last look; adopts new ones without a channel. */
  async sync(): Promise<void> {
    for (const incident of await this.watched()) {
      if (this.seen.get(incident.id) === incident.version) continue;
      await this.isolated(incident.id, 'sync', () => this.changed(incident));
    }
  }

  /** One incident's trouble (an archived channel, a Slack error) never holds up the others. */
  private async isolated(incidentId: string, pass: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.deps.logger.warn({ err: error, incident: incidentId, pass }, 'Slack pass failed for one incident');
    }
  }

  /** A change the feed reported: refreshed once per burst of writes, one refresh at a time per incident. */
  onChange(change: IncidentChange): void {
    if ((this.seen.get(change.incidentId) ?? -1) >= change.version) return;
    if (this.running.has(change.incidentId)) {
      this.again.add(change.incidentId);
      return;
    }
    const run = async (): Promise<void> => {
      try {
        do {
          this.again.delete(change.incidentId);
          const incident = await this.deps.runtime.store.getIncident(change.incidentId);
          if (incident && (this.seen.get(incident.id) ?? -1) < incident.version) await this.changed(incident);
        } while (this.again.has(change.incidentId));
      } finally {
        this.running.delete(change.incidentId);
      }
    };
    const task = run();
    this.running.set(change.incidentId, task);
    this.deps.tasks.run('change', () => task);
  }

  async changed(incident: Incident): Promise<void> {
    const channel = await this.deps.refs.channelOf(incident.id);
    if (channel) {
      this.seen.set(incident.id, incident.version);
      await this.headline.refresh(incident.id);
      await syncCards(this.deps, incident.id);
      return;
    }
    if (!this.deps.settings.adoptIncidents || incident.status === 'resolved' || incident.createdAt < this.startedAt) {
      this.seen.set(incident.id, incident.version);
      return;
    }
    const wait = Date.parse(incident.createdAt) + ADOPT_AFTER_MS - this.deps.runtime.clock.now().getTime();
    if (wait > 0) {
      // Too new to adopt: a Slack declaration may be making its channel. Looked at again after the wait.
      if (this.timers) {
        const timer = setTimeout(() => {
          this.adoptTimers.delete(timer);
          this.deps.tasks.run('adopt', async () => {
            const now = await this.deps.runtime.store.getIncident(incident.id);
            if (now) await this.changed(now);
          });
        }, wait + 50);
        timer.unref();
        this.adoptTimers.add(timer);
      }
      return;
    }
    this.seen.set(incident.id, incident.version);
    if (await this.deps.refs.channelOf(incident.id)) return;
    const adopted = await ensureChannel(this.deps, incident.id, []);
    await this.deps.web.post(
      adopted.channel,
      renderOwn(
        `${incident.id} was declared outside Slack by ${escapeText(incident.declaredBy)}; this channel is where the response runs now. Talk here: every message is read by the commander.`,
      ),
    );
  }

  /** The clock moved: headlines (times, overdue marks) and reminders of every watched incident. */
  async tick(): Promise<void> {
    for (const incident of await this.watched()) {
      if (!(await this.deps.refs.channelOf(incident.id))) continue;
      await this.isolated(incident.id, 'headline', () => this.headline.refresh(incident.id));
      await this.isolated(incident.id, 'reminders', () => this.reminders.check(incident.id));
    }
  }

  async housekeeping(): Promise<void> {
    const { runtime } = this.deps;
    await runtime.store.forgetClaims(new Date(runtime.clock.now().getTime() - CLAIM_WINDOW_MS).toISOString());
  }
}
