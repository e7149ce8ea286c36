"""Plausible wrong answers for module 12 (the capstone service)."""

from tests.mutants import Mutant

MODULE = "12-capstone"


def _m(exercise: str, name: str, why: str, *replace: tuple[str, str]) -> Mutant:
    return Mutant(test=f"12-{exercise}-tests", answer=f"12-{exercise}-answer", name=name,
                  why=why, replace=tuple(replace))


MUTANTS = [
    # 📝 1 TicketIn
    _m("ticket", "no-strip", "forgets to strip whitespace, so a padded short text passes",
       ('model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)',
        'model_config = ConfigDict(extra="forbid")')),
    _m("ticket", "extra-allowed", "ignores unknown fields instead of refusing them",
       ('ConfigDict(extra="forbid", str_strip_whitespace=True)',
        "ConfigDict(str_strip_whitespace=True)")),
    _m("ticket", "any-channel", "types channel as any string",
       ('channel: Literal["email", "chat", "web", "api"]', "channel: str")),
    _m("ticket", "unanchored-id", "a pattern without anchors accepts ids with extra characters",
       ('pattern=r"^T-\\d{6}$"', 'pattern=r"T-\\d{6}"')),
    _m("ticket", "tier-required", "makes tier required instead of defaulting to free",
       ('tier: Literal["free", "pro", "enterprise"] = "free"',
        'tier: Literal["free", "pro", "enterprise"]')),
    # 📝 2 check_batch
    _m("quality", "both-copies", "counts every copy of a repeated ticket, the first included",
       ('frame["ticket_id"].duplicated().sum()', 'frame["ticket_id"].duplicated(keep=False).sum()')),
    _m("quality", "unstripped-length", "measures the length before stripping",
       ('((text.str.len() < 10) & ~blank)',
        '((frame["text"].fillna("").astype(str).str.len() < 10) & ~blank)')),
    _m("quality", "case-folded-labels", 'accepts labels in any case ("BUG")',
       ('(~frame["category"].isin(labs.LABELS))',
        '(~frame["category"].str.lower().isin(labs.LABELS))')),
    _m("quality", "blank-is-short", "counts blank texts as too short as well",
       ("((text.str.len() < 10) & ~blank)", "(text.str.len() < 10)")),
    # 📝 3 postprocess
    _m("post", "review-at-threshold", "sends a confidence of exactly 0.6 to review",
       ("prediction.confidence < 0.6", "prediction.confidence <= 0.6")),
    _m("post", "case-sensitive-urgent", 'misses "URGENT" and "Outage" by not lower-casing',
       ("words = ticket.text.lower()", "words = ticket.text")),
    _m("post", "enterprise-always-p1", "makes every enterprise ticket P1, feature requests too",
       ('(ticket.tier == "enterprise" and prediction.label in ("bug", "billing"))',
        '(ticket.tier == "enterprise")')),
    _m("post", "review-keeps-team", "flags review but still routes to the predicted team",
       ('team = "triage" if needs_review else TEAMS[prediction.label]',
        "team = TEAMS[prediction.label]")),
    # 📝 4 make_app
    _m("serve", "errors-propagate", "lets route's exception escape: a 500 instead of a 503",
       ('''        try:
            decision = route(ticket)
        except Exception as error:
            raise HTTPException(status_code=503, detail=f"no route: {type(error).__name__}")''',
        "        decision = route(ticket)")),
    _m("serve", "no-ticket-id", "answers route's dict without the ticket_id",
       ('return {"ticket_id": ticket.ticket_id, **decision}', "return decision")),
    _m("serve", "dict-body", "takes the body as a plain dict, so nothing is validated",
       ("def route_ticket(ticket: TicketIn):\n        try:\n            decision = route(ticket)",
        "def route_ticket(body: dict):\n        ticket = TicketIn.model_construct(**body)\n"
        "        try:\n            decision = route(ticket)")),
    _m("serve", "error-as-200", "reports the failure in a 200 answer",
       ('raise HTTPException(status_code=503, detail=f"no route: {type(error).__name__}")',
        'return {"detail": f"no route: {type(error).__name__}"}')),
    _m("serve", "get-route", "serves the routing endpoint on GET",
       ('@app.post("/route")', '@app.api_route("/route", methods=["GET", "POST"])')),
    # 📝 5 resilient_predict
    _m("resilient", "caches-fallback", "caches the fallback's answer, which outlives the outage",
       ('return fallback.predict(text), "fallback"',
        'cache[key] = fallback.predict(text)\n    return cache[key], "fallback"')),
    _m("resilient", "retries-everything", "retries malformed answers and bad requests too",
       ("        except retryable:\n", "        except Exception:\n"),
       ("        except Exception:\n            break\n", "")),
    _m("resilient", "sleeps-after-last", "waits once more after the last failed attempt",
       ("            if attempt < len(waits):\n                clock.sleep(waits[attempt])",
        "            clock.sleep(waits[min(attempt, len(waits) - 1)])")),
    _m("resilient", "raw-key", "keys the cache on the raw text",
       ('key = " ".join(text.lower().split())', "key = text")),
    _m("resilient", "one-attempt-short", "makes len(waits) attempts instead of len(waits) + 1",
       ("for attempt in range(len(waits) + 1):", "for attempt in range(len(waits)):")),
    # 📝 6 release_gate
    _m("gate", "relative-drop", "reads max_drop as a relative drop",
       ('candidate["accuracy"] >= current["accuracy"] - max_drop',
        'candidate["accuracy"] >= current["accuracy"] * (1 - max_drop)')),
    _m("gate", "no-sample-rule", "forgets the minimum number of examples",
       ('enough = candidate["n"] >= min_n', "enough = True")),
    _m("gate", "strict-latency", "holds a candidate at exactly the allowed ratio",
       ('candidate["p95_ms"] <= current["p95_ms"] * max_p95_ratio',
        'candidate["p95_ms"] < current["p95_ms"] * max_p95_ratio')),
    _m("gate", "latency-difference", "compares the p95 difference instead of the ratio",
       ('candidate["p95_ms"] <= current["p95_ms"] * max_p95_ratio',
        'candidate["p95_ms"] - current["p95_ms"] <= 500')),
    # 📝 7 daily_metrics
    _m("metrics", "cache-is-fallback", "counts cache hits as fallbacks (route != primary)",
       ('(r == "fallback").mean()', '(r != "primary").mean()')),
    _m("metrics", "linear-p95", "uses the default linear interpolation for p95",
       ('by_day["latency_ms"].quantile(0.95, interpolation="higher")',
        'by_day["latency_ms"].quantile(0.95)')),
    _m("metrics", "alert-at-threshold", "fires the alert at exactly the thresholds",
       ('(daily["fallback_rate"] > 0.10) | (daily["p95_ms"] > 2500)',
        '(daily["fallback_rate"] >= 0.10) | (daily["p95_ms"] >= 2500)')),
    _m("metrics", "alert-fallback-only", "alerts on the fallback share only, not on latency",
       ('(daily["fallback_rate"] > 0.10) | (daily["p95_ms"] > 2500)',
        '(daily["fallback_rate"] > 0.10)')),
    # 📝 8 psi
    _m("psi", "kl-divergence", "writes Kullback-Leibler, a * ln(a / e), instead of PSI",
       ("total += (a - e) * math.log(a / e)", "total += a * math.log(a / e)")),
    _m("psi", "no-floor", "forgets the eps floor, so an empty bin is infinite or fails",
       ("        e, a = max(e, eps), max(a, eps)\n", "")),
    _m("psi", "log10", "uses the base-10 logarithm",
       ("math.log(a / e)", "math.log10(a / e)")),
    # 📝 9 lifecycle
    _m("lifecycle", "team-owners", 'names teams ("ML team") as owners',
       ('"ML engineer",\n         "hosted accuracy', '"ML team",\n         "hosted accuracy'),
       ('"platform engineer"', '"platform team"')),
    _m("lifecycle", "done-exit", 'an exit criterion that cannot be checked ("done")',
       ('"the new version beats the current one at the same gate"', '"done"')),
    _m("lifecycle", "no-retirement", "stops at monitoring and retraining: nobody retires it",
       ('''        ("retire the router", "support lead",
         "no traffic for 30 days; endpoint, dashboards and alerts removed"),
''', "")),
    _m("lifecycle", "deploy-before-evaluate", "deploys before the release gate",
       ('"evaluate each candidate at the release gate"', '"deploy the first version"'),
       ('"deploy behind the /route endpoint"', '"evaluate each candidate at the release gate"')),
]
