"""The offline copy of the site (``make offline``: Material's offline plugin) works from file:// without a server.

Navigation follows the links between ``.html`` files, and search runs in the iframe-worker shim the site serves
itself. Any request that is not to a file (a CDN, say), any failed request and any console error fails the test.
"""

from __future__ import annotations

import pytest

from tests.browser.helpers import DOCS, SearchBox, load_golden, page_url, questions

LOCAL = ("file:", "data:", "blob:", "about:")


@pytest.fixture()
def offline_page(offline_site, fresh_context):
    page = fresh_context.new_page()
    problems: list[str] = []

    # Such a request goes nowhere: the browser sends it to a closed proxy (tests/browser/conftest.py).
    page.on("request", lambda r: r.url.startswith(LOCAL) or problems.append(f"request leaves the file system: {r.url}"))
    page.on("console", lambda m: m.type == "error" and problems.append(f"console error: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"uncaught exception: {e}"))
    # As in test_crawl: a navigation cancels what the page still loads (ERR_ABORTED); a missing file is
    # ERR_FILE_NOT_FOUND and still fails the test.
    page.on(
        "requestfailed",
        lambda r: r.failure != "net::ERR_ABORTED" and r.url.startswith(LOCAL)  # a foreign one is reported above
        and problems.append(f"request failed ({r.failure}): {r.url}"),
    )
    yield page, problems
    page.close()


@pytest.mark.browser
def test_offline_site_navigates_and_searches_from_file_urls(offline_site, offline_page) -> None:
    page, problems = offline_page
    home = (offline_site / "index.html").as_uri()
    page.goto(home)

    # Navigation: the sidebar link to the overview, then the overview's link to an answered question.
    page.locator(".md-sidebar--primary a.md-nav__link[href$='interview.html']").first.click()
    page.wait_for_url("**/interview.html")
    answered = [q for q in questions() if (DOCS / q["page"]).exists()]
    assert answered, "no question page exists yet"
    question = answered[0]
    target = page_url(question["page"], directory_urls=False)
    page.locator(f"article a[href$='{target}']").first.click()
    page.wait_for_url(f"**/{target}")
    assert page.locator("h1").first.inner_text().startswith(question["id"])

    # Search: a golden query finds its page, and the result link opens it.
    entry = next(e for e in load_golden() if (DOCS / e["page"]).exists())
    expected = (offline_site / page_url(entry["page"], directory_urls=False)).as_uri()
    box = SearchBox(page)
    config = page.evaluate("JSON.parse(document.getElementById('__config').textContent)")
    assert "/workers/search." in config["search"] and "on-demand" not in config["search"]  # Material's own worker
    results = box.search(entry["query"])
    assert expected in results[:3], results
    box.results().nth(results.index(expected)).click()
    page.wait_for_url(expected + "*")
    assert page.locator("h1").first.inner_text().startswith(entry["id"])

    assert not problems, "\n".join(problems)
