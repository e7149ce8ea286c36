"""No run of 12 or more words shared with the source articles in learner-facing text.

Scanned: the markdown cells and code comments of ``solutions/*/*.ipynb`` (``notebooks/`` is
generated from them), every string of the quiz banks, and the instructor notes
``instructor/*.md``. Words are compared lower-cased with punctuation, Markdown and spacing
ignored, so re-punctuating a copied sentence does not hide it.

A quotation with its author is allowed. Marked quotations are:

- a Markdown blockquote (lines starting with ``>``) whose last line is an attribution
  starting with a dash (``> — Andrej Karpathy, on Twitter (2023)``), or followed directly by
  such a line;
- an inline quotation in double quotes (straight or curly) followed by an attribution in
  the same line: a dash and a capitalised name (``"…" — Chip Huyen``) or a bracket opening
  on a capitalised name (``"…" (Karpathy, 2025)``), or preceded by a capitalised name and a
  verb of saying (``Karpathy wrote: "…"``, ``as Huyen puts it, "…"``).

The articles are read from the folder named by ``COURSE_SEEDS_DIR`` (``*.txt``; relative
paths are taken from the repository root; ``.ci/run`` sets ``../shared/seeds``). When the
variable is set and the folder is missing or empty the test FAILS; only when it is unset
(a local checkout without the articles) is the scan skipped, with that reason.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
RUN = 12

_WORD = re.compile(r"[a-z0-9]+")
_DASH = r"(?:—|–|--)"
_NAME = r"[A-Z][\w.'’-]*"
_QUOTE = r"(?:\"[^\"\n]{3,}\"|“[^”\n]{3,}”)"
_SAY = r"(?:says|said|writes|wrote|puts it|put it|calls it|called it|tweeted|argues|argued)"
_INLINE_AFTER = re.compile(rf"{_QUOTE}[.,;:!?]?\s*(?:{_DASH}\s*|\(\s*){_NAME}")
_INLINE_BEFORE = re.compile(rf"{_NAME}(?:\s+{_NAME})*,?\s+{_SAY}[,:]?\s*{_QUOTE}")
_ATTRIBUTION = re.compile(rf"^\s*>?\s*{_DASH}\s*{_NAME}")


def norm_words(text: str) -> list[str]:
    """Lower-case words with punctuation, Markdown and spacing ignored (ASCII folding)."""
    text = text.lower().replace("’", "'").replace("'", "")
    return _WORD.findall(text)


def strip_quotations(text: str) -> str:
    """``text`` without its marked quotations (see the module docstring)."""
    lines, out, block = text.splitlines(), [], []

    def flush(attributed: bool) -> None:
        if not attributed:
            out.extend(block)
        block.clear()

    for i, line in enumerate(lines):
        if line.lstrip().startswith(">"):
            block.append(line)
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            if not nxt.lstrip().startswith(">"):
                last = block[-1]
                flush(bool(_ATTRIBUTION.match(last)) or bool(_ATTRIBUTION.match(nxt)))
            continue
        out.append(line)
    kept = "\n".join(out)
    kept = _INLINE_AFTER.sub(" ", kept)
    return _INLINE_BEFORE.sub(" ", kept)


def shingles(words: list[str], n: int = RUN) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def shared_runs(text: str, source: set[tuple[str, ...]]) -> list[str]:
    """Maximal runs of >= RUN words of ``text`` (quotations removed) found in ``source``."""
    words = norm_words(strip_quotations(text))
    hits = [i for i in range(len(words) - RUN + 1) if tuple(words[i:i + RUN]) in source]
    runs, start, end = [], None, None
    for i in hits:
        if start is not None and i <= end - RUN + 1:
            end = i + RUN
            continue
        if start is not None:
            runs.append(" ".join(words[start:end]))
        start, end = i, i + RUN
    if start is not None:
        runs.append(" ".join(words[start:end]))
    return runs


def _strings(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def learner_texts(root: Path = ROOT) -> list[tuple[str, str]]:
    """(where, text) for every piece of learner- or instructor-facing text."""
    texts: list[tuple[str, str]] = []
    for path in sorted((root / "solutions").glob("*/*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for index, cell in enumerate(nb["cells"]):
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            where = f"{path.relative_to(root)} cell {index}"
            if cell["cell_type"] == "markdown":
                texts.append((where, source))
            elif cell["cell_type"] == "code":
                comments = [line.split("#", 1)[1] for line in source.splitlines()
                            if "#" in line]
                if comments:
                    texts.append((where + " (comments)", "\n".join(comments)))
    for path in sorted((root / "course" / "quiz" / "banks").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for q in data.get("questions", []):
            texts.append((f"{path.relative_to(root)} {q.get('id')}", "\n".join(_strings(q))))
    for path in sorted((root / "instructor").glob("*.md")):
        texts.append((str(path.relative_to(root)), path.read_text(encoding="utf-8")))
    return texts


def seeds_dir() -> Path:
    value = os.environ.get("COURSE_SEEDS_DIR")
    if not value:
        pytest.skip("COURSE_SEEDS_DIR is not set (CI sets it to ../shared/seeds); "
                    "the copy scan needs the source articles")
    path = Path(value)
    return path if path.is_absolute() else (ROOT / path).resolve()


def source_shingles(folder: Path) -> set[tuple[str, ...]]:
    articles = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    assert articles, f"COURSE_SEEDS_DIR={folder} holds no source articles (*.txt)"
    found: set[tuple[str, ...]] = set()
    for path in articles:
        found |= shingles(norm_words(path.read_text(encoding="utf-8")))
    return found


# --- the rules themselves, on planted text ------------------------------------------------

ARTICLE = ("The relationship is not a competition between the two roles at all, it is a "
           "handoff from research to product and then to production engineering.")
COPIED = "As we saw, the relationship is not a competition between the two roles at all here."


def test_a_copied_run_is_found_whatever_the_punctuation_and_case():
    source = shingles(norm_words(ARTICLE))
    assert shared_runs(COPIED, source) == [
        "the relationship is not a competition between the two roles at all"]
    assert shared_runs(COPIED.upper().replace(" ", "  ").replace("two", "two,"), source)


def test_eleven_shared_words_are_allowed():
    source = shingles(norm_words(ARTICLE))
    assert shared_runs("So the relationship is not a competition between the two roles.",
                       source) == []


@pytest.mark.parametrize("quoted", [
    f'> {COPIED}\n> — Ismat, BirJob (2026)',
    f'> {COPIED}\n— Ismat, BirJob',
    f'The author puts it plainly: "{COPIED}" — Ismat, BirJob.',
    f'“{COPIED}” (Ismat, BirJob)',
    f'Ismat writes: "{COPIED}"',
])
def test_a_quotation_with_its_author_is_allowed(quoted):
    assert shared_runs(quoted, shingles(norm_words(ARTICLE))) == []


@pytest.mark.parametrize("unattributed", [
    f"> {COPIED}",
    f'"{COPIED}"',
    f"**{COPIED}**",
])
def test_a_quotation_without_author_is_still_a_copy(unattributed):
    assert shared_runs(unattributed, shingles(norm_words(ARTICLE)))


def test_a_set_but_missing_seeds_folder_fails(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_SEEDS_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(AssertionError, match="holds no source articles"):
        source_shingles(seeds_dir())


# --- the real course ---------------------------------------------------------------------


def test_no_unquoted_run_of_twelve_words_from_the_sources():
    source = source_shingles(seeds_dir())
    found = [f"{where}: “{run}”" for where, text in learner_texts()
             for run in shared_runs(text, source)]
    assert not found, (f"{len(found)} run(s) of {RUN}+ words shared with the source "
                       "articles (rephrase, or quote with the author):\n" + "\n".join(found))
