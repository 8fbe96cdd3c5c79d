import { InputError } from '../core/errors.js';
import type { EventKind } from '../store/types.js';
import type { IncidentContext } from './context.js';
import type { TimelineEntry } from './view.js';

/** What a person may put on the timeline directly; the other kinds are written by the services that own them. */
export const LOGGABLE_KINDS = [
  'observation',
  'decision',
  'action',
  'note',
  'escalation',
  'milestone',
  'deploy',
] as const satisfies readonly EventKind[];
export type LoggableKind = (typeof LOGGABLE_KINDS)[number];

export interface EventRequest {
  incidentId: string;
  text: string;
  kind: LoggableKind;
  /** When it happened, if not now; backdated entries sort into place. */
  at?: string | undefined;
  /** Who did or saw it; defaults to the actor. */
  author?: string | undefined;
}

export interface RecordedEvent {
  event: TimelineEntry;
  timelineTotal: number;
}

/** Appends one entry to an incident's timeline. A time more than a minute ahead of the clock is refused. */
export async function recordEvent(ctx: IncidentContext, request: EventRequest): Promise<RecordedEvent> {
  const now = ctx.clock.now();
  const at = request.at ?? now.toISOString();
  if (Date.parse(at) > now.getTime() + 60_000)
    throw InputError.field('at', `${at} is in the future (now is ${now.toISOString()})`);
  const [event] = await ctx.store.appendEvents(request.incidentId, [
    { at, author: request.author ?? ctx.actor, kind: request.kind, text: request.text },
  ]);
  const e = event!;
  return {
    event: { seq: e.seq, at: e.at, author: e.author, kind: e.kind, text: e.text, data: e.data },
    timelineTotal: await ctx.store.countTimeline(request.incidentId),
  };
}
