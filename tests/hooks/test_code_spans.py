"""hooks/code_spans.py: name and whitespace token spans go, the code and the other tokens stay."""

from __future__ import annotations

import html
import re
from pathlib import Path

import material
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

TAG = re.compile(r"<[^>]+>")


def text_of(markup: str) -> str:
    return html.unescape(TAG.sub("", markup))


def pygments_html(source: str) -> str:
    return highlight(source, PythonLexer(), HtmlFormatter())


@pytest.fixture(scope="module")
def hook(load_hook):
    return load_hook("code_spans")


def test_a_code_block_keeps_its_text_and_its_styled_tokens(hook) -> None:
    source = "def scale(q, d: int) -> float:\n    return q / d ** 0.5  # 1/sqrt(d)\n"
    before = pygments_html(source)
    after = hook.unwrap_plain_tokens(before)
    assert '<span class="n">' in before and '<span class="w">' in before
    assert '<span class="n">' not in after and '<span class="w">' not in after
    assert text_of(after) == text_of(before)
    for kept in ("k", "nf", "o", "mf", "c1"):  # keyword, function name, operator, number, comment
        assert before.count(f'<span class="{kept}">') == after.count(f'<span class="{kept}">') > 0


@given(st.text(alphabet=st.sampled_from(list("ab_ (),.:=+-*/<>&\"'#\n\t1")), max_size=200))
def test_any_python_like_source_reads_the_same(hook, source: str) -> None:
    before = pygments_html(source)
    assert text_of(hook.unwrap_plain_tokens(before)) == text_of(before)


def test_material_still_draws_names_in_the_plain_code_colour() -> None:
    """The hook relies on it: if Material gives names a colour of their own, the spans must stay."""
    assets = Path(material.__file__).parent / "templates" / "assets" / "stylesheets"
    css = "".join(path.read_text(encoding="utf-8") for path in assets.glob("*.css"))
    assert "--md-code-hl-name-color:var(--md-code-fg-color)" in css
    assert re.search(r"\.highlight \.w\b", css) is None
