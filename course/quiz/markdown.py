"""Markdown → safe HTML for quiz prompts, explanations, hints and feedback, with ``mistune``.

mistune's raw-HTML rules are switched off and everything is escaped, so raw HTML in a bank
is shown as text, never run, and the Markdown around it still works. Links keep only
http(s) targets (any other link shows its text) and images show their alt text. The banks
use paragraphs, lists, ``inline code``, fenced code blocks, **bold**, *italic* and
[links](https://…).
"""

from __future__ import annotations

import functools
import html
import re
from typing import Any

_TAG = re.compile(r"<[^>]+>")
_PARAGRAPH = re.compile(r"\A<p>(.*)</p>\Z", re.DOTALL)


@functools.cache
def _markdown() -> Any:
    import mistune

    class SafeRenderer(mistune.HTMLRenderer):
        """mistune's renderer with http(s) links only and no images."""

        def link(self, text: str, url: str, title: str | None = None) -> str:
            if not url.lower().startswith(("http://", "https://")):
                return text
            return super().link(text, url, title)

        def image(self, text: str, url: str, title: str | None = None) -> str:
            return text

    markdown = mistune.create_markdown(escape=True, renderer=SafeRenderer(escape=True))
    markdown.block.rules.remove("raw_html")  # raw HTML is never a block of its own ...
    markdown.inline.rules.remove("inline_html")  # ... nor inline: it is text, escaped
    return markdown


def to_html(text: str) -> str:
    """Convert a Markdown prompt, explanation or hint to safe HTML."""
    return str(_markdown()(text or "")).strip()


def inline(text: str) -> str:
    """One line of Markdown (an option, a feedback message) as HTML without a ``<p>``."""
    out = to_html(text)
    match = _PARAGRAPH.match(out)
    return match.group(1) if match and "<p>" not in match.group(1) else out


def to_text(text: str) -> str:
    """Markdown reduced to plain text (for widget labels that cannot hold HTML)."""
    return html.unescape(_TAG.sub("", inline(text)))
