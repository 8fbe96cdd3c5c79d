#!/usr/bin/env python3
"""Checks the conversation half of the reading corpus and the eval cases turned from it.

  python3 corpus/check-conversations.py            # check, then print the distribution per half
  python3 corpus/check-conversations.py --strict   # warnings count as errors
  python3 corpus/check-conversations.py --node     # also parse every eval case with the suite's own
                                                   # parser (needs `npm run build`: dist/src/evals/case.js)

What it checks, against the files that define the vocabulary (never a copy of it):
  - every file parses as YAML; ids are unique and match the file name and the half;
  - conversations: source, 4-14 turns, `from` and `advance_minutes` shapes, every expect key in the
    corpus README's table, role ids from SOUL.md settings.roles, severities, statuses, audiences,
    ISO due dates not before the turn's day, deploys_checked only where services are configured,
    the `# kind:` header from the README's kind vocabulary, and no source incident in both halves;
  - eval cases: the case schema of src/evals/case.ts (keys, rule ids, fixture services, 1-20 turns),
    every grader name defined in src/evals/graders/, one grader per list item, a judge rubric, and the
    conversation each case was turned from (`# from: conv-train-NNN`) exists in train/.
Exit status 1 on any error.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CONV_DIR = os.path.join(HERE, "conversations")
CASE_DIR = os.path.join(HERE, "eval-cases")
REFERENCE = dt.datetime(2026, 11, 12, 10, 0, tzinfo=dt.timezone.utc)
SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4"]
STATUSES = ["investigating", "identified", "monitoring", "resolved"]
AUDIENCES = ["engineering", "executive", "customer"]

errors: list[str] = []
warnings: list[str] = []


def error(where: str, what: str) -> None:
    errors.append(f"{os.path.relpath(where, ROOT)}: {what}")


def warn(where: str, what: str) -> None:
    warnings.append(f"{os.path.relpath(where, ROOT)}: {what}")


def read(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


# ---------------------------------------------------------------- YAML


def yaml_loader():
    """PyYAML when installed; otherwise the project's own js-yaml through node (argument arrays, no shell)."""
    try:
        import yaml  # type: ignore

        def load(text: str, path: str):
            return yaml.safe_load(text)

        return load
    except ImportError:
        js_yaml = os.path.join(ROOT, "node_modules", "js-yaml")
        if not os.path.isdir(js_yaml):
            sys.exit("needs PyYAML (pip install pyyaml) or `npm ci` (for js-yaml)")

        def load(text: str, path: str):
            script = (
                "const y=require(process.argv[1]);let s='';process.stdin.on('data',d=>s+=d)"
                ".on('end',()=>process.stdout.write(JSON.stringify(y.safeLoad(s))))"
            )
            out = subprocess.run(
                ["node", "-e", script, js_yaml], input=text, capture_output=True, text=True, check=False
            )
            if out.returncode != 0:
                raise ValueError(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "js-yaml failed")
            return json.loads(out.stdout) if out.stdout else None

        return load


load_yaml = yaml_loader()

# ---------------------------------------------------------------- vocabularies, read from their sources


def readme_expect_keys() -> set[str]:
    text = read(os.path.join(HERE, "README.md"))
    start = text.find("Every `expect` key is checked")
    if start < 0:
        sys.exit("corpus/README.md: cannot find the expect table")
    keys = set()
    for line in text[start:].splitlines():
        m = re.match(r"^\|\s*`([a-z_]+)\b", line)
        if m:
            keys.add(m.group(1))
    return keys


def readme_kinds() -> set[str]:
    text = read(os.path.join(HERE, "README.md"))
    m = re.search(r"### kind\s*\n\s*\n(.+?)\n\s*\n", text, re.S)
    if not m:
        sys.exit("corpus/README.md: cannot find the kind vocabulary")
    return set(re.findall(r"`([a-z_]+)`", m.group(1)))


