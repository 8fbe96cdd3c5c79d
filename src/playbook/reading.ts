import { displayName, read, type Reading } from '../language/index.js';
import { type Extraction, signalsFrom } from '../severity/extract.js';
import type { PlaybookEnv } from './step.js';
import type { Turn } from './turn.js';

/** A message as the playbook hears it: the language layer's reading, and the severity signals it implies. */
export interface Heard extends Reading {
  extraction: Extraction;
  /** An incident is open in this conversation (not resolved). */
  active: boolean;
}

/** Who the sender is, for "I'll take IC" and "I'm on comms": their name as the conversation knows it. */
export function senderName(turn: Turn): string {
  return displayName(turn.actor);
}

/** Reads this turn's message with the live state: who is talking, who holds roles, which services exist. */
export function hear(turn: Turn, env: PlaybookEnv, text: string = turn.text): Heard {
  const live = turn.live && turn.live.incident.status !== 'resolved' ? turn.live : null;
  const names = live ? live.roles.flatMap((r) => (r.person ? [r.person] : [])) : [];
  const reading = read(text, {
    now: turn.now,
    services: env.services,
    people: { sender: senderName(turn), names },
    active: live !== null,
  });
  return { ...reading, extraction: signalsFrom(reading, env.services), active: live !== null };
}
