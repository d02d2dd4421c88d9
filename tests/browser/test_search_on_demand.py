"""Search on demand (docs/assets/javascripts/workers/search-on-demand.js, overrides/main.html) in Chromium.

A page view neither downloads nor builds the search index, nor loads Material's search worker, until the reader goes
to the search box; going there does, in that page view only; a query typed or given in the address (``?q=``) before
that is answered all the same. The golden queries
(test_search.py, test_search_zh.py) check the answers themselves; test_offline.py checks that from ``file://`` (the
offline build) Material's own worker runs, unchanged.
"""

from __future__ import annotations

import time
from urllib.parse import urljoin, urlsplit

import pytest

from tests.browser.helpers import PLACEHOLDER, SearchBox, strip_query

pytestmark = pytest.mark.browser
PAGE = "round-2/r2-04-multi-head-attention/"
WRAPPER = "/assets/javascripts/workers/search-on-demand.js"


def search_worker(page):
    """The page's search worker, once Material has started it (the on-demand one; None if Material's own runs)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        workers = [worker for worker in page.workers if WRAPPER in worker.url]
        if workers:
            return workers[0]
        if any("/workers/search." in worker.url for worker in page.workers):
            return None
        page.wait_for_timeout(50)
    raise AssertionError(f"no search worker started: {[worker.url for worker in page.workers]}")


def built(worker) -> bool:
    return worker.evaluate("self.searchOnDemand.built")


def wait_until_built(page, worker, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not built(worker):
        assert time.monotonic() < deadline, "the index was not built"
        page.wait_for_timeout(50)


def open_page(context, site_url: str, path: str = PAGE):
    page = context.new_page()
    page.goto(urljoin(site_url, path))
    page.locator(".md-search-result__meta").filter(has_text=PLACEHOLDER).wait_for(state="attached")  # READY came
    return page


def search_requests(context) -> list[str]:
    """What of search is requested in ``context`` ("index", "worker": Material's), filled as it happens."""
    seen: list[str] = []

    def record(request) -> None:
        path = urlsplit(request.url).path
        if path.endswith("/search/search_index.json"):
            seen.append("index")
        elif "/workers/search." in path:
            seen.append("worker")

    context.on("request", record)
    return seen


def test_a_page_view_builds_the_index_only_when_the_reader_goes_to_the_search_box(fresh_context, site_url) -> None:
    requested = search_requests(fresh_context)
    page, other = open_page(fresh_context, site_url), open_page(fresh_context, site_url, "round-1/r1-09-lora/")
    worker, other_worker = search_worker(page), search_worker(other)
    assert worker is not None and other_worker is not None
    page.wait_for_timeout(1000)
    assert not built(worker), "the index was built before the reader went to the search box"
    assert requested == [], "the index or Material's worker was loaded before the reader went to the search box"

    page.bring_to_front()
    SearchBox(page)  # clicks into the box
    wait_until_built(page, worker)
    other.wait_for_timeout(500)
    assert not built(other_worker), "the other page view (another tab) built its index too"
    assert sorted(requested) == ["index", "worker"], "the page view going to the search box loads both, once"

    results = SearchBox(page).search("low rank")
    assert urljoin(site_url, "round-1/r1-09-lora/") in results[:3], results


def test_a_query_from_the_address_is_answered(fresh_context, site_url) -> None:
    page = fresh_context.new_page()
    page.goto(urljoin(site_url, "zh/?q=低秩"))  # Material opens the search with this query
    link = page.locator("li.md-search-result__item > a.md-search-result__link:first-child").first
    link.wait_for()
    assert strip_query(link.get_attribute("href")) == urljoin(site_url, "zh/round-1/r1-09-lora/")


def test_a_query_typed_before_the_focus_is_seen_is_answered(fresh_context, site_url) -> None:
    page = open_page(fresh_context, site_url)
    worker = search_worker(page)
    box = page.locator("input.md-search__input")
    box.evaluate("input => { input.value = 'kadane'; input.dispatchEvent(new KeyboardEvent('keyup')) }")  # no focus
    link = page.locator("li.md-search-result__item > a.md-search-result__link:first-child").first
    link.wait_for(state="attached")
    assert strip_query(link.get_attribute("href")) == urljoin(site_url, "round-2/r2-05-maximum-subarray/")
    assert built(worker)

