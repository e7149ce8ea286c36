"""A tiny, safe Markdown → HTML converter for quiz prompts (no dependency).

Supported: paragraphs, fenced code blocks (```), ``- `` / ``* `` and ``1. `` lists,
``inline code``, **bold**, *italic* and [links](https://…) with http(s) targets only.
Everything is HTML-escaped first, so raw HTML in a bank is shown as text, never run.
"""

from __future__ import annotations

import html
import re

_CODE = re.compile(r"`([^`]+)`")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")


def inline(text: str) -> str:
    """Escape ``text`` and apply inline code, bold, italic and links."""
    pieces = []
    last = 0
    for match in _CODE.finditer(text):
        pieces.append(_inline_plain(text[last:match.start()]))
        pieces.append(f"<code>{html.escape(match.group(1))}</code>")
        last = match.end()
    pieces.append(_inline_plain(text[last:]))
    return "".join(pieces)


def _inline_plain(text: str) -> str:
    s = html.escape(text)
    s = _LINK.sub(lambda m: f'<a href="{m.group(2)}">{m.group(1)}</a>', s)
    s = _BOLD.sub(r"<strong>\1</strong>", s)
    return _ITALIC.sub(r"<em>\1</em>", s)


def to_html(text: str) -> str:
    """Convert a Markdown prompt, explanation or hint to safe HTML."""
    out: list[str] = []
    para: list[str] = []
    items: list[str] = []
    list_tag = ""
    lines = (text or "").splitlines()

    def flush() -> None:
        nonlocal list_tag
        if para:
            out.append("<p>" + inline(" ".join(s.strip() for s in para)) + "</p>")
            para.clear()
        if items:
            lis = "".join(f"<li>{inline(item)}</li>" for item in items)
            out.append(f"<{list_tag}>{lis}</{list_tag}>")
            items.clear()
            list_tag = ""

    i = 0
    while i < len(lines):
        line = lines[i]
        fence = line.strip()
        if fence.startswith("```"):
            flush()
            lang = fence[3:].strip()
            body: list[str] = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith("```"):
                body.append(lines[i])
                i += 1
            cls = f' class="language-{html.escape(lang)}"' if lang else ""
            out.append(f"<pre><code{cls}>{html.escape(chr(10).join(body))}</code></pre>")
            i += 1
            continue
        bullet, numbered = _BULLET.match(line), _NUMBERED.match(line)
        if bullet or numbered:
            tag = "ul" if bullet else "ol"
            if para or (items and tag != list_tag):
                flush()
            list_tag = tag
            items.append((bullet or numbered).group(1))
        elif not line.strip():
            flush()
        elif items and line.startswith((" ", "\t")):
            items[-1] += " " + line.strip()
        else:
            if items:
                flush()
            para.append(line)
        i += 1
    flush()
    return "\n".join(out)


def to_text(text: str) -> str:
    """Markdown reduced to plain text (for widget labels that cannot hold HTML)."""
    s = _LINK.sub(r"\1", text or "")
    s = _BOLD.sub(r"\1", s)
    s = _ITALIC.sub(r"\1", s)
    return s.replace("`", "")
