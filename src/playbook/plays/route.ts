import type { Heard } from '../reading.js';
import type { Play } from '../step.js';
import type { Turn } from '../turn.js';
import { statusSummary, statusUpdate } from './communications.js';
import { actionItemsPlay, postmortem } from './follow-up.js';
import { general } from './general.js';
import { liveIncident } from './live.js';
import { blame, firstError, skipProcess } from './pushback.js';
import { oncall, severityGuide } from './readiness.js';
import { incidentReport } from './report.js';
import { runbooks } from './runbooks.js';
import { slo } from './slo.js';

/** With no live incident: readiness questions, a new report, follow-ups of a named or resolved incident. */
const QUIET: readonly Play[] = [
  oncall,
  runbooks,
  slo,
  severityGuide,
  incidentReport,
  postmortem,
  actionItemsPlay,
  statusUpdate,
  statusSummary,
  blame,
  skipProcess,
  firstError,
  general,
];

/**
 * Which play answers. During a live incident every message goes to the live conversation — except a
 * new, separate problem (a new incident), a post-mortem request, and readiness questions asked in passing.
 */
export function communicationsOrLive(heard: Heard, turn: Turn): Play {
  if (heard.active) {
    if (incidentReport.applies(heard, turn)) return incidentReport;
    if (heard.intents[0] === 'postmortem') return postmortem;
    for (const p of [oncall, runbooks, slo]) if (p.applies(heard, turn) && heard.intents[0] !== 'observation') return p;
    if (liveIncident.applies(heard, turn)) return liveIncident;
  }
  return QUIET.find((p) => p.applies(heard, turn)) ?? general;
}
