"""hooks/search_scope.py: mkdocstrings' source listings are marked for Material's search to skip."""

from __future__ import annotations

import markdown
from material.plugins.search.plugin import Parser

PAGE = (
    "<h2 id='f'>f</h2><p>Docstring words.</p>"
    '<details class="mkdocstrings-source"><summary>Source code in <code>f.py</code></summary>'
    "<pre><code>def f(): return sourceonlyword</code></pre></details>"
)


def parsed(html: str) -> list:
    """The sections Material's search parser makes of ``html``."""
    parser = Parser()
    parser.feed(html)
    parser.close()
    return parser.data


def indexed_text(html: str) -> str:
    return " ".join("".join(section.text) for section in parsed(html))


def test_sources_leave_the_index_and_docstrings_stay(load_hook) -> None:
    hook = load_hook("search_scope")
    assert "sourceonlyword" in indexed_text(PAGE)  # Material indexes the listing unless told not to
    text = indexed_text(hook.exclude_sources(PAGE))
    assert "Docstring words." in text
    assert "sourceonlyword" not in text


def sections(html: str) -> list[tuple]:
    """What Material's search indexes of ``html``: each section's title, anchor and text."""
    return [("".join(section.title), section.id, "".join(section.text)) for section in parsed(html)]


def test_spans_in_listings_are_dropped_and_the_index_is_the_same(load_hook) -> None:
    hook = load_hook("search_scope")
    source = (
        "# Title\n\nSome `x < y` text with <span class='kept'>a span</span>.\n\n"
        '```python title="demo.py"\nif a < b and c & d:\n    print("<tag> &amp;", \'q\')  # note\n```\n\n'
        "## Second\n\n```text\nplain <listing>\n```\n"
    )
    extensions = ["toc", "pymdownx.highlight", "pymdownx.superfences", "pymdownx.inlinehilite"]
    html = markdown.markdown(source, extensions=extensions)
    stripped = hook.without_spans_in_listings(html)
    assert html.count("<span") > 10  # Pygments' tokens
    inside = [part.split("</pre>")[0] for part in stripped.split("<pre")[1:]]
    assert inside and not any("<span" in part for part in inside)  # no span left in any listing
    assert "<span class='kept'>a span</span>" in stripped  # outside listings: kept
    assert [title for title, _, _ in sections(html)] == ["Title", "Second"]
    assert sections(stripped) == sections(html)
