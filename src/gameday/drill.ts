import { serviceHints, type ServiceCatalog } from '../config/services.js';
import type { Logger } from '../core/logger.js';
import { addMinutes, ManualClock, minutesBetween } from '../core/time.js';
import { ZERO_USAGE } from '../agent/types.js';
import type { RecordedToolCall, TurnRecord } from '../evals/transcript.js';
import { readTurnState } from '../evals/turn-state.js';
import type { ToolRegistry } from '../registry/registry.js';
import type { ToolResult } from '../registry/types.js';
import type { RunbookCatalog } from '../runbooks/catalog.js';
import { ALERT_NAME } from '../runbooks/search.js';
import { createWorld, type World } from '../runtime/world.js';
import type { SeverityFramework } from '../severity/framework.js';
import type { SoulSettings } from '../soul/schema.js';
import type { IncidentStore } from '../store/types.js';
import type { TemplateLibrary } from '../templates/library.js';
import { committedParts, negatedAt, readMoves, type Move, type Reader } from './interpret.js';
import { narrate } from './narrate.js';
import type { Scenario } from './scenario.js';

export interface DrillDeps {
  registry: ToolRegistry;
  severity: SeverityFramework;
  templates: TemplateLibrary;
  settings: SoulSettings;
  runbooks: RunbookCatalog;
  logger: Logger;
}

export interface Reveal {
  atMinutes: number;
  from: string;
  text: string;
}

export interface DrillReply {
  /** Minutes since the drill started. */
  minute: number;
  /** What happened while the message was being written, in time order: shown before what it did. */
  reveals: Reveal[];
  /** What the message's moves did, one line each. */
  recorded: string[];
  ended: boolean;
}

const FILLER = new Set(['the', 'a', 'an', 'it', 'to', 'of']);
const stem = (w: string): string => (w.length > 4 ? w.replace(/(?:ing|ed|es|e|s)$/, '') : w);

/**
 * Where "pause the reindex" is in "pausing the reindex now": every word of the phrase, by its stem, in
 * any form. The index of the first of them in the text, or -1.
 */
export function phraseAt(phrase: string, text: string): number {
  const words = [...text.toLowerCase().matchAll(/[a-z0-9.]+/g)];
  let first = -1;
  for (const w of phrase.toLowerCase().split(/[^a-z0-9.]+/)) {
    if (!w || FILLER.has(w)) continue;
    const hit = words.find((t) => t[0].startsWith(stem(w)));
    if (!hit) return -1;
    if (first < 0 || hit.index < first) first = hit.index;
  }
  return first;
}

export function phraseIn(phrase: string, text: string): boolean {
  return phraseAt(phrase, text) >= 0;
}

/**
 * One game day: a simulated incident on its own clock and in-memory store. The team's messages are
 * read as moves and carried out with the real tools, so the record (and the score) is what the same
 * actions would leave in a real incident. Moves that need an incident before one is declared are
 * recorded as failed calls: they happened off the record, which is what the graders should see.
 */
export class Drill {
  readonly clock: ManualClock;
  readonly turns: TurnRecord[] = [];
  readonly revealed: Reveal[] = [];
  incidentId: string | null = null;
  /** Minute at which customer impact ended, when a mitigating fix was applied. */
  impactEndedAt: number | null = null;
  ended = false;
  private readonly world: World;
  private readonly store: IncidentStore;
  private readonly services: ServiceCatalog;
  private readonly reader: Omit<Reader, 'speaker'>;
  /** Reveals still to come; a fix's outcome is marked, so it is shown even after the impact ended. */
  private readonly pending: (Reveal & { fix: boolean })[];
  private readonly applied = new Set<number>();

  private constructor(
    readonly scenario: Scenario,
    private readonly deps: DrillDeps,
  ) {
    this.clock = new ManualClock(scenario.start);
    const start = new Date(scenario.start);
    this.world = createWorld({
      clock: this.clock,
      settings: deps.settings,
      severity: deps.severity,
      templates: deps.templates,
      logger: deps.logger,
      runbooks: deps.runbooks,
      services: {
        services: scenario.services,
        deploys: scenario.deploys.map((d) => ({
          service: d.service,
          at: addMinutes(start, -d.minutes_before_start).toISOString(),
          version: d.version,
          author: d.author,
          description: d.description,
          status: 'succeeded',
        })),
      },
    });
    this.store = this.world.store;
    this.services = this.world.services;
    const aliases = new Map<string, string>();
    for (const h of serviceHints(this.services))
      for (const a of [h.name, ...h.aliases]) aliases.set(a.toLowerCase(), h.name);
    this.reader = { team: scenario.team, services: aliases };
    this.pending = scenario.timeline.map((r) => ({
      atMinutes: r.at_minutes,
      from: r.from,
      text: r.reveal,
      fix: false,
    }));
  }

