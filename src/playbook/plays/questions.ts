/** The commander's own questions, one wording each: a reply can tell whether it asked one last time. */
export const QUESTIONS = {
  customers: 'Do customers see this, or only internal users?',
  howMany: 'How many users or requests are affected — all, most, or a few percent?',
  whatChanged: 'What changed just before it started — a deploy, a config or flag change, traffic?',
  rollback: 'Can you roll that change back now?',
  actionItem: 'Who owns it, and by when?',
  facilitator: 'Who will facilitate the post-mortem?',
  leadingHypothesis: (box: number): string => `What is the leading hypothesis? I will time-box it to ${box} minutes.`,
  stillClean: (box: number): string =>
    `Is the error rate back to baseline? After ${box} clean minutes, tell me and I will resolve it.`,
} as const;
