import { STATE_GRADERS } from './state.js';
import { TEXT_GRADERS } from './text.js';
import { TRAJECTORY_GRADERS } from './trajectory.js';
import type { AnyGrader } from './types.js';

/** Every deterministic grader by name. The LLM judge is separate: it grades a whole case, not one turn. */
export const GRADERS: ReadonlyMap<string, AnyGrader> = new Map(
  [...TEXT_GRADERS, ...TRAJECTORY_GRADERS, ...STATE_GRADERS].map((g) => [g.name, g]),
);
