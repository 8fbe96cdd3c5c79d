/**
 * The game-day move reader lives in the language layer, like every reader of English; the drill
 * takes its moves from there.
 */
export {
  committedParts,
  type DrillActionItem,
  type Move,
  type MoveReader as Reader,
  negatedAt,
  type RoleField,
  readMoves,
} from '../language/moves.js';
