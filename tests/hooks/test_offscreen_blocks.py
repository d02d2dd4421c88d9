"""hooks/offscreen_blocks.py: the answer's blocks between its first five and its last six are marked."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

BLOCKS = {
    "p": "<p>text <code>x</code></p>",
    "code": '<div class="language-python highlight"><pre><code>x = 1\n</code></pre></div>',
    "formula": '<div class="arithmatex" role="img" aria-label="x"><span class="katex">x</span></div>',
    "list": "<ul>\n<li>a<br>b</li>\n<li><p>c</p></li>\n</ul>",
    "heading": '<h2 id="h">Heading</h2>',
    "rule": "<hr>",
    "note": '<div class="admonition note"><p>note</p><div class="highlight"><pre>x</pre></div></div>',
}
MARKABLE = {"p", "code", "formula", "list", "note"}


def page(kinds: list[str]) -> str:
    answer = "\n".join(BLOCKS[kind] for kind in kinds)
    return f'<h1>Q</h1><div class="practice-bar"></div><div class="practice-answer" data-question="R1-1">{answer}</div>'


def with_mark(block: str) -> str:
    """``block`` with the mark after the tag name of its opening tag (the oracle)."""
    name = block[1:].split(">", 1)[0].split()[0]
    return f"<{name} data-offscreen" + block[1 + len(name) :]


@given(st.lists(st.sampled_from(sorted(BLOCKS)), max_size=20))
def test_blocks_between_the_first_five_and_the_last_six_are_marked(load_hook, kinds) -> None:
    hook = load_hook("offscreen_blocks")
    expected = [
        with_mark(BLOCKS[kind]) if 5 <= i < len(kinds) - 6 and kind in MARKABLE else BLOCKS[kind]
        for i, kind in enumerate(kinds)
    ]
    answer = "\n".join(expected)
    assert hook.mark_offscreen_blocks(page(kinds)) == page(kinds).replace("\n".join(BLOCKS[k] for k in kinds), answer)


def test_pages_without_an_answer_are_unchanged(load_hook) -> None:
    hook = load_hook("offscreen_blocks")
    assert hook.mark_offscreen_blocks("<p>home</p>" * 20) == "<p>home</p>" * 20
