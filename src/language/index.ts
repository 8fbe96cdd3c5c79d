/**
 * The language layer: the one place that reads English. Every reader of the commander (message
 * intent, severity signals, the game-day move reader, the blameless check, the action-item parser)
 * goes through it; the eval graders do not, so they cannot share its blind spots.
 */
export {
  read,
  INTENTS,
  KINDS,
  type Reading,
  type Intent,
  type IncidentKind,
  type ReadOptions,
  type Condition,
} from './read.js';
export { blameIn, withoutBlame, withoutQuotes, type BlameFindingText, type BlameReason } from './blame.js';
export { dueDate, startTime, spans, clockTimes, type Due } from './time.js';
export { shares } from './numbers.js';
export { displayName, type KnownPeople } from './people.js';
export type { RoleAssignment, RoleId } from './roles.js';
export type { ServiceHint } from './services.js';
export type { ActionItemDraft, ActionItemReading } from './action-item.js';
export type { PastedAlert } from './alerts.js';
export { actionKind, actionPriority, readActionItem } from './action-item.js';
export { affirmation } from './answers.js';
export { readSloQuestion, type SloQuestion } from './slo.js';
export { readRotationRequest, teamSize } from './rotation.js';
