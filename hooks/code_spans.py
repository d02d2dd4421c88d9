"""MkDocs hook: drop the Pygments spans of highlighted code that change nothing on screen.

Pygments wraps every token of a code block in a span. Two kinds carry no style of their own under Material:
names (``<span class="n">``, coloured ``--md-code-hl-name-color``, which Material sets to the code's own text
colour in both schemes) and whitespace (``<span class="w">``, no rule at all). They are a sixth of the elements
of a code-heavy page, and a phone styles and lays out every element, so they are replaced by their text.
tests/hooks/test_code_spans.py checks that Material still gives names the plain code colour.
"""

from __future__ import annotations

import re

PLAIN_TOKEN = re.compile(r'<span class="[nw]">([^<]*)</span>')


def unwrap_plain_tokens(output: str) -> str:
    """``output`` with every name and whitespace token span replaced by its text."""
    return PLAIN_TOKEN.sub(r"\1", output)


def on_post_page(output, page, config):  # noqa: D103 - MkDocs event
    return unwrap_plain_tokens(output)
