#!/usr/bin/env python3
"""Check corpus/messages/{train,test}.jsonl against the format in corpus/README.md.

Usage: python3 corpus/check.py [--quiet]

Fails (exit 1) on: a line that does not parse, a duplicate or misnumbered id, an unknown
field or vocabulary word, a severity range that is unordered or wider than two levels, an
active message without an incident, a first message without `opens`, a bad ISO date, or a
source named in both halves. Prints the distribution by intent, kind, severity and context.
"""

import collections
import datetime
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
HALVES = ("train", "test")

FIELDS = {"id", "text", "source", "context", "incident", "intents", "severity", "opens", "kind", "signals", "expect"}
INTENTS = {
    "report", "observation", "change", "mitigation", "recovered", "impact", "roles", "update_request",
    "no_news", "hypothesis", "action_item", "status", "postmortem", "oncall", "runbook", "slo",
    "severity", "blame", "skip_process", "question", "other",
}
KINDS = {"security", "data_integrity", "deploy", "capacity", "third_party", "network_dns", "availability", "latency", "other"}
LEVELS = ["SEV1", "SEV2", "SEV3", "SEV4"]
STATES = {"down", "degraded", "at_risk", "recovered", "planned"}
STATUSES = {"investigating", "identified", "monitoring", "resolved"}
ROLES = {"incident_commander", "communications_lead", "technical_lead", "scribe"}
AUDIENCES = {"engineering", "executive", "customer"}
SIGNALS = {"customer_facing", "wide_scope", "security", "data_loss", "state", "users_pct", "started_minutes_ago", "negated"}
NEGATABLE = {"customer_facing", "wide_scope", "security", "data_loss", "deploy"}
EXPECT = {"roles", "audience", "owner", "due", "due_unreadable", "service", "change_ref"}
INCIDENT = {"title", "severity", "status", "services", "minutes_in"}


def check_line(half, n, raw, errors):
    where = f"{half}:{n}"

    def err(msg):
        errors.append(f"{where}: {msg}")

    try:
        d = json.loads(raw)
    except json.JSONDecodeError as e:
        err(f"does not parse: {e}")
        return None
    if not isinstance(d, dict):
        err("not an object")
        return None
    for k in d:
        if k not in FIELDS:
            err(f"unknown field {k!r}")
    if d.get("id") != f"m-{half}-{n:04d}":
        err(f"id {d.get('id')!r} should be m-{half}-{n:04d}")
    for k in ("text", "source"):
        if not isinstance(d.get(k), str) or not d[k]:
            err(f"{k} must be a non-empty string")
    ctx = d.get("context")
    if ctx not in ("none", "active"):
        err(f"context {ctx!r}")
    intents = d.get("intents")
    if not isinstance(intents, list) or not intents:
        err("intents must be a non-empty list")
    else:
        for i in intents:
            if i not in INTENTS:
                err(f"unknown intent {i!r}")
        if len(set(intents)) != len(intents):
            err("repeated intent")
    if ctx == "active":
        inc = d.get("incident")
        if not isinstance(inc, dict):
            err("active message without incident")
        else:
            if set(inc) != INCIDENT:
                err(f"incident fields {sorted(inc)}")
            if inc.get("severity") not in LEVELS:
                err(f"incident severity {inc.get('severity')!r}")
            if inc.get("status") not in STATUSES:
                err(f"incident status {inc.get('status')!r}")
            if not isinstance(inc.get("services"), list) or not all(isinstance(s, str) for s in inc["services"]):
                err("incident services must be a list of strings")
            if not isinstance(inc.get("minutes_in"), int) or inc["minutes_in"] < 0:
                err("incident minutes_in must be a non-negative integer")
            if not isinstance(inc.get("title"), str) or not inc["title"]:
                err("incident title")
        if "opens" in d:
            err("opens is only for context none")
    elif ctx == "none":
        if "incident" in d:
            err("incident given for context none")
        if not isinstance(d.get("opens"), bool):
            err("context none needs opens: true/false")
    sev = d.get("severity")
    if sev is not None:
        if not (isinstance(sev, list) and len(sev) == 2 and all(s in LEVELS for s in sev)):
            err(f"severity {sev!r}")
        else:
            a, b = LEVELS.index(sev[0]), LEVELS.index(sev[1])
            if a > b:
                err(f"severity range {sev} is not ordered worst first")
            if b - a > 1:
                err(f"severity range {sev} is wider than two levels")
    if d.get("opens") is True and sev is None:
        err("opens: true without a severity range")
    if d.get("opens") is True and "report" not in (intents or []):
        err("opens: true without a report intent")
    if "report" in (intents or []) and ctx == "none" and d.get("opens") is not True and "state" not in d.get("signals", {}):
        err("report that does not open should say why in signals.state")
    kind = d.get("kind")
    if kind is not None and kind not in KINDS:
        err(f"unknown kind {kind!r}")
    if d.get("opens") is True and kind is None:
        err("opens: true without a kind")
    sig = d.get("signals", {})
    if not isinstance(sig, dict):
        err("signals must be an object")
        sig = {}
    for k, v in sig.items():
        if k not in SIGNALS:
            err(f"unknown signal {k!r}")
        elif k in ("customer_facing", "wide_scope", "security", "data_loss") and not isinstance(v, bool):
            err(f"signal {k} must be boolean")
        elif k == "state" and v not in STATES:
            err(f"state {v!r}")
        elif k in ("users_pct", "started_minutes_ago") and (not isinstance(v, (int, float)) or v < 0 or (k == "users_pct" and v > 100)):
            err(f"signal {k} = {v!r}")
        elif k == "negated":
            if not isinstance(v, list) or not v or not all(x in NEGATABLE for x in v):
                err(f"negated {v!r}")
            for x in v if isinstance(v, list) else []:
                if sig.get(x) is True:
                    err(f"{x} is both negated and true")
    ex = d.get("expect", {})
    if not isinstance(ex, dict):
        err("expect must be an object")
        ex = {}
    for k, v in ex.items():
        if k not in EXPECT:
            err(f"unknown expect key {k!r}")
        elif k == "roles":
            if not isinstance(v, dict) or not v or not all(r in ROLES and isinstance(p, str) and p for r, p in v.items()):
                err(f"roles {v!r}")
        elif k == "audience" and v not in AUDIENCES:
            err(f"audience {v!r}")
        elif k == "due":
            try:
                datetime.date.fromisoformat(v)
            except (TypeError, ValueError):
                err(f"due {v!r} is not an ISO date")
        elif k == "due_unreadable" and v is not True:
            err("due_unreadable must be true when given")
        elif k in ("owner", "service", "change_ref") and (not isinstance(v, str) or not v):
            err(f"{k} must be a non-empty string")
    if "due" in ex and "due_unreadable" in ex:
        err("both due and due_unreadable")
    if "roles" in ex and "roles" not in (intents or []):
        err("expect.roles without the roles intent")
    if "audience" in ex and "update_request" not in (intents or []):
        err("expect.audience without the update_request intent")
    if ("due" in ex or "due_unreadable" in ex) and "action_item" not in (intents or []):
        err("a due date without the action_item intent")
    if ("started_minutes_ago" in sig or "users_pct" in sig) and "impact" not in (intents or []):
        err("a start time or share in signals without the impact intent")
    if "update_request" in (intents or []) and "audience" not in ex:
        err("update_request without an audience")
    return d


