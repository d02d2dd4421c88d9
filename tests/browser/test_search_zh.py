"""Golden queries of the Chinese edition, typed into the search box of /zh/: each finds the zh page of its question
in the top 3, and no API reference or notebook page ranks above it.

The queries are the ``edition: zh`` entries of golden_queries.yml: concept words a Chinese reader types (低秩,
旋转位置编码, 视频 token 压缩 ...) and English terms typed as they are (LoRA, Q-Former, Kadane, KV cache). A query
whose zh page does not exist yet is skipped, not failed; tests/docs/test_twins.py fails for the missing page.
"""

from __future__ import annotations

from urllib.parse import urljoin

import pytest

from tests.browser.helpers import DOCS, SearchBox, load_golden, page_url, questions
from tests.browser.test_search import query_id

TOP = 3
ZH_PLACEHOLDER = "键入以开始搜索"  # Material's "Type to start searching" with theme.language zh
GOLDEN = load_golden("zh")
SECONDARY = ("zh/reference/", "zh/notebooks/")  # pages a question page must outrank for its own words


@pytest.fixture(scope="module")
def search_box(context, site_url):
    page = context.new_page()
    page.goto(urljoin(site_url, "zh/"))
    yield SearchBox(page, placeholder=ZH_PLACEHOLDER)
    page.close()


@pytest.mark.browser
@pytest.mark.xdist_group("search-zh")  # one search box (the index loaded once) for every query
@pytest.mark.parametrize("entry", GOLDEN, ids=[query_id(e, n) for n, e in enumerate(GOLDEN, start=1)])
def test_golden_query_zh(entry, search_box, site_url) -> None:
    if not (DOCS / "zh" / entry["page"]).exists():
        pytest.skip(f"docs/zh/{entry['page']} does not exist yet")
    expected = urljoin(site_url, "zh/" + page_url(entry["page"]))
    results = search_box.search(entry["query"])
    assert expected in results[:TOP], f"{entry['query']!r}: {expected} not in the top {TOP} of {results[:10]}"
    above = results[: results.index(expected)]
    secondary = [url for url in above if any(urljoin(site_url, part) in url for part in SECONDARY)]
    assert not secondary, f"{entry['query']!r}: {secondary} rank above the question page"


def test_golden_list_zh_covers_every_question() -> None:
    covered = {entry["id"] for entry in GOLDEN}
    missing = {q["id"] for q in questions()} - covered
    assert not missing, f"no zh golden query for {sorted(missing)}"
    assert len(GOLDEN) >= 50
    chinese = [entry for entry in GOLDEN if any("\u4e00" <= ch <= "\u9fff" for ch in entry["query"])]
    assert len(chinese) >= 40, "the zh queries are mostly Chinese words"
    english = {entry["query"] for entry in GOLDEN} - {entry["query"] for entry in chinese}
    assert {"LoRA", "Q-Former", "Kadane", "KV cache"} <= english
