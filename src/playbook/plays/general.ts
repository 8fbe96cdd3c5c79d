import { bullets } from '../compose.js';
import { type Play, reply, type Step } from '../step.js';

/**
 * Anything no other play answers, with no incident open: how to start. A message nobody could
 * place still gets an answer and a question — never silence.
 */
export const general: Play = {
  id: 'general',
  applies: () => true,
  next(turn, heard, env): Step {
    const ack =
      heard.intents.includes('other') && turn.text.trim().length > 0 && turn.text.trim().length < 40 && !heard.question;
    return reply(
      [
        ack
          ? 'Noted.'
          : `I run incident response: severity first, roles before troubleshooting, updates on a fixed cadence, everything on the timeline, and a blameless post-mortem within ${env.settings.postmortem_deadline_hours} hours.`,
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
