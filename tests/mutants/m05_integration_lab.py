"""Plausible wrong answers for 05-integration-lab: each must lose points in its test cell."""

from tests.mutants import Mutant

MODULE = "05-integration-lab"

_PARSE = ("05-parse-tests", "05-parse-answer")
_BACKOFF = ("05-backoff-tests", "05-backoff-answer")
_RETRIES = ("05-retries-tests", "05-retries-answer")
_KEY = ("05-cache-key-tests", "05-cache-key-answer")
_CACHE = ("05-cache-tests", "05-cache-answer")
_FALLBACK = ("05-fallback-tests", "05-fallback-answer")

MUTANTS = [
    # -- parse_label -------------------------------------------------------------------
    Mutant(*_PARSE, name="no-range-check",
           why="accepts a confidence of 80 or -0.1: only the type is checked",
           replace=(("type(confidence) not in (int, float) or not 0 <= confidence <= 1",
                     "type(confidence) not in (int, float)"),)),
    Mutant(*_PARSE, name="bool-is-a-number",
           why="isinstance lets true/false pass as a confidence",
           replace=(("type(confidence) not in (int, float)",
                     "not isinstance(confidence, (int, float))"),)),
    Mutant(*_PARSE, name="case-insensitive-label",
           why="accepts 'Bug' although it is not one of labs.LABELS",
           replace=(("label not in labs.LABELS", "label.lower() not in labs.LABELS"),)),
    Mutant(*_PARSE, name="no-dict-check",
           why="a JSON list or null makes .get raise instead of returning None",
           replace=(("    if type(data) is not dict:\n        return None\n", ""),)),
    Mutant(*_PARSE, name="confidence-optional",
           why="an answer without a confidence is accepted",
           replace=(("if type(confidence) not in (int, float) or",
                     "if confidence is not None and type(confidence) not in (int, float) or"),)),
    Mutant(*_PARSE, name="open-interval",
           why="rejects the valid edges 0 and 1",
           replace=(("not 0 <= confidence <= 1", "not 0 < confidence < 1"),)),
    Mutant(*_PARSE, name="numeric-strings",
           why="accepts a confidence written as the string '0.5'",
           replace=(("    if type(confidence) not in (int, float) or not 0 <= confidence <= 1:",
                     "    try:\n        confidence = float(confidence)\n    except (TypeError, ValueError):\n"
                     "        return None\n    if not 0 <= confidence <= 1:"),)),
    # -- backoff_delay -----------------------------------------------------------------
    Mutant(*_BACKOFF, name="no-jitter",
           why="always waits the full window: clients that failed together retry together",
           replace=(("float(rng.uniform(0.0, min(cap, base * 2**attempt)))",
                     "float(min(cap, base * 2**attempt))"),)),
    Mutant(*_BACKOFF, name="no-cap",
           why="the window keeps doubling past cap",
           replace=(("min(cap, base * 2**attempt)", "base * 2**attempt"),)),
    Mutant(*_BACKOFF, name="module-random",
           why="draws from the module-level random generator, not rng: not reproducible",
           replace=(("rng.uniform(", "random.uniform("),)),
    Mutant(*_BACKOFF, name="off-by-one-exponent",
           why="the first wait already uses 2**1",
           replace=(("2**attempt", "2**(attempt + 1)"),)),
    Mutant(*_BACKOFF, name="equal-jitter",
           why="'equal jitter' (half fixed, half random) instead of the full jitter asked for",
           replace=(("return float(rng.uniform(0.0, min(cap, base * 2**attempt)))",
                     "window = min(cap, base * 2**attempt)\n"
                     "    return float(window / 2 + rng.uniform(0.0, window / 2))"),)),
    Mutant(*_BACKOFF, name="default-base",
           why="ignores the base argument (uses 0.5 always)",
           replace=(("base * 2**attempt", "0.5 * 2**attempt"),)),
    # -- call_with_retries -------------------------------------------------------------
    Mutant(*_RETRIES, name="ignores-retry-after",
           why="waits only the backoff after a 429, sooner than the provider asked",
           replace=(('wait = max(backoff_delay(attempt, rng), getattr(error, "retry_after", 0.0))',
                     "wait = backoff_delay(attempt, rng)"),)),
    Mutant(*_RETRIES, name="only-retry-after",
           why="after a 429 waits retry_after even when the backoff is longer",
           replace=(('wait = max(backoff_delay(attempt, rng), getattr(error, "retry_after", 0.0))',
                     'wait = getattr(error, "retry_after", None) or backoff_delay(attempt, rng)'),)),
    Mutant(*_RETRIES, name="rate-limit-by-class",
           why="looks for retry_after only on labs.RateLimitError, not on any error that has one",
           replace=(('wait = max(backoff_delay(attempt, rng), getattr(error, "retry_after", 0.0))',
                     "wait = backoff_delay(attempt, rng)\n"
                     "            if isinstance(error, labs.RateLimitError):\n"
                     "                wait = max(wait, error.retry_after)"),)),
    Mutant(*_RETRIES, name="ignores-retryable-argument",
           why="retries labs.RETRYABLE whatever the retryable argument says",
           replace=(("except retryable as error:", "except labs.RETRYABLE as error:"),)),
    Mutant(*_RETRIES, name="no-budget",
           why="never gives up on time: the user waits as long as the attempts last",
           replace=(("            if clock.now() + wait >= deadline:\n"
                     "                raise  # no time would be left for the next attempt\n", ""),)),
    Mutant(*_RETRIES, name="budget-on-elapsed-only",
           why="checks the time already spent, so the last wait overshoots the budget",
           replace=(("clock.now() + wait >= deadline", "clock.now() >= deadline"),)),
    Mutant(*_RETRIES, name="full-timeout-every-attempt",
           why="the budget only limits the waits: an attempt started at 28 s of a 30 s budget "
               "still gets its full 5 s timeout and ends at 33 s",
           source=("def call_with_retries(client, messages, *, model, rng, retryable=labs.RETRYABLE,\n"
                   "                      max_attempts=4, budget_s=30.0, timeout=5.0, max_tokens=64):\n"
                   '    """One chat completion, retried with backoff, retry-after and a time budget."""\n'
                   "    clock = client.clock\n"
                   "    started = clock.now()\n"
                   "    for attempt in range(max_attempts):\n"
                   "        try:\n"
                   "            return client.chat.completions.create(\n"
                   "                model=model, messages=messages, timeout=timeout, max_tokens=max_tokens\n"
                   "            )\n"
                   "        except retryable as error:\n"
                   "            if attempt == max_attempts - 1:\n"
                   "                raise\n"
                   '            wait = max(backoff_delay(attempt, rng), getattr(error, "retry_after", 0.0))\n'
                   "            if clock.now() - started + wait > budget_s:\n"
                   "                raise\n"
                   "            clock.sleep(wait)\n"
                   '    raise ValueError("max_attempts must be at least 1")\n')),
    Mutant(*_RETRIES, name="deadline-from-clock-zero",
           why="takes budget_s as the deadline's clock time, as if the clock started at 0 when "
               "the call began",
           replace=(("deadline = clock.now() + budget_s", "deadline = budget_s"),)),
    Mutant(*_RETRIES, name="deadline-restarts-each-attempt",
           why="sets the deadline again before every attempt, so each one gets a fresh budget",
           replace=(("    deadline = clock.now() + budget_s\n    for attempt in range(max_attempts):\n",
                     "    for attempt in range(max_attempts):\n"
                     "        deadline = clock.now() + budget_s\n"),)),
    Mutant(*_RETRIES, name="attempt-with-zero-left",
           why="off by one at the edge: a wait that ends exactly at the deadline is taken, and an "
               "attempt starts with 0 s left",
           replace=(("clock.now() + wait >= deadline", "clock.now() + wait > deadline"),)),
    Mutant(*_RETRIES, name="time-left-before-the-wait",
           why="measures the time left when the attempt fails, before the wait, so the next "
               "attempt's timeout is too long by that wait",
           replace=(("timeout=min(timeout, deadline - clock.now())", "timeout=min(timeout, left)"),
                    ("    deadline = clock.now() + budget_s\n",
                     "    deadline = clock.now() + budget_s\n    left = budget_s\n"),
                    ("            clock.sleep(wait)\n",
                     "            left = deadline - clock.now()\n            clock.sleep(wait)\n"))),
    Mutant(*_RETRIES, name="first-attempt-uncapped",
           why="caps only the retries' timeouts: a budget shorter than timeout is overrun by the "
               "first attempt",
           replace=(("timeout=min(timeout, deadline - clock.now())",
                     "timeout=timeout if attempt == 0 else min(timeout, deadline - clock.now())"),)),
    Mutant(*_RETRIES, name="retries-bad-requests",
           why="retries every error, including a prompt that is too long",
           replace=(("except retryable as error:", "except Exception as error:"),)),
    Mutant(*_RETRIES, name="one-attempt-too-many",
           why="makes max_attempts + 1 calls",
           replace=(("for attempt in range(max_attempts):", "for attempt in range(max_attempts + 1):"),
                    ("if attempt == max_attempts - 1:", "if attempt == max_attempts:"))),
    Mutant(*_RETRIES, name="waits-before-giving-up",
           why="sleeps once more after the last failed attempt before raising",
           replace=(("            if attempt == max_attempts - 1:\n                raise\n", ""),
                    ("            clock.sleep(wait)\n",
                     "            clock.sleep(wait)\n            if attempt == max_attempts - 1:\n"
                     "                raise\n"))),
    Mutant(*_RETRIES, name="swallows-last-error",
           why="returns None when every attempt failed instead of re-raising",
           replace=(("            if attempt == max_attempts - 1:\n                raise\n",
                     "            if attempt == max_attempts - 1:\n                return None\n"),)),
    Mutant(*_RETRIES, name="fixed-wait",
           why="waits a fixed second between attempts instead of backing off",
           replace=(('max(backoff_delay(attempt, rng), getattr(error, "retry_after", 0.0))',
                     'max(1.0, getattr(error, "retry_after", 0.0))'),)),
    Mutant(*_RETRIES, name="backoff-attempt-off-by-one",
           why="passes attempt + 1 to backoff_delay, so the first wait is already doubled",
           replace=(("backoff_delay(attempt, rng)", "backoff_delay(attempt + 1, rng)"),)),
    Mutant(*_RETRIES, name="returns-content",
           why="returns the answer text instead of the response object",
           replace=(("                max_tokens=max_tokens,\n            )\n",
                     "                max_tokens=max_tokens,\n            ).choices[0].message.content\n"),)),
    Mutant(*_RETRIES, name="retry-timeout-not-passed",
           why="drops timeout=..., so each attempt waits the client's default",
           replace=(("messages=messages, timeout=min(timeout, deadline - clock.now()),",
                     "messages=messages,"),)),
    # -- cache_key ---------------------------------------------------------------------
    Mutant(*_KEY, name="case-sensitive",
           why="'REFUND' and 'refund' get different keys",
           replace=(('" ".join(message["content"].split()).lower()',
                     '" ".join(message["content"].split())'),)),
    Mutant(*_KEY, name="strip-only",
           why="strips the ends but keeps doubled inner spaces and tabs",
           replace=(('" ".join(message["content"].split()).lower()',
                     'message["content"].strip().lower()'),)),
    Mutant(*_KEY, name="ignores-model",
           why="two models share one entry: the secondary's answer is served for the primary",
           replace=(("json.dumps([model, normalised])", "json.dumps(normalised)"),)),
    Mutant(*_KEY, name="joins-messages",
           why="concatenates all contents, so message boundaries and roles vanish",
           source=('def cache_key(model, messages):\n'
                   '    """A string that identifies a request up to case and whitespace."""\n'
                   '    text = " ".join(m["content"] for m in messages)\n'
                   '    return model + "|" + " ".join(text.split()).lower()\n')),
    Mutant(*_KEY, name="ignores-role",
           why="a system message and a user message with the same text collide",
           replace=(('[message["role"], " ".join(message["content"].split()).lower()]',
                     '" ".join(message["content"].split()).lower()'),)),
    Mutant(*_KEY, name="removes-all-spaces",
           why="'re fund' and 'refund' collide: spaces are removed instead of folded",
           replace=(('" ".join(message["content"].split()).lower()',
                     '"".join(message["content"].split()).lower()'),)),
    Mutant(*_KEY, name="last-message-only",
           why="keys on the last message only, so earlier context is ignored",
           replace=(("for message in messages\n", "for message in messages[-1:]\n"),)),
    # -- TTLCache ----------------------------------------------------------------------
    Mutant(*_CACHE, name="never-expires",
           why="ignores ttl_s: stale answers are served forever",
           replace=(("if entry is None or self.clock.now() - entry[0] > self.ttl_s:",
                     "if entry is None:"),)),
    Mutant(*_CACHE, name="expires-at-ttl",
           why="an entry exactly ttl_s old is treated as stale (>= instead of >)",
           replace=(("self.clock.now() - entry[0] > self.ttl_s",
                     "self.clock.now() - entry[0] >= self.ttl_s"),)),
    Mutant(*_CACHE, name="hits-over-misses",
           why="hit_rate divides by misses instead of by all lookups",
           replace=(("return self.hits / lookups if lookups else 0.0",
                     "return self.hits / self.misses if self.misses else 0.0"),)),
    Mutant(*_CACHE, name="stale-counts-as-hit",
           why="counts the lookup as a hit before finding the entry stale",
           replace=(("        entry = self._entries.get(key)\n",
                     "        entry = self._entries.get(key)\n        if entry is not None:\n"
                     "            self.hits += 1\n"),
                    ("        self.hits += 1\n        return entry[1]\n", "        return entry[1]\n"),
                    ("            self.misses += 1\n",
                     "            if entry is None:\n                self.misses += 1\n"))),
    Mutant(*_CACHE, name="sliding-expiry",
           why="a hit renews the entry's stamp, so a popular answer never goes stale",
           replace=(("        self.hits += 1\n        return entry[1]\n",
                     "        self.hits += 1\n        self._entries[key] = (self.clock.now(), entry[1])\n"
                     "        return entry[1]\n"),)),
    Mutant(*_CACHE, name="put-keeps-first",
           why="put does not overwrite an existing entry, so a refreshed answer is ignored",
           replace=(("self._entries[key] = (self.clock.now(), value)",
                     "self._entries.setdefault(key, (self.clock.now(), value))"),)),
    Mutant(*_CACHE, name="percent-hit-rate",
           why="hit_rate in percent (60.0) instead of a share (0.6)",
           replace=(("return self.hits / lookups if lookups else 0.0",
                     "return 100 * self.hits / lookups if lookups else 0.0"),)),
    # -- classify ----------------------------------------------------------------------
    Mutant(*_FALLBACK, name="no-ok-step",
           why="the trail records failures only, not the step that answered",
           replace=(('        trail.append({"step": model, "reason": "ok"})\n', ""),)),
    Mutant(*_FALLBACK, name="message-as-reason",
           why="records the error message instead of the exception's class name",
           replace=(('"reason": type(error).__name__', '"reason": str(error)'),)),
    Mutant(*_FALLBACK, name="trusts-content",
           why="does not move on when parse_label rejects the answer",
           replace=(("        if label is None:\n"
                     '            trail.append({"step": model, "reason": "malformed"})\n'
                     "            continue\n", ""),)),
    Mutant(*_FALLBACK, name="fallback-timeout-not-passed",
           why="does not pass timeout= on, so a slow model holds the user",
           replace=(("model=model, messages=messages, timeout=timeout, max_tokens=64",
                     "model=model, messages=messages, max_tokens=64"),)),
    Mutant(*_FALLBACK, name="catches-every-exception",
           why="falls back on any exception, hiding a bug in our own code as a provider failure",
           replace=(("        except errors as error:\n", "        except Exception as error:\n"),)),
    Mutant(*_FALLBACK, name="ignores-errors-argument",
           why="catches labs.APIError whatever the errors argument says",
           replace=(("        except errors as error:\n", "        except labs.APIError as error:\n"),)),
    Mutant(*_FALLBACK, name="hardcoded-default",
           why="always answers 'needs_human', ignoring the default argument",
           replace=(('return {"label": default, "source": "default", "trail": trail}',
                     'return {"label": "needs_human", "source": "default", "trail": trail}'),)),
    Mutant(*_FALLBACK, name="gives-up-after-first-error",
           why="goes straight to the default when the primary raises",
           replace=(('trail.append({"step": model, "reason": type(error).__name__})\n'
                     "            continue\n",
                     'trail.append({"step": model, "reason": type(error).__name__})\n'
                     "            break\n"),)),
    Mutant(*_FALLBACK, name="hardcoded-models",
           why="loops over the two lab models instead of the models argument",
           replace=(("    for model in models:\n",
                     '    for model in ("ticket-primary", "ticket-secondary"):\n'),)),
    Mutant(*_FALLBACK, name="no-default-step",
           why="the trail does not say that the default was used",
           replace=(('    trail.append({"step": "default", "reason": "all models failed"})\n', ""),)),
]