def soul_role_ids() -> set[str]:
    text = read(os.path.join(ROOT, "SOUL.md"))
    front = text.split("---", 2)[1]
    data = load_yaml(front, "SOUL.md")
    return {r["id"] for r in data["settings"]["roles"]}


def case_rules_and_services() -> tuple[set[str], set[str]]:
    text = read(os.path.join(ROOT, "src", "evals", "case.ts"))
    rules = re.search(r"export const RULES = \[(.*?)\] as const", text, re.S)
    services = re.search(r"export const FIXTURE_SERVICES = \[(.*?)\] as const", text, re.S)
    if not rules or not services:
        sys.exit("src/evals/case.ts: cannot find RULES or FIXTURE_SERVICES")
    return set(re.findall(r"'([a-z0-9-]+)'", rules.group(1))), set(re.findall(r"'([a-z0-9-]+)'", services.group(1)))


def grader_names() -> set[str]:
    names = set()
    gdir = os.path.join(ROOT, "src", "evals", "graders")
    for f in sorted(os.listdir(gdir)):
        if f.endswith(".ts") and not f.endswith(".test.ts"):
            names.update(re.findall(r"defineGrader\(\{\s*name:\s*'([a-z_]+)'", read(os.path.join(gdir, f))))
    if not names:
        sys.exit("src/evals/graders: no grader names found")
    return names


EXPECT_KEYS = readme_expect_keys()
KINDS = readme_kinds()
ROLE_IDS = soul_role_ids()
RULES, FIXTURE_SERVICES = case_rules_and_services()
GRADERS = grader_names()

# Phrasings the brief and issue 12 use as examples: each may appear at most once in the corpus.
EXAMPLE_PHRASES = [
    "still on the cache idea",
    "25 min in",
    "lines up with the 09:32 release",
    "cart v4.1",
    "we reverted, graph is recovering",
    "we reverted and the graph is recovering",
    "all green for 20 minutes now",
    "let's wrap up",
    "no errors for an hour",
    "we're done here",
    "tom to add queue-depth alerting",
    "owner tom, due in 2 weeks",
    "started around 14:05",
    "roughly a fifth of eu users",
    "yes customers can see it",
    "ana's running comms",
    "raj has tech lead",
    "i'll take ic",
    "lee can take notes",
    "the vp is asking what's going on",
    "what do i tell support",
    "status page text?",
    "the cart page hangs for every shopper",
    "password reset emails are arriving 40 min late",
    "an s3 bucket with customer invoices was public",
    "our whole domain stopped resolving",
    "every region is returning 503s from the edge",
    "maria is incident commander",
]

# ---------------------------------------------------------------- conversations


def parse_kind(text: str) -> str | None:
    m = re.search(r"^#\s*kind:\s*([a-z_]+)\s*$", text, re.M)
    return m.group(1) if m else None


def sev_index(s: object) -> int:
    return SEVERITIES.index(s) if s in SEVERITIES else -1


