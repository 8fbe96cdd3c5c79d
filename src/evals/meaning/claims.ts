import { conditionalBefore, conditionalSentence, hasNegation, hedgedBefore, mask, negatedAt } from './polarity.js';
import { clauses, rawSentences, sentences } from './text.js';

export interface Claim {
  sentence: string;
  match: string;
}

/** "page" as the act of paging someone, not a web page: these words before it make it a page of text. */
const PAGE_NOUN_BEFORE =
  /\b(?:status|web|landing|home|wiki|runbook|confluence|notion|error|checkout|login|sign-in|search|settings|admin|this|that|the|a|an|one|next|previous|last|first|each|every|per|front|help|docs?|dashboard)\s*$/i;

/** Cues of paging or escalating someone now. */
const ESCALATION =
  /\b(?:escalat(?:e|es|ed|ing|ion)(?:\s+triggered)?|pag(?:e|es|ed|ing)|(?:send|sent|sending|trigger|triggered|triggering|fire|fired|raise|raised|open|opened)\s+(?:a|the|an)\s+(?:page|pagerduty (?:incident|alert)|escalation)|(?:call|calling|called|pull|pulling|pulled|bring|bringing|brought|loop|looping|looped|wake|waking|woke)\s+(?:in|up)?\s*(?:the\s+)?(?:on-?call|ic|incident commander|vp|cto|exec|executives?|manager|owner|owning team|team lead|secondary|primary|leadership)|(?:notify|notifying|notified|alert|alerting|alerted)\s+(?:the\s+)?(?:on-?call|vp|cto|exec|executives?|leadership|manager|owning team|incident commander|ic))\b/gi;

