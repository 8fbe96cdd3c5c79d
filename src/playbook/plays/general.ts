import { bullets } from '../compose.js';
import { reply, type Play, type Step } from '../step.js';
import { statusSummary } from './communications.js';

/** Anything else: with an active incident, its state; without one, how to start. */
export const general: Play = {
  id: 'general',
  applies: () => true,
  next(turn, reading, env): Step {
    if (turn.activeIncidentId) return statusSummary.next(turn, reading, env);
    return reply(
      [
        'I run incident response: severity first, roles before troubleshooting, updates on a fixed cadence, everything on the timeline, and a blameless post-mortem within ' +
          `${env.settings.postmortem_deadline_hours} hours.`,
        'Tell me what is happening — what is broken, who is affected, since when — and I will start the response. I can also:',
        bullets([
          'draft a status update for engineering, executives or customers',
          'track an action item (with an owner and a due date)',
          "draft a blameless post-mortem from an incident's timeline",
          'design an on-call rotation for your team size',
        ]),
        'What is going on?',
      ].join('\n\n'),
    );
  },
};