def check_expect(path: str, label: str, exp: object, services: list, turn_time: dt.datetime, sender: str | None):
    if not isinstance(exp, dict):
        error(path, f"{label}.expect must be a mapping")
        return
    for key, value in exp.items():
        where = f"{label}.expect.{key}"
        if key not in EXPECT_KEYS:
            error(path, f"{where}: not a key of the README's expect table ({', '.join(sorted(EXPECT_KEYS))})")
            continue
        if key in ("opened",):
            if not isinstance(value, bool):
                error(path, f"{where}: must be true or false")
        elif key in (
            "logged",
            "deploys_checked",
            "no_change_update",
            "hypothesis_open",
            "hypothesis_closed",
            "no_action_item_created",
            "asks_question",
            "postmortem_due",
            "severity_changed",
        ):
            if value is not True:
                error(path, f"{where}: must be true (leave the key out otherwise)")
            if key == "deploys_checked" and not services:
                error(path, f"{where}: only conversations with configured services can check deploys")
        elif key == "severity":
            if not (isinstance(value, list) and len(value) == 2 and all(v in SEVERITIES for v in value)):
                error(path, f"{where}: must be [min, max] of {SEVERITIES}")
            elif sev_index(value[0]) > sev_index(value[1]):
                error(path, f"{where}: write the worse level first, e.g. [SEV1, SEV2]")
        elif key == "status":
            if value not in STATUSES:
                error(path, f"{where}: one of {STATUSES}")
        elif key == "update_drafted":
            if value not in AUDIENCES:
                error(path, f"{where}: one of {AUDIENCES}")
        elif key == "roles":
            if not isinstance(value, dict) or not value:
                error(path, f"{where}: a mapping of role id to name")
                continue
            for role, name in value.items():
                if role not in ROLE_IDS:
                    error(path, f"{where}: unknown role id {role!r}; SOUL.md has {sorted(ROLE_IDS)}")
                if not isinstance(name, str) or not name.strip():
                    error(path, f"{where}.{role}: a person's name or \"@sender\"")
                elif name == "@sender" and not sender:
                    error(path, f"{where}.{role}: \"@sender\" needs the turn's `from`")
        elif key == "action_item":
            if not isinstance(value, dict) or set(value) - {"owner", "due", "title_has"}:
                error(path, f"{where}: {{owner, due, title_has}}")
                continue
            if not value.get("owner"):
                error(path, f"{where}.owner: required")
            due = value.get("due")
            try:
                day = dt.date.fromisoformat(str(due))
                if day < turn_time.date():
                    error(path, f"{where}.due: {due} is before the turn's day {turn_time.date()}")
                if (day - turn_time.date()).days > 56:
                    warn(path, f"{where}.due: {due} is more than 8 weeks out")
            except ValueError:
                error(path, f"{where}.due: an ISO date such as 2026-11-20 (got {due!r})")
            if "title_has" in value and (not isinstance(value["title_has"], str) or " " in value["title_has"].strip()):
                error(path, f"{where}.title_has: one word")
        elif key == "impact":
            if not isinstance(value, dict) or not value or set(value) - {"customer_facing", "users_pct"}:
                error(path, f"{where}: {{customer_facing: bool, users_pct: number}}")
            elif "users_pct" in value and not (isinstance(value["users_pct"], (int, float)) and 0 <= value["users_pct"] <= 100):
                error(path, f"{where}.users_pct: 0-100")
        elif key == "started_minutes_ago":
            if not isinstance(value, int) or value < 0:
                error(path, f"{where}: minutes, a whole number >= 0")