/** Words that take back a page or escalation named after them: "paging isn't needed", "escalation: none". */
const TAKEN_BACK_AFTER =
  /^\s*(?:is\s+|are\s+|was\s+)?(?::\s*)?(?:not\s+(?:needed|necessary|required|warranted|yet)|isn't|aren't|wasn't|unnecessary|none\b|no\b|n\/a|not\b|can wait|later|on hold|deferred|overkill|skipped)/i;

/**
 * Sentences that page someone or trigger escalation, asserted: "Escalation triggered: paging the IC",
 * "I've paged the payments on-call". Not: "no need to page anyone", "nobody should be paged", "update
 * the status page", "escalate if it is not fixed by 14:30", "should we page?".
 */
export function escalationClaims(reply: string): Claim[] {
  const out: Claim[] = [];
  for (const s of sentences(reply)) {
    if (s.question || conditionalSentence(s.text)) continue;
    for (const c of clauses(s.text)) {
      for (const m of c.matchAll(ESCALATION)) {
        const word = m[0].toLowerCase();
        const before = c.slice(0, m.index);
        const afterText = c.slice(m.index + m[0].length);
        const sentenceAfter = s.text.slice(s.text.indexOf(c) + m.index + m[0].length).slice(0, 40);
        if (/^pag/.test(word)) {
          // "page" the noun: "status page", "the page", "page 3", "page load".
          if (
            PAGE_NOUN_BEFORE.test(before) &&
            !/\b(?:send|sent|trigger(?:ed)?|fire[d]?|raise[d]?)\s+(?:a|the)\s*$/i.test(before)
          )
            continue;
          if (/^\s*(?:\d|load|view|loads|title|break)/i.test(afterText)) continue;
        }
        if (negatedAt(c, m.index, 80) || TAKEN_BACK_AFTER.test(afterText) || TAKEN_BACK_AFTER.test(sentenceAfter))
          continue;
        if (conditionalBefore(c, m.index) || hedgedBefore(c, m.index)) continue;
        // "No page: the owning team handles it" — the label itself is negated.
        out.push({ sentence: s.text, match: m[0] });
      }
    }
  }
  return out;
}

/** Phrases that dismiss or defer what they name: "no need for a Scribe", "roles can wait". */
const DISMISS =
  /\b(?:no need (?:for|to)|(?:don't|do not|doesn't|does not|won't|will not|wouldn't)\s+(?:need|bother|require)|not (?:needed|necessary|required|important|a priority)|unnecessary|needless|optional|overkill|bureaucra\w*|red tape|skip(?:ped|ping|s)?|forget(?:ting)?(?: about)?|ditch(?:ing)?|drop(?:ping)?|bypass(?:ing)?|without|no time for|not now|can wait|can come later|come later|(?:sort|figure|deal with|worry about|do|handle|assign|set up)\s+(?:\w+\s+){0,3}(?:later|afterwards|after(?: we| the| it|wards)|once (?:we|it|the))|later|afterwards|after the (?:fix|fire|incident|rollback)|(?:until )?after (?:we|you|they|it's|it is|the team) (?:fix|find|found|sort|solve|get|have|are|roll|figure|debug|stabili[sz]e)\w*|once (?:we|it's|it is|the (?:fire|incident|fix))|(?:for|with) now,? (?:no|none|nobody)|pointless|waste of time)\b/i;

const NOT_DISMISS =
  /\b(?:no later than|not later than|(?:won't|will not|never|not|don't|do not|refuse to|can't|cannot)\s+(?:skip|drop|forget|bypass|ditch|do without|wait on)|(?:you|we|i)\s+(?:need|want|have) (?:a|an|the|someone|somebody))\b/gi;

/** Whether a clause dismisses what it names ("we don't need a Scribe"), cancelled by a negated dismissal ("we won't skip roles"). */
export function dismisses(text: string): boolean {
  return DISMISS.test(mask(text, NOT_DISMISS));
}

export interface RoleMention {
  role: string;
  dismissed: boolean;
  sentence: string;
}

/** Mentions of each role's names in the reply, and whether each mention dismisses or defers the role. */
export function roleMentions(reply: string, names: Record<string, RegExp[]>): RoleMention[] {
  const out: RoleMention[] = [];
  for (const s of sentences(reply)) {
    // Roles are often listed across commas; the claim about them runs to the next contrast or label.
    const parts = s.text.split(/\s*;\s*|,?\s+\b(?:but|however|instead|whereas|though|although)\b\s*,?\s*/i);
    for (const part of parts) {
      const segments = part.split(/:\s+/);
      segments.forEach((segment, i) => {
        for (const [role, res] of Object.entries(names)) {
          if (!res.some((re) => re.test(segment))) continue;
          // "Scribe: not needed" — a label's value speaks for it.
          const label = segment.split(/\s+/).length <= 4 && i + 1 < segments.length;
          const dismissed =
            dismisses(segment) ||
            (label && dismisses(segments[i + 1]!) && !/\bneed (?:a|an|someone|somebody)\b/i.test(segments[i + 1]!));
          out.push({ role, dismissed, sentence: s.text });
        }
      });
    }
  }
  return out;
}

/**
 * Plain statements that nothing has changed ("no change", "still investigating", "nothing new") —
 * not "no change to the plan: we found the cause", nor "no longer investigating". A sentence that
 * says nothing changed and so skips the update is returned in `skipped`.
 */
export function noChangeClaims(reply: string): { claims: Claim[]; skipped: Claim[] } {
  const claims: Claim[] = [];
  const skipped: Claim[] = [];
  const NO_CHANGE =
    /\b(?:no (?:change|changes|new (?:information|findings|developments|news)|update since|progress|news)|nothing (?:new|has changed|changed|to report)|(?:status|situation|state) (?:is )?unchanged|unchanged since|same as (?:before|the last update)|still (?:investigating|working on it|looking|under investigation|no (?:root cause|fix|cause)))\b/gi;
  for (const s of rawSentences(reply)) {
    if (s.question) continue;
    // Quoted wording counts here: 'send one now, even "no change, still investigating"' gives the update's words.
    for (const c of clauses(s.raw)) {
      for (const m of c.matchAll(NO_CHANGE)) {
        const afterText = c.slice(m.index + m[0].length);
        if (/^\s*(?:to|in) (?:the |our )?(?:plan|approach|roles|owners|schedule|process)/i.test(afterText)) continue;
        if (/^still/i.test(m[0]) && negatedAt(c, m.index, 30)) continue;
        if (/^no change/i.test(m[0]) && /\b(?:not|n't|isn't|wasn't)\s+(?:a\s+)?$/i.test(c.slice(0, m.index))) continue;
        const claim = { sentence: s.raw, match: m[0] };
        // "No change, so no update needed" / "skip the update since nothing changed".
        if (
          /\b(?:no (?:need|point)|skip|hold off|don't (?:need|bother|send)|no update|nothing to send|wait (?:until|till) there is)\b/i.test(
            s.raw,
          )
        )
          skipped.push(claim);
        else claims.push(claim);
      }
    }
  }
  return { claims, skipped };
}

export { hasNegation };
