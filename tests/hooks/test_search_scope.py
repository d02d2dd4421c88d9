"""hooks/search_scope.py: mkdocstrings' source listings are marked for Material's search to skip."""

from __future__ import annotations

from material.plugins.search.plugin import Parser

PAGE = (
    "<h2 id='f'>f</h2><p>Docstring words.</p>"
    '<details class="mkdocstrings-source"><summary>Source code in <code>f.py</code></summary>'
    "<pre><code>def f(): return sourceonlyword</code></pre></details>"
)


def indexed_text(html: str) -> str:
    parser = Parser()
    parser.feed(html)
    parser.close()
    return " ".join("".join(section.text) for section in parser.data)


def test_sources_leave_the_index_and_docstrings_stay(load_hook) -> None:
    hook = load_hook("search_scope")
    assert "sourceonlyword" in indexed_text(PAGE)  # Material indexes the listing unless told not to
    text = indexed_text(hook.exclude_sources(PAGE))
    assert "Docstring words." in text
    assert "sourceonlyword" not in text
