import type { ActionItemDraft } from '../../language/index.js';
import { hear } from '../reading.js';
import type { PlaybookEnv } from '../step.js';
import type { Turn } from '../turn.js';

/**
 * The action item asked about earlier that is still missing its owner or date: what a follow-up
 * such as "owner Tom, due in 2 weeks" completes. Read from the conversation itself, newest first.
 */
export function findPending(turn: Turn, env: PlaybookEnv): ActionItemDraft | null {
  const tracked = new Set((turn.live?.actionItems ?? []).map((a) => a.title.toLowerCase()));
  for (const text of turn.earlier.slice(-4).reverse()) {
    const items = hear(turn, env, text).actionItem?.items ?? [];
    const open = items.find(
      (i) => i.title && !(i.owner && i.due?.kind === 'date') && !tracked.has(i.title.toLowerCase()),
    );
    if (open) return open;
  }
  return null;
}