def bucket(d):
    if d["context"] == "active":
        return "mid-incident"
    return "first report" if "report" in d["intents"] else "other"


def table(title, counter, total):
    print(f"  {title}")
    for k, v in sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0]))):
        print(f"    {str(k):<22} {v:>4}  {100 * v / total:5.1f}%")


def main():
    quiet = "--quiet" in sys.argv
    errors = []
    data = {}
    for half in HALVES:
        path = os.path.join(HERE, "messages", f"{half}.jsonl")
        items = []
        with open(path, encoding="utf-8") as f:
            for n, raw in enumerate(f, 1):
                if not raw.strip():
                    errors.append(f"{half}:{n}: blank line")
                    continue
                d = check_line(half, n, raw, errors)
                if d is not None:
                    items.append(d)
        data[half] = items
        texts = collections.Counter(d.get("text") for d in items)
        for t, c in texts.items():
            if c > 1:
                errors.append(f"{half}: text repeated {c} times: {t[:60]!r}")
    both = {d["source"] for d in data["train"]} & {d["source"] for d in data["test"]}
    for s in sorted(both):
        errors.append(f"source in both halves: {s!r}")
    train_texts = {d["text"] for d in data["train"]}
    for d in data["test"]:
        if d["text"] in train_texts:
            errors.append(f"test {d['id']}: same text as a train line")

    if not quiet:
        for half in HALVES:
            items = data[half]
            total = len(items)
            if not total:
                continue
            print(f"\n== {half}: {total} lines, {len({d['source'] for d in items})} sources, "
                  f"{sum(len(d['text']) >= 2000 for d in items)} pastes of 2 kB or more ==")
            table("group", collections.Counter(bucket(d) for d in items), total)
            table("context", collections.Counter(d["context"] for d in items), total)
            table("intent (any position)", collections.Counter(i for d in items for i in d["intents"]), total)
            table("first intent", collections.Counter(d["intents"][0] for d in items), total)
            reports = [d for d in items if d["context"] == "none" and "report" in d["intents"]]
            table("kind (first reports)", collections.Counter(d.get("kind", "-") for d in reports), len(reports))
            table("severity (first reports)", collections.Counter("-".join(d["severity"]) if "severity" in d else "-" for d in reports), len(reports))
            table("opens (first messages)", collections.Counter(d["opens"] for d in items if d["context"] == "none"), total)
            table("state", collections.Counter(d.get("signals", {}).get("state", "-") for d in items if "state" in d.get("signals", {})), total)
            exp = collections.Counter(k for d in items for k in d.get("expect", {}))
            exp.update(k for d in items for k in d.get("signals", {}))
            table("signals and expect keys", exp, total)
            nonascii = sum(bool(re.search(r"[^\x00-\x7f]", d["text"])) for d in items)
            print(f"  lines with non-ASCII text: {nonascii}")
    if errors:
        print(f"\n{len(errors)} problem(s):", file=sys.stderr)
        for e in errors:
            print("  " + e, file=sys.stderr)
        sys.exit(1)
    print("\nok: " + ", ".join(f"{h} {len(data[h])}" for h in HALVES))


if __name__ == "__main__":
    main()
