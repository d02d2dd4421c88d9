"""MkDocs hook: leave the source listings of the API reference out of the search index.

mkdocstrings shows the source of every documented object in a collapsed ``<details class="mkdocstrings-source">``.
Indexed, those listings were over a quarter of ``search_index.json`` (212 of 785 kB), which every page
downloads when it opens, on readers' phone connections too, and they made searches for a word match code lines
rather than the answers. The docstrings and signatures stay searchable; the question pages keep their code
in the index too. Material's search plugin skips elements marked ``data-search-exclude`` (and removes the
mark from the page afterwards); this hook runs before it indexes the page.
"""

from __future__ import annotations

SOURCE = '<details class="mkdocstrings-source">'
EXCLUDED = '<details class="mkdocstrings-source" data-search-exclude="source">'


def exclude_sources(html: str) -> str:
    """``html`` with every mkdocstrings source listing marked for Material's search to skip."""
    return html.replace(SOURCE, EXCLUDED)


def on_page_content(html, page, config, files):  # noqa: D103 - MkDocs event
    return exclude_sources(html)