  /** Opens the drill and returns the reveals at minute 0. Close it when done. */
  static open(scenario: Scenario, deps: DrillDeps): { drill: Drill; opening: Reveal[] } {
    const drill = new Drill(scenario, deps);
    return { drill, opening: drill.takeReveals() };
  }

  get minute(): number {
    return Math.round(minutesBetween(this.scenario.start, this.clock.now()) * 10) / 10;
  }

  /**
   * One team message: time passes (`advanceMinutes`, default the scenario's minutes per message),
   * the moves in it are carried out, then whatever happened meanwhile is revealed.
   */
  async say(message: string, options: { speaker?: string; advanceMinutes?: number } = {}): Promise<DrillReply> {
    if (this.ended) throw new Error('the drill has ended');
    this.clock.advanceMinutes(options.advanceMinutes ?? this.scenario.minutes_per_message);
    const reveals = this.takeReveals();
    const prefixed = /^([A-Z][A-Za-z-]{1,30}):\s+([\s\S]+)$/.exec(message.trim());
    const speaker =
      prefixed && this.scenario.team.includes(prefixed[1]!)
        ? prefixed[1]!
        : (options.speaker ?? this.scenario.team[0]!);
    const text = prefixed && speaker === prefixed[1] ? prefixed[2]! : message.trim();
    const at = this.clock.now().toISOString();
    const calls: RecordedToolCall[] = [];
    const recorded: string[] = [];
    const moves = readMoves(text, { ...this.reader, speaker, now: this.clock.now() });
    for (const move of moves) {
      for (const result of await this.carryOut(move, text, speaker)) {
        calls.push(result.call);
        recorded.push(result.line);
      }
    }
    if (!moves.length && this.incidentId) {
      const result = await this.call(
        'log_event',
        { incidentId: this.incidentId, kind: 'note', text: text.slice(0, 4000), author: speaker },
        speaker,
      );
      calls.push(result.call);
      recorded.push(result.line);
    }
    this.applyFixes(text);
    this.turns.push({
      user: `${speaker}: ${text}`,
      at,
      reply: recorded.join('\n'),
      toolCalls: calls,
      usage: ZERO_USAGE,
      costUsd: 0,
      stopReason: 'end_turn',
      model: 'gameday',
      error: null,
      state: await readTurnState(this.store, this.deps.severity, this.incidentId, this.clock.now()),
    });
    return { minute: this.minute, reveals, recorded, ended: this.ended };
  }

  /** Time passes with no message: "/wait 10". */
  wait(minutes: number): DrillReply {
    this.clock.advanceMinutes(minutes);
    return { minute: this.minute, reveals: this.takeReveals(), recorded: [], ended: this.ended };
  }

  /** The state graders read at the end, as of now. */
  async finalState(): Promise<TurnRecord['state']> {
    return readTurnState(this.store, this.deps.severity, this.incidentId, this.clock.now());
  }

  close(): Promise<void> {
    return this.world.close();
  }

  /**
   * The drill is a front door: a simulated team acting on the tool surface, as responders with an MCP
   * client would, through the same validation. That trajectory is what the graders score.
   */
  private async call(
    name: string,
    input: Record<string, unknown>,
    actor: string,
  ): Promise<{ call: RecordedToolCall; line: string; result: ToolResult }> {
    const result = await this.deps.registry.call(name, input, this.world.context(actor));
    return {
      call: { name, input, output: result.ok ? result.output : result.error, isError: !result.ok },
      line: narrate(result, this.clock.now()),
      result,
    };
  }

  /** A move that needs an incident when none is declared: recorded, as the graders must see it, but not carried out. */
  private offRecord(name: string, input: Record<string, unknown>): { call: RecordedToolCall; line: string } {
    const message = 'no incident is declared yet, so this is not on any timeline';
    return {
      call: { name, input, output: { code: 'no_incident', message }, isError: true },
      line: `Not recorded (${name}): ${message}.`,
    };
  }