def check_conversation(path: str, half: str, seen_ids: dict) -> dict | None:
    text = read(path)
    try:
        doc = load_yaml(text, path)
    except Exception as e:  # noqa: BLE001 - any parse failure is reported the same way
        error(path, "does not parse as YAML: " + " ".join(str(e).split()))
        return None
    if not isinstance(doc, dict):
        error(path, "must be a mapping")
        return None
    unknown = set(doc) - {"id", "source", "services", "turns"}
    if unknown:
        error(path, f"unknown top-level keys {sorted(unknown)} (the README's format has id, source, services, turns)")
    cid = doc.get("id")
    if not isinstance(cid, str) or not re.fullmatch(rf"conv-{half}-\d{{3}}", cid):
        error(path, f"id must be conv-{half}-NNN (got {cid!r})")
    elif os.path.basename(path) != f"{cid}.yaml":
        error(path, f"file name must be {cid}.yaml")
    if cid in seen_ids:
        error(path, f"id {cid} is also used by {seen_ids[cid]}")
    seen_ids[cid] = path
    source = doc.get("source")
    if not isinstance(source, str) or len(source.strip()) < 15:
        error(path, "source: name the public incident it is modelled on")
    services = doc.get("services") or []
    if not isinstance(services, list) or any(s not in FIXTURE_SERVICES for s in services):
        error(path, f"services: only the eval fixture services {sorted(FIXTURE_SERVICES)}")
        services = []
    kind = parse_kind(text)
    if kind not in KINDS:
        error(path, f"needs a '# kind: <kind>' header line, one of {sorted(KINDS)} (got {kind!r})")
    turns = doc.get("turns")
    if not isinstance(turns, list) or not 4 <= len(turns) <= 14:
        error(path, f"turns: 4-14 turns (got {len(turns) if isinstance(turns, list) else turns!r})")
        return None
    clock = REFERENCE
    senders = set()
    first_severity = None
    keys = Counter()
    for i, turn in enumerate(turns):
        label = f"turns[{i}]"
        if not isinstance(turn, dict):
            error(path, f"{label}: must be a mapping")
            continue
        unknown = set(turn) - {"user", "from", "advance_minutes", "expect"}
        if unknown:
            error(path, f"{label}: unknown keys {sorted(unknown)}")
        if not isinstance(turn.get("user"), str) or not turn["user"].strip():
            error(path, f"{label}.user: the message as typed")
        sender = turn.get("from")
        if sender is not None and (not isinstance(sender, str) or not sender.strip()):
            error(path, f"{label}.from: a person's name")
        if sender:
            senders.add(sender)
        adv = turn.get("advance_minutes", 0)
        if not isinstance(adv, int) or adv < 0 or adv > 7 * 24 * 60:
            error(path, f"{label}.advance_minutes: whole minutes >= 0")
            adv = 0
        clock += dt.timedelta(minutes=adv)
        exp = turn.get("expect")
        if exp is not None:
            check_expect(path, label, exp, services, clock, sender)
            if isinstance(exp, dict):
                keys.update(exp.keys())
                if first_severity is None and isinstance(exp.get("severity"), list):
                    first_severity = exp["severity"]
    if len(senders) < 2:
        warn(path, "fewer than two people talking (`from`)")
    if i >= 0 and isinstance(turns[0], dict) and not (turns[0].get("expect") or {}):
        warn(path, "the first turn expects nothing")
    return {
        "id": cid,
        "path": path,
        "half": half,
        "source": source or "",
        "kind": kind,
        "severity": first_severity,
        "turns": len(turns),
        "keys": keys,
        "services": services,
        "minutes": int((clock - REFERENCE).total_seconds() // 60),
        "text": "\n".join(str(t.get("user", "")) for t in turns if isinstance(t, dict)).lower(),
    }


def source_key(source: str) -> str:
    """The incident a source names, roughly: its text before the first parenthesis or colon, normalised."""
    head = re.split(r"[(:;]", source.lower().replace("modelled on", ""), maxsplit=1)[0]
    return re.sub(r"[^a-z0-9]+", " ", head).strip()


# ---------------------------------------------------------------- eval cases


def check_case(path: str, seen: dict, train_ids: set[str]) -> dict | None:
    text = read(path)
    try:
        doc = load_yaml(text, path)
    except Exception as e:  # noqa: BLE001
        error(path, "does not parse as YAML: " + " ".join(str(e).split()))
        return None
    if not isinstance(doc, dict):
        error(path, "must be a mapping")
        return None
    unknown = set(doc) - {"id", "title", "checks", "rules", "setup", "turns", "judge"}
    if unknown:
        error(path, f"unknown keys {sorted(unknown)}")
    cid = doc.get("id")
    if not isinstance(cid, str) or not re.fullmatch(r"conv-[a-z0-9][a-z0-9-]*", cid):
        error(path, f"id must be kebab-case starting conv- (got {cid!r})")
    elif os.path.basename(path) != f"{cid}.yaml":
        error(path, f"file name must be {cid}.yaml")
    if cid in seen:
        error(path, f"id {cid} is also used by {seen[cid]}")
    seen[cid] = path
    m = re.search(r"^#\s*from:\s*(conv-train-\d{3})\s*$", text, re.M)
    if not m:
        error(path, "needs a '# from: conv-train-NNN' line naming the train conversation it was turned from")
    elif m.group(1) not in train_ids:
        error(path, f"turned from {m.group(1)}, which is not in conversations/train")
    title = doc.get("title")
    if not isinstance(title, str) or not 1 <= len(title) <= 120:
        error(path, "title: 1-120 characters")
    if not isinstance(doc.get("checks"), str) or len(doc["checks"]) < 10:
        error(path, "checks: what the case proves, in words")
    rules = doc.get("rules")
    if not isinstance(rules, list) or not rules or any(r not in RULES for r in rules):
        error(path, f"rules: rule ids from src/evals/case.ts ({', '.join(sorted(RULES))})")
    setup = doc.get("setup") or {}
    if not isinstance(setup, dict) or set(setup) - {"services", "runbooks"}:
        error(path, "setup: only services and runbooks")
    elif any(s not in FIXTURE_SERVICES for s in setup.get("services") or []):
        error(path, f"setup.services: one of {sorted(FIXTURE_SERVICES)}")
    judge = doc.get("judge")
    if not isinstance(judge, dict) or set(judge) != {"rubric"} or len(str(judge.get("rubric", ""))) < 20:
        error(path, "judge.rubric: the rubric the LLM judge grades the case by")
    turns = doc.get("turns")
    used = Counter()
    if not isinstance(turns, list) or not 1 <= len(turns) <= 20:
        error(path, "turns: 1-20 turns")
        return None
    for t, turn in enumerate(turns):
        label = f"turns[{t}]"
        if not isinstance(turn, dict) or set(turn) - {"user", "advance_minutes", "expect"}:
            error(path, f"{label}: user, advance_minutes and expect only (eval turns have no `from`)")
            continue
        if not isinstance(turn.get("user"), str) or not turn["user"].strip():
            error(path, f"{label}.user: required")
        adv = turn.get("advance_minutes", 0)
        if not isinstance(adv, (int, float)) or adv < 0:
            error(path, f"{label}.advance_minutes: >= 0")
        for i, e in enumerate(turn.get("expect") or []):
            where = f"{label}.expect[{i}]"
            if isinstance(e, str):
                name = e
            elif isinstance(e, dict) and len(e) == 1:
                name = next(iter(e))
            else:
                error(path, f"{where}: one grader per list item")
                continue
            if name not in GRADERS:
                error(path, f"{where}: unknown grader {name!r}; graders: {', '.join(sorted(GRADERS))}")
            used[name] += 1
    return {"id": cid, "graders": used, "rules": rules or [], "services": setup.get("services") or []}


def node_parse(paths: list[str]) -> None:
    """Parses every case with the suite's own parser, so grader parameters are checked too."""
    case_js = os.path.join(ROOT, "dist", "src", "evals", "case.js")
    if not os.path.exists(case_js):
        error(case_js, "missing: run `npm run build` first, or drop --node")
        return
    script = (
        "const {parseCase}=await import(process.argv[1]);const fs=await import('node:fs');let bad=0;"
        "for (const f of process.argv.slice(2)){try{parseCase(fs.readFileSync(f,'utf8'),f)}"
        "catch(e){bad++;console.log(f+': '+String(e.message??e).replace(/\\n/g,' | '))}}process.exit(bad?1:0)"
    )
    out = subprocess.run(
        ["node", "--input-type=module", "-e", script, case_js, *paths], capture_output=True, text=True, check=False
    )
    for line in out.stdout.splitlines():
        path, _, what = line.partition(": ")
        error(path, f"parseCase: {what}")
    if out.returncode not in (0, 1):
        error(case_js, f"node failed: {out.stderr.strip()[:300]}")


# ---------------------------------------------------------------- report


def histogram(values, order=None) -> str:
    c = Counter(values)
    keys = order if order else sorted(c)
    return "  ".join(f"{k}:{c[k]}" for k in keys if c[k])


def sev_label(rng) -> str:
    if not rng:
        return "none"
    return rng[0] if rng[0] == rng[1] else f"{rng[0]}-{rng[1]}"


def main() -> int:
    strict = "--strict" in sys.argv
    halves = {}
    seen: dict = {}
    for half in ("train", "test"):
        d = os.path.join(CONV_DIR, half)
        files = sorted(f for f in os.listdir(d) if f.endswith(".yaml")) if os.path.isdir(d) else []
        halves[half] = [c for c in (check_conversation(os.path.join(d, f), half, seen) for f in files) if c]
        if len(files) < 50:
            error(d, f"{len(files)} conversations; the brief asks for at least 50 per half")

    # no incident in both halves
    by_key = defaultdict(set)
    for half, convs in halves.items():
        for c in convs:
            by_key[source_key(c["source"])].add((half, c["id"]))
    for key, where in by_key.items():
        if len({h for h, _ in where}) > 1:
            error(CONV_DIR, f"source incident {key!r} is in both halves: {sorted(i for _, i in where)}")
        elif len(where) > 1:
            warn(CONV_DIR, f"source incident {key!r} is used by {sorted(i for _, i in where)}")

    # the brief's and issue's example phrasings at most once
    corpus_text = "\n".join(c["text"] for convs in halves.values() for c in convs)
    for phrase in EXAMPLE_PHRASES:
        n = corpus_text.count(phrase)
        if n > 1:
            warn(CONV_DIR, f"example phrasing {phrase!r} appears {n} times (at most once)")

    cases = []
    case_files = sorted(f for f in os.listdir(CASE_DIR) if f.endswith(".yaml")) if os.path.isdir(CASE_DIR) else []
    train_ids = {c["id"] for c in halves["train"]}
    seen_cases: dict = {}
    existing = os.path.join(ROOT, "evals", "cases")
    for f in sorted(os.listdir(existing)) if os.path.isdir(existing) else []:
        seen_cases[f.rsplit(".", 1)[0]] = os.path.join(existing, f)
    for f in case_files:
        c = check_case(os.path.join(CASE_DIR, f), seen_cases, train_ids)
        if c:
            cases.append(c)
    if "--node" in sys.argv and case_files:
        node_parse([os.path.join(CASE_DIR, f) for f in case_files])

    for half, convs in halves.items():
        print(f"== {half}: {len(convs)} conversations, {sum(c['turns'] for c in convs)} turns")
        print("  kind      ", histogram([c["kind"] for c in convs], sorted(KINDS)))
        print("  severity  ", histogram([sev_label(c["severity"]) for c in convs]))
        print("  worst ok  ", histogram([c["severity"][0] if c["severity"] else "none" for c in convs], SEVERITIES))
        print("  turns     ", histogram([c["turns"] for c in convs], sorted({c["turns"] for c in convs})))
        print("  services  ", histogram(["+".join(c["services"]) or "none" for c in convs]))
        hours = sorted({c["minutes"] // 60 for c in convs})
        print("  span (h)  ", histogram([f"{c['minutes'] // 60}h" for c in convs], [f"{h}h" for h in hours]))
        keys = Counter()
        for c in convs:
            keys.update(c["keys"])
        print("  expect    ", "  ".join(f"{k}:{keys[k]}" for k in sorted(EXPECT_KEYS)))
    if cases:
        g = Counter()
        r = Counter()
        for c in cases:
            g.update(c["graders"])
            r.update(c["rules"])
        print(f"== eval cases: {len(cases)}")
        print("  graders   ", "  ".join(f"{k}:{g[k]}" for k in sorted(g)))
        print("  unused    ", ", ".join(sorted(GRADERS - set(g))) or "-")
        print("  rules     ", "  ".join(f"{k}:{r[k]}" for k in sorted(r)))
        print("  services  ", histogram(["+".join(c["services"]) or "none" for c in cases]))

    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    bad = len(errors) + (len(warnings) if strict else 0)
    print(f"{len(errors)} error(s), {len(warnings)} warning(s)", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
