"""MkDocs hook: leave the source listings of the API reference out of the search index.

mkdocstrings shows the source of every documented object in a collapsed ``<details class="mkdocstrings-source">``.
Indexed, those listings were over a quarter of ``search_index.json`` (212 of 785 kB), which every page
downloads when it opens, on readers' phone connections too, and they made searches for a word match code lines
rather than the answers. The docstrings and signatures stay searchable; the question pages keep their code
in the index too. Material's search plugin skips elements marked ``data-search-exclude`` (and removes the
mark from the page afterwards); this hook runs before it indexes the page.

The search plugin still parsed every excluded listing tag by tag before skipping it: the two largest pages of
the site (the API reference of ``examples.mllm`` and ``examples.attention``) are mostly listings. The plugin is
handed each page without its excluded listings instead, which gives the same index in less time; and without
the ``<span>`` tags of the remaining code listings (Pygments' tokens, about a third of a question page's tags),
whose text it keeps and whose tags it drops: the same index again, in about 40 % of the time.
"""

from __future__ import annotations

import re

SOURCE = '<details class="mkdocstrings-source">'
EXCLUDED = '<details class="mkdocstrings-source" data-search-exclude="source">'
EXCLUDED_LISTING = re.compile(re.escape(EXCLUDED) + r".*?</details>", re.S)  # listings hold no <details>


def exclude_sources(html: str) -> str:
    """``html`` with every mkdocstrings source listing marked for Material's search to skip."""
    return html.replace(SOURCE, EXCLUDED)


def without_excluded_sources(html: str) -> str:
    """``html`` without the listings :func:`exclude_sources` marked (what the search plugin indexes of it)."""
    return EXCLUDED_LISTING.sub("", html)


PRE = re.compile(r"<pre\b[^>]*>.*?</pre>", re.S)
SPAN_TAG = re.compile(r"</?span\b[^>]*>")


def without_spans_in_listings(html: str) -> str:
    """``html`` with the ``<span>`` tags inside each ``<pre>`` removed, their text kept.

    Pygments wraps each token of a code block in a span: about a third of a question page's tags. The search
    plugin keeps the text of a span and drops the tag, so the index is the same without them.
    """
    return PRE.sub(lambda match: SPAN_TAG.sub("", match.group(0)), html)


def indexing_without_sources(add_entry_from_context):
    """The search index's ``add_entry_from_context``, fed each page without its excluded listings."""

    def add(page) -> None:
        content = page.content
        page.content = without_spans_in_listings(without_excluded_sources(content))
        try:
            add_entry_from_context(page)
        finally:
            page.content = content

    return add


def on_config(config):  # noqa: D103 - MkDocs event
    search = config.plugins.get("material/search") or config.plugins.get("search")  # Material's name first
    index = getattr(search, "search_index", None)
    if index is not None:
        index.add_entry_from_context = indexing_without_sources(index.add_entry_from_context)
    return config


def on_page_content(html, page, config, files):  # noqa: D103 - MkDocs event
    return exclude_sources(html)
