"""Practice mode in the browser: the switch hides answers behind their questions, "I know this" is kept in local
storage, and the interview overview shows the progress."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest

from tests.browser.helpers import DOCS, page_url, questions

KNOWN_KEY = "interview-answers.known"


def answered() -> list[dict]:
    """The questions whose page exists, in interview order."""
    return [q for q in questions() if (DOCS / q["page"]).exists()]


def test_every_question_page_has_its_answer_wrapped(built_site) -> None:
    pages = answered()
    assert pages, "no question page exists yet"
    for question in pages:
        html = (built_site.directory / page_url(question["page"]) / "index.html").read_text(encoding="utf-8")
        bar = html.find(f'<div class="practice-bar" data-question="{question["id"]}"')
        answer = html.find(f'<div class="practice-answer" data-question="{question["id"]}">')
        assert 0 < bar < answer, f"{question['page']}: no practice bar before the answer"
        before = html[:bar]
        assert re.search(r"<h1[^>]*>", before), f"{question['page']}: the title is not before the answer"
        assert "<blockquote>" in before, f"{question['page']}: the question is not before the answer"
        assert "<h2" not in before, f"{question['page']}: a section is outside the answer"


@pytest.mark.browser
def test_practice_mode_hides_answers_and_tracks_progress(fresh_context, site_url) -> None:
    pages = answered()
    if not pages:
        pytest.skip("no question page exists yet")
    first = pages[0]
    page = fresh_context.new_page()
    page.goto(urljoin(site_url, page_url(first["page"])))
    bar = page.locator(".practice-bar")
    answer = page.locator(".practice-answer")
    toggle = bar.locator(".practice-toggle")
    known = bar.locator(".practice-known-box")

    # Off by default: the answer reads as usual.
    assert bar.is_visible() and answer.is_visible()
    assert not toggle.is_checked()
    assert not bar.locator(".practice-reveal").is_visible()

    # On: the question stays, the answer goes until revealed.
    toggle.check()
    assert not answer.is_visible()
    assert page.locator("article h1").is_visible() and page.locator("article blockquote").first.is_visible()
    bar.locator(".practice-reveal").click()
    assert answer.is_visible()

    # "I know this" is stored.
    known.check()
    stored = page.evaluate(f"JSON.parse(localStorage.getItem('{KNOWN_KEY}'))")
    assert list(stored) == [first["id"]]

    # The mode persists across pages and is applied before the page is painted.
    other = pages[-1]
    page.goto(urljoin(site_url, page_url(other["page"])), wait_until="domcontentloaded")
    assert page.evaluate("document.documentElement.classList.contains('practice-mode')")
    assert not page.locator(".practice-answer").is_visible()
    assert page.locator(".practice-known-box").is_checked() == (other["id"] == first["id"])

    # The overview shows the progress and marks the known question.
    page.goto(urljoin(site_url, "interview/"))
    total = len(questions())
    progress = page.locator(".practice-progress")
    assert progress.is_visible()
    assert progress.locator(".practice-progress-text").inner_text() == f"Known: 1 of {total} questions"
    assert progress.locator("progress").evaluate("p => [p.value, p.max]") == [1, total]
    marked = page.locator("tr.practice-known-row .question-id").all_inner_texts()
    assert marked == [first["id"]]

    # Unmark and switch off: back to the normal page.
    page.goto(urljoin(site_url, page_url(first["page"])))
    page.locator(".practice-known-box").uncheck()
    page.locator(".practice-bar .practice-toggle").uncheck()
    assert page.locator(".practice-answer").is_visible()
    assert page.evaluate(f"JSON.parse(localStorage.getItem('{KNOWN_KEY}'))") == {}
    page.goto(urljoin(site_url, "interview/"))
    assert page.locator(".practice-progress-text").inner_text() == f"Known: 0 of {total} questions"
    page.close()
