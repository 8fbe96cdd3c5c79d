import type { ConversationService } from '../conversation/service.js';
import type { Logger } from '../core/logger.js';
import type { Runtime } from '../runtime/runtime.js';
import type { CustomerApprovals } from './approvals.js';
import type { SlackSettings } from './config.js';
import type { People } from './people.js';
import type { SlackRefs } from './refs.js';
import type { SlackWeb } from './web.js';

/** Work started after an acknowledgement, tracked so a test (or shutdown) can wait for it. */
export class Tasks {
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly logger: Logger) {}

  /** Runs `work` in the background; a failure is logged, never thrown at the caller. */
  run(name: string, work: () => Promise<unknown>): void {
    const task: Promise<unknown> = work()
      .catch((error: unknown) => this.logger.error({ err: error, task: name }, 'Slack background task failed'))
      .finally(() => this.running.delete(task));
    this.running.add(task);
  }

  /** Resolves when nothing started so far (or started meanwhile) is still running. */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}

/** Everything the Slack flows share: the core (runtime, conversations) and the Slack side (web, people, refs). */
export interface SlackDeps {
  runtime: Runtime;
  conversations: ConversationService;
  web: SlackWeb;
  people: People;
  refs: SlackRefs;
  approvals: CustomerApprovals;
  settings: SlackSettings;
  /** The app's own bot user, so its mentions are stripped and its messages ignored. */
  bot: { userId: string; botId: string | null };
  logger: Logger;
  tasks: Tasks;
}
