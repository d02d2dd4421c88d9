"""MkDocs hook: mark the blocks of an answer that a phone may leave unrendered until the reader scrolls near them.

On small screens assets/stylesheets/reader.css gives the marked blocks ``content-visibility: auto``: the browser
then neither styles nor lays them out while they are far from the screen, which makes the long answer pages
start several times faster on a slow phone. Not marked:

* the first five blocks of the answer (the one inside ``<div class="practice-answer">``, see hooks/practice.py),
  which may be on the first screen, where a late size would shift the page;
* the last six, at least a screen and a half on a phone on every page: a reader (or a tool such as Lighthouse's
  contrast check) who goes to the footer finds the blocks above it at their real height, so the footer does
  not move away (tests/browser/test_layout.py).

The choice is made here rather than in CSS because a ``:nth-last-child()`` rule made the browser restyle every
block of the answer each time the parser added one: one such restyle took 1.35 s in a Lighthouse run.
"""

from __future__ import annotations

import functools
from html.parser import HTMLParser

ANSWER = '<div class="practice-answer"'
MARK = " data-offscreen"
KEEP_FIRST = 5
KEEP_LAST = 6
BLOCK_TAGS = {"p", "ul", "ol", "table", "blockquote", "details"}
BLOCK_CLASSES = {"highlight", "arithmatex", "admonition", "tabbed-set"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class TopLevel(HTMLParser):
    """Collects the offset, tag and classes of each top-level element of an HTML fragment."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.line_starts = [0]
        for line in text.splitlines(keepends=True):
            self.line_starts.append(self.line_starts[-1] + len(line))
        self.depth = 0
        self.blocks: list[tuple[int, str, set[str]]] = []

    def handle_starttag(self, tag, attrs):  # noqa: D102 - HTMLParser callback
        if self.depth == 0:
            line, column = self.getpos()
            classes = set((dict(attrs).get("class") or "").split())
            self.blocks.append((self.line_starts[line - 1] + column, tag, classes))
        if tag not in VOID:
            self.depth += 1

    def handle_startendtag(self, tag, attrs):  # noqa: D102 - HTMLParser callback
        if self.depth == 0:
            line, column = self.getpos()
            self.blocks.append((self.line_starts[line - 1] + column, tag, set()))

    def handle_endtag(self, tag):  # noqa: D102 - HTMLParser callback
        if tag not in VOID:
            self.depth -= 1


def top_level_blocks(fragment: str) -> list[tuple[int, str, set[str]]]:
    """``(offset, tag, classes)`` of every top-level element of ``fragment``, in order."""
    parser = TopLevel(fragment)
    parser.feed(fragment)
    parser.close()
    return parser.blocks


@functools.lru_cache(maxsize=128)  # while serving, unchanged pages come back on every rebuild
def mark_offscreen_blocks(content: str) -> str:
    """``content`` with ``data-offscreen`` on the answer's blocks between its first five and its last six."""
    start = content.find(ANSWER)
    if start == -1:
        return content
    body = content.index(">", start) + 1
    end = content.rindex("</div>")  # the answer wraps the rest of the page
    blocks = top_level_blocks(content[body:end])
    after_names = [
        body + offset + 1 + len(tag)  # just after "<tag"
        for offset, tag, classes in blocks[KEEP_FIRST : max(KEEP_FIRST, len(blocks) - KEEP_LAST)]
        if tag in BLOCK_TAGS or (tag == "div" and classes & BLOCK_CLASSES)
    ]
    pieces, last = [], 0
    for at in after_names:
        pieces += [content[last:at], MARK]
        last = at
    pieces.append(content[last:])
    return "".join(pieces)


def on_page_content(html, page, config, files):  # noqa: D103 - MkDocs event
    return mark_offscreen_blocks(html)
