"""Golden queries, typed into the real search box of the built site: each must find its question page in the top 3.

The queries live in ``golden_queries.yml`` (both languages). A query whose question page does not exist yet is
skipped, not failed; once the page exists the query must pass.
"""

from __future__ import annotations

import json
from urllib.parse import urljoin

import pytest

from tests.browser.helpers import DOCS, SearchBox, load_golden, page_url, questions

TOP = 3
GOLDEN = load_golden()


def query_id(entry: dict, number: int) -> str:
    """A readable ASCII test id: the question id and the query (or its position, for non-ASCII queries)."""
    query = entry["query"] if entry["query"].isascii() else f"query-{number}"
    return f"{entry['id']}:{query}"


@pytest.fixture(scope="module")
def search_box(context, site_url):
    page = context.new_page()
    page.goto(site_url)
    yield SearchBox(page)
    page.close()


@pytest.mark.browser
@pytest.mark.xdist_group("search")  # one search box (the index loaded once) for every query
@pytest.mark.parametrize("entry", GOLDEN, ids=[query_id(e, n) for n, e in enumerate(GOLDEN, start=1)])
def test_golden_query(entry, search_box, site_url) -> None:
    if not (DOCS / entry["page"]).exists():
        pytest.skip(f"docs/{entry['page']} does not exist yet")
    expected = urljoin(site_url, page_url(entry["page"]))
    results = search_box.search(entry["query"])
    assert expected in results[:TOP], f"{entry['query']!r}: {expected} not in the top {TOP} of {results[:10]}"


def test_golden_list_covers_every_question() -> None:
    covered = {entry["id"] for entry in GOLDEN}
    missing = {q["id"] for q in questions()} - covered
    assert not missing, f"no golden query for {sorted(missing)}"
    assert len(GOLDEN) >= 30
    has_han = [any("\u4e00" <= ch <= "\u9fff" for ch in entry["query"]) for entry in GOLDEN]
    assert sum(has_han) >= 10 and has_han.count(False) >= 10, "keep both Chinese and English queries"


def test_search_index_config(built_site) -> None:
    """English terms are indexed unstemmed and Chinese words are split at the zero-width spaces jieba adds."""
    index = json.loads((built_site.directory / "search" / "search_index.json").read_text(encoding="utf-8"))
    config = index["config"]
    assert config["lang"] == ["en"]
    assert not {"stemmer", "trimmer"} & set(config["pipeline"])
    assert "\\u200b" in config["separator"]
    segmented = [doc for doc in index["docs"] if "\u200b" in doc["title"] + doc["text"]]
    assert segmented, "no Chinese text was segmented: is jieba importable?"