  private async carryOut(
    move: Move,
    text: string,
    speaker: string,
  ): Promise<{ call: RecordedToolCall; line: string }[]> {
    const id = this.incidentId;
    const service = [...this.services.services.keys()][0];
    switch (move.kind) {
      case 'declare': {
        if (id) {
          const current = await this.store.getIncident(id);
          if (!move.severity || current?.severity === move.severity) return [];
          return [
            await this.call(
              'update_incident',
              { incidentId: id, severity: move.severity, reason: text.slice(0, 500), by: speaker },
              speaker,
            ),
          ];
        }
        const seen = this.revealed.map((r) => r.text).join(' ');
        const opened = await this.call(
          'open_incident',
          {
            title: this.scenario.title,
            description: `${seen} ${text}`.slice(0, 4000),
            services: [...this.services.services.keys()],
            ...(move.severity ? { severity: move.severity } : {}),
            reporter: speaker,
            startedAt: this.scenario.start,
          },
          speaker,
        );
        if (opened.result.ok && opened.result.activeIncident) this.incidentId = opened.result.activeIncident;
        return [opened];
      }
      case 'roles':
        return [
          id
            ? await this.call('assign_roles', { incidentId: id, ...move.assignments }, speaker)
            : this.offRecord('assign_roles', { ...move.assignments }),
        ];
      case 'deploys':
        return service
          ? [
              await this.call(
                'fetch_deploys',
                { service: move.service ?? service, ...(id ? { incidentId: id } : { since: '24h' }) },
                speaker,
              ),
            ]
          : [];
      case 'runbook': {
        const alert = ALERT_NAME.exec(`${text} ${this.revealed.map((r) => r.text).join(' ')}`)?.[0];
        return [
          await this.call(
            'find_runbook',
            { ...(alert ? { alert } : {}), ...(service ? { service } : {}), query: text.slice(0, 500) },
            speaker,
          ),
        ];
      }
      case 'hypothesis':
        return [
          id
            ? await this.call(
                'start_hypothesis',
                { incidentId: id, statement: move.statement, owner: speaker },
                speaker,
              )
            : this.offRecord('start_hypothesis', { statement: move.statement }),
        ];
      case 'hypothesis_result': {
        const open = id ? (await this.store.listHypotheses(id)).filter((h) => h.status === 'open').at(-1) : undefined;
        if (!open)
          return id
            ? [
                await this.call(
                  'log_event',
                  { incidentId: id, kind: 'observation', text: move.evidence, author: speaker },
                  speaker,
                ),
              ]
            : [];
        return [
          await this.call(
            'resolve_hypothesis',
            { id: open.id, outcome: move.outcome, evidence: move.evidence, by: speaker },
            speaker,
          ),
        ];
      }
      case 'action':
      case 'decision':
        return [
          id
            ? await this.call(
                'log_event',
                { incidentId: id, kind: move.kind, text: move.text, author: speaker },
                speaker,
              )
            : this.offRecord('log_event', { kind: move.kind, text: move.text }),
        ];
      case 'update':
        if (!id) return [this.offRecord('draft_stakeholder_update', { audiences: move.audiences })];
        return Promise.all(
          move.audiences.map((audience) =>
            this.call(
              'draft_stakeholder_update',
              {
                incidentId: id,
                audience,
                ...(move.whatChanged ? { whatChanged: move.whatChanged } : {}),
                author: speaker,
              },
              speaker,
            ),
          ),
        );
      case 'action_items': {
        if (!id) return [this.offRecord('create_action_item', { title: move.items[0]?.title })];
        const out = [];
        for (const item of move.items) {
          out.push(
            await this.call(
              'create_action_item',
              {
                incidentId: id,
                title: item.title,
                kind: item.kind,
                priority: item.priority,
                ...(item.owner ? { owner: item.owner } : {}),
                ...(item.due ? { due: item.due } : {}),
                createdBy: speaker,
              },
              speaker,
            ),
          );
        }
        return out;
      }
      case 'mitigated':
        return id
          ? [await this.call('update_incident', { incidentId: id, status: 'monitoring', by: speaker }, speaker)]
          : [];
      case 'resolve':
        return id
          ? [
              await this.call(
                'resolve_incident',
                { incidentId: id, resolution: text.slice(0, 2000), by: speaker },
                speaker,
              ),
            ]
          : [this.offRecord('resolve_incident', {})];
    }
  }

  /**
   * A fix the message commits to plays out after its delay; one that ends the impact stops the scenario
   * getting worse. Asking ("should we roll back?") or ruling it out ("don't roll back yet") applies nothing.
   */
  private applyFixes(text: string): void {
    const parts = committedParts(text);
    const named = (phrase: string): boolean =>
      parts.some((part) => {
        const at = phraseAt(phrase, part);
        return at >= 0 && !negatedAt(part, at);
      });
    this.scenario.fixes.forEach((fix, i) => {
      if (this.applied.has(i) || !fix.when.some(named)) return;
      this.applied.add(i);
      const at = this.minute + fix.after_minutes;
      this.pending.push({ atMinutes: at, from: 'monitoring', text: fix.reveal, fix: true });
      if (fix.mitigates && (this.impactEndedAt === null || at < this.impactEndedAt)) this.impactEndedAt = at;
      this.pending.sort((a, b) => a.atMinutes - b.atMinutes);
    });
  }

  private takeReveals(): Reveal[] {
    const now = this.minute;
    const due: Reveal[] = [];
    while (this.pending.length && this.pending[0]!.atMinutes <= now) {
      const { fix, ...next } = this.pending.shift()!;
      // Once the impact has ended, the scenario's escalations no longer happen.
      if (this.impactEndedAt !== null && next.atMinutes > this.impactEndedAt && !fix) continue;
      due.push(next);
    }
    this.revealed.push(...due);
    if (now >= this.scenario.max_minutes) this.ended = true;
    return due;
  }
}
