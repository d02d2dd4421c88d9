"""Search on demand (docs/assets/javascripts/workers/search-on-demand.js, overrides/main.html) in Chromium.

A page view downloads the search index and Material's search worker only once it has loaded (also when the worker
starts after the page is idle, as on a busy machine), and builds no index until the reader goes to the search box;
going there builds it, in that page view only; a query typed or given in the address (``?q=``) before that is
answered all the same. The golden queries (test_search.py, test_search_zh.py) check the answers themselves;
test_offline.py checks that from ``file://`` (the offline build) Material's own worker runs, unchanged.
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


def test_a_page_view_downloads_the_index_after_loading_and_builds_it_when_the_reader_goes_to_the_search_box(
    fresh_context, site_url
) -> None:
    events = search_requests(fresh_context)  # with the first page's "load": all in order
    page = fresh_context.new_page()
    page.on("load", lambda _: events.append("load"))
    page.goto(urljoin(site_url, PAGE))
    worker = search_worker(page)
    assert worker is not None
    deadline = time.monotonic() + 15  # the page asks when idle, or 1 s after loading on a busy machine
    while len(events) < 3 and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    page.wait_for_timeout(500)
    assert events[:1] == ["load"] and sorted(events[1:]) == ["index", "worker"], events  # after loading, once
    assert not built(worker), "the index was built before the reader went to the search box"

    other = open_page(fresh_context, site_url, "round-1/r1-09-lora/")
    other_worker = search_worker(other)
    assert other_worker is not None
    page.bring_to_front()
    SearchBox(page)  # clicks into the box
    wait_until_built(page, worker)
    other.wait_for_timeout(500)
    assert not built(other_worker), "the other page view (another tab) built its index too"

    results = SearchBox(page).search("low rank")
    assert urljoin(site_url, "round-1/r1-09-lora/") in results[:3], results


def test_a_worker_that_starts_after_the_page_is_idle_still_downloads_the_index(fresh_context, site_url) -> None:
    """On a busy machine the worker's script can arrive after the page said it was idle; the worker then asks."""
    held = []  # the request for the worker's script, answered only once the page has loaded and is idle
    fresh_context.route(f"**{WRAPPER}*", lambda route: held.append(route))
    requested = search_requests(fresh_context)
    page = fresh_context.new_page()
    page.goto(urljoin(site_url, PAGE))  # returns after "load"
    page.evaluate("() => new Promise(done => requestIdleCallback(done, { timeout: 1000 }))")
    page.wait_for_timeout(200)  # the page's own idle callback, queued before this one, has run
    assert held and not requested, (held, requested)
    held[0].continue_()
    worker = search_worker(page)
    assert worker is not None
    deadline = time.monotonic() + 15
    while "index" not in requested and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert requested.count("index") == 1, requested
    assert not built(worker)  # going to the search box builds it: the first test


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

