"""Helpers shared by the browser tests: the golden queries and the site's search box."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DOCS = ROOT / "docs"
PLACEHOLDER = "Type to start searching"  # Material's text while the query is empty (theme language: en)


def questions() -> list[dict]:
    """Every interview question, in interview order (docs/questions.yml)."""
    return yaml.safe_load((DOCS / "questions.yml").read_text(encoding="utf-8"))


def load_golden(edition: str = "en") -> list[dict]:
    """The golden queries of an edition (golden_queries.yml, ``edition`` default en), each with its question's ``page``."""
    pages = {q["id"]: q["page"] for q in questions()}
    golden = yaml.safe_load((HERE / "golden_queries.yml").read_text(encoding="utf-8"))
    golden = [entry for entry in golden if entry.get("edition", "en") == edition]
    for entry in golden:
        entry["page"] = pages[entry["id"]]
    return golden


def page_url(source: str, directory_urls: bool = True) -> str:
    """The URL, relative to the site root, of the page built from ``docs/<source>``."""
    stem = source.removesuffix(".md")
    if not directory_urls:
        return stem + ".html"
    return "" if stem == "index" else stem.removesuffix("/index") + "/"


def strip_query(url: str) -> str:
    """``url`` without its query (Material's ``?h=`` highlight) and fragment."""
    return urlunsplit(urlsplit(url)._replace(query="", fragment=""))


class SearchBox:
    """The header search box of one open page of the site."""

    def __init__(self, page, placeholder: str = PLACEHOLDER) -> None:
        self.page = page
        self.placeholder = placeholder
        self.input = page.locator("input.md-search__input")
        self.meta = page.locator(".md-search-result__meta")
        self.input.click()
        self.meta.filter(has_text=placeholder).wait_for()  # the index is loaded and the worker is ready

    def search(self, query: str) -> list[str]:
        """Type ``query`` in place of the box's text; return the URLs of the result pages, best first.

        Material rewrites the line above the results (``.md-search-result__meta``) with every answer of its
        worker, which puts a new text node in it even when the words are the same: the results are read once the
        line's text node is not the one it held before the query was typed. A query equal to the box's text would
        not be searched again: the box is emptied first.
        """
        if self.input.input_value() == query:
            self.input.fill("")
            self.input.press("End")  # Material reads the box on keyup
            self.meta.filter(has_text=self.placeholder).wait_for()
        self.meta.evaluate("meta => { window.searchBoxAnswered = meta.firstChild }")
        self.input.fill(query)
        self.input.press("End")
        self.page.wait_for_function(
            "() => document.querySelector('.md-search-result__meta').firstChild !== window.searchBoxAnswered"
        )
        return [strip_query(href) for href in self.results().evaluate_all("links => links.map(a => a.href)")]

    def results(self):
        """The result links, one per page (its best sections are left out), best first."""
        return self.page.locator("li.md-search-result__item > a.md-search-result__link:first-child")
