# ruff: noqa: E501  (mutant texts are lines of notebook code, kept whole to match the solution)
"""Plausible wrong answers for 11-context-engineering: each must lose points in its test cell."""

from tests.mutants import Mutant

MODULE = "11-context-engineering"

_CHUNK = ("11-chunk-tests", "11-chunk-answer")
_SEARCH = ("11-search-tests", "11-search-answer")
_ASSEMBLE = ("11-assemble-tests", "11-assemble-answer")
_PARSE = ("11-parse-tests", "11-parse-answer")
_STRUCTURED = ("11-structured-tests", "11-structured-answer")
_EVALUATE = ("11-evaluate-tests", "11-evaluate-answer")
_GATE = ("11-gate-tests", "11-gate-answer")

MUTANTS = [
    # -- chunk_words -------------------------------------------------------------------
    Mutant(*_CHUNK, name="range-tail",
           why="a chunk starts every step up to the end, so the tail repeats inside the one before",
           source='def chunk_words(text, size, overlap):\n'
                  '    if size < 1 or not 0 <= overlap < size:\n'
                  '        raise ValueError("bad size or overlap")\n'
                  '    words = text.split()\n'
                  '    return [" ".join(words[i:i + size]) for i in range(0, len(words), size - overlap)]\n'),
    Mutant(*_CHUNK, name="overlap-ignored",
           why="steps by the chunk size, so consecutive chunks never overlap",
           replace=(("start += size - overlap", "start += size"),)),
    Mutant(*_CHUNK, name="overlap-as-step",
           why="steps by the overlap instead of size - overlap",
           replace=(("start += size - overlap", "start += max(1, overlap)"),)),
    Mutant(*_CHUNK, name="no-validation",
           why="accepts an overlap as large as the size (an endless loop guarded only by luck)",
           replace=(('    if size < 1 or not 0 <= overlap < size:\n'
                     '        raise ValueError("need size >= 1 and 0 <= overlap < size")\n', ''),
                    ("start += size - overlap", "start += max(1, size - overlap)"))),
    Mutant(*_CHUNK, name="split-on-space",
           why="splits on single spaces, so double spaces and newlines make empty or glued words",
           replace=(("words = text.split()", 'words = text.split(" ")'),)),
    # -- search ------------------------------------------------------------------------
    Mutant(*_SEARCH, name="no-lowercase",
           why="tokenises with str.split, so 'WARRANTY?' and 'warranty' are different words",
           replace=(("index = BM25Okapi([tokenize(chunk[\"text\"]) for chunk in chunks])",
                     "index = BM25Okapi([chunk[\"text\"].split() for chunk in chunks])"),
                    ("scores = index.get_scores(tokenize(query))",
                     "scores = index.get_scores(query.split())"))),
    Mutant(*_SEARCH, name="ascending",
           why="sorts by score ascending, so the worst matches come first",
           replace=(("key=lambda i: -scores[i]", "key=lambda i: scores[i]"),)),
    Mutant(*_SEARCH, name="zero-scores-kept",
           why="returns chunks that share no word with the query",
           replace=(("for i in order[:k] if scores[i] > 0]", "for i in order[:k]]"),)),
    Mutant(*_SEARCH, name="k-plus-one",
           why="off by one: returns k + 1 hits",
           replace=(("order[:k]", "order[:k + 1]"),)),
    Mutant(*_SEARCH, name="tfidf-instead",
           why="ranks with TF-IDF cosine similarity although the exercise asks for BM25",
           source='def search(query, chunks, k=5):\n'
                  '    from sklearn.feature_extraction.text import TfidfVectorizer\n'
                  '    from sklearn.metrics.pairwise import linear_kernel\n'
                  '    vec = TfidfVectorizer(token_pattern=r"[a-z0-9]+")\n'
                  '    matrix = vec.fit_transform([c["text"] for c in chunks])\n'
                  '    scores = linear_kernel(vec.transform([query]), matrix)[0]\n'
                  '    order = sorted(range(len(chunks)), key=lambda i: -scores[i])\n'
                  '    return [{"id": chunks[i]["id"], "text": chunks[i]["text"], "score": float(scores[i])}\n'
                  '            for i in order[:k] if scores[i] > 0]\n'),
    # -- assemble_context --------------------------------------------------------------
    Mutant(*_ASSEMBLE, name="stop-at-first-misfit",
           why="stops at the first passage that does not fit, although a shorter one may",
           replace=(("        if used + cost > budget_tokens:\n            continue",
                     "        if used + cost > budget_tokens:\n            break"),)),
    Mutant(*_ASSEMBLE, name="no-text-dedup",
           why="de-duplicates by id only, so the same text under two ids is sent twice",
           replace=(("if hit[\"id\"] in ids or normalised in seen_texts:", "if hit[\"id\"] in ids:"),)),
    Mutant(*_ASSEMBLE, name="budget-strict",
           why="off by one at the edge: a context that uses the budget exactly is refused",
           replace=(("if used + cost > budget_tokens:", "if used + cost >= budget_tokens:"),)),
    Mutant(*_ASSEMBLE, name="text-tokens-only",
           why="counts the passage text but not its [id] tag against the budget",
           replace=(("cost = labs.count_tokens(block)", "cost = labs.count_tokens(hit[\"text\"])"),)),
    Mutant(*_ASSEMBLE, name="sorted-by-id",
           why="sorts the hits by id, losing the ranking",
           replace=(("    for hit in hits:", "    for hit in sorted(hits, key=lambda h: h[\"id\"]):"),)),
    # -- parse_answer ------------------------------------------------------------------
    Mutant(*_PARSE, name="citations-unchecked",
           why="trusts any citation, including passages that were never in the context",
           replace=(("    if any(citation not in allowed_ids for citation in reply.citations):\n"
                     "        return None\n", ""),)),
    Mutant(*_PARSE, name="json-only",
           why="checks that the reply is JSON with the two keys, not their types",
           source='def parse_answer(content, allowed_ids):\n'
                  '    try:\n'
                  '        data = json.loads(content)\n'
                  '    except (TypeError, ValueError):\n'
                  '        return None\n'
                  '    if type(data) is not dict or "answer" not in data or "citations" not in data:\n'
                  '        return None\n'
                  '    if any(c not in allowed_ids for c in data["citations"] or []):\n'
                  '        return None\n'
                  '    return GroundedAnswer.model_construct(**data)\n'),
    Mutant(*_PARSE, name="lax-validation",
           why="drops a field it does not know before validating, so replies with extra fields pass",
           source='def parse_answer(content, allowed_ids):\n'
                  '    try:\n'
                  '        data = json.loads(content)\n'
                  '        data.pop("confidence", None)\n'
                  '        reply = GroundedAnswer.model_validate(data)\n'
                  '    except Exception:\n'
                  '        return None\n'
                  '    if any(c not in allowed_ids for c in reply.citations):\n'
                  '        return None\n'
                  '    return reply\n'),
    Mutant(*_PARSE, name="citation-required",
           why="rejects a reply without citations, so an honest 'cannot find it' counts as malformed",
           replace=(("    if any(citation not in allowed_ids for citation in reply.citations):",
                     "    if not reply.citations or any(citation not in allowed_ids for citation in reply.citations):"),)),
    Mutant(*_PARSE, name="chunk-prefix-match",
           why="accepts a citation when its passage (before #) was in the context",
           replace=(("if any(citation not in allowed_ids for citation in reply.citations):",
                     "if any(citation.split('#')[0] not in {a.split('#')[0] for a in allowed_ids}"
                     " for citation in reply.citations):"),)),
    # -- ask_structured ----------------------------------------------------------------
    Mutant(*_STRUCTURED, name="no-repair-message",
           why="retries the same conversation without showing the model its broken reply",
           replace=(("        conversation = conversation + [{\"role\": \"assistant\", \"content\": content},\n"
                     "                                       {\"role\": \"user\", \"content\": REPAIR}]\n",
                     ""),)),
    Mutant(*_STRUCTURED, name="mutates-caller",
           why="appends the repair turn to the caller's own list",
           replace=(("conversation = list(messages)", "conversation = messages"),
                    ("        conversation = conversation + [{\"role\": \"assistant\", \"content\": content},\n"
                     "                                       {\"role\": \"user\", \"content\": REPAIR}]\n",
                     "        conversation += [{\"role\": \"assistant\", \"content\": content},\n"
                     "                         {\"role\": \"user\", \"content\": REPAIR}]\n"))),
    Mutant(*_STRUCTURED, name="one-extra-attempt",
           why="off by one: max_attempts + 1 calls",
           replace=(("for _ in range(max_attempts):", "for _ in range(max_attempts + 1):"),)),
    Mutant(*_STRUCTURED, name="raises-when-exhausted",
           why="raises instead of returning a safe None when every attempt failed",
           replace=(("    return None", "    raise ValueError(\"no valid reply\")"),)),
    Mutant(*_STRUCTURED, name="swallows-api-errors",
           why="treats a provider error like a malformed reply and keeps trying",
           source='def ask_structured(client, messages, *, model, allowed_ids, max_attempts=3, max_tokens=200):\n'
                  '    conversation = list(messages)\n'
                  '    for _ in range(max_attempts):\n'
                  '        try:\n'
                  '            reply = client.chat.completions.create(model=model, messages=conversation,\n'
                  '                                                   max_tokens=max_tokens)\n'
                  '        except Exception:\n'
                  '            continue\n'
                  '        content = reply.choices[0].message.content\n'
                  '        parsed = parse_answer(content, allowed_ids)\n'
                  '        if parsed is not None:\n'
                  '            return parsed\n'
                  '        conversation = conversation + [{"role": "assistant", "content": content},\n'
                  '                                       {"role": "user", "content": REPAIR}]\n'
                  '    return None\n'),
    # -- evaluate ----------------------------------------------------------------------
    Mutant(*_EVALUATE, name="case-sensitive",
           why="compares answers case-sensitively",
           replace=(("row.answer.lower() in text.lower()", "row.answer in text"),)),
    Mutant(*_EVALUATE, name="exact-passage-id",
           why="compares chunk ids with passage ids as raw strings",
           replace=(("{c.split(\"#\")[0] for c in result[\"citations\"]}", "set(result[\"citations\"])"),)),
    Mutant(*_EVALUATE, name="total-cost",
           why="reports the total cost instead of the cost per question",
           replace=(("\"cost_per_question\": cost / n", "\"cost_per_question\": cost"),)),
    Mutant(*_EVALUATE, name="answered-base",
           why="divides accuracy by the answered questions only, flattering a pipeline that gives up",
           replace=(("    right = cited = 0\n", "    right = cited = answered = 0\n"),
                    ("        text = result[\"answer\"]\n",
                     "        text = result[\"answer\"]\n        answered += text is not None\n"),
                    ("\"accuracy\": right / n", "\"accuracy\": right / max(1, answered)"))),
    Mutant(*_EVALUATE, name="first-citation-only",
           why="checks only the first citation",
           replace=(("{c.split(\"#\")[0] for c in result[\"citations\"]}",
                     "{c.split(\"#\")[0] for c in result[\"citations\"][:1]}"),)),
    # -- quality_gate ------------------------------------------------------------------
    Mutant(*_GATE, name="relative-accuracy-drop",
           why="measures the accuracy drop relative to the baseline, not in points",
           replace=(("drop = baseline[\"accuracy\"] - report[\"accuracy\"]",
                     "drop = (baseline[\"accuracy\"] - report[\"accuracy\"]) / baseline[\"accuracy\"]"),)),
    Mutant(*_GATE, name="citation-drop-not-floor",
           why="compares the citation rate with the baseline's instead of an absolute floor",
           replace=(("if report[\"citation_rate\"] < min_citation_rate:",
                     "if baseline[\"citation_rate\"] - report[\"citation_rate\"] > 1 - min_citation_rate:"),)),
    Mutant(*_GATE, name="cost-absolute",
           why="reads the cost margin as dollars added rather than a relative rise",
           replace=(("limit = baseline[\"cost_per_question\"] * (1 + max_cost_increase)",
                     "limit = baseline[\"cost_per_question\"] + max_cost_increase"),)),
    Mutant(*_GATE, name="strict-edges",
           why="holds a change that sits exactly on a margin",
           replace=(("if drop > max_accuracy_drop:", "if drop >= max_accuracy_drop:"),
                    ("if report[\"cost_per_question\"] > limit:", "if report[\"cost_per_question\"] >= limit:"))),
]
