"""Layout on a phone: content-visibility (assets/stylesheets/reader.css) lets the browser skip the blocks of an
answer far from the screen until the reader scrolls near them, and the page must not move under the reader
because of it."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest

from tests.browser.helpers import page_url, questions

PHONE = {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75, "is_mobile": True, "has_touch": True}
BLOCKS = "[...document.querySelector('.practice-answer').children]"
TWO_FRAMES = "new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(**PHONE)
    yield context.new_page()
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("question", questions(), ids=lambda q: q["id"])
def test_far_blocks_are_skipped_and_the_end_never_moves_away(phone, site_url, question) -> None:
    """The end of an answer (a screen and a half) is never skipped: a reader, or a tool such as Lighthouse's
    contrast check, who goes to the footer finds the blocks above it at their real height. When they were
    placeholders, the contrast check measured the footer's text against a code block that had moved under it."""
    phone.goto(urljoin(site_url, page_url(question["page"])))
    skipped = phone.evaluate(f"{BLOCKS}.map(e => getComputedStyle(e).contentVisibility === 'auto')")
    assert any(skipped), "no block is skipped on a phone: the rule in reader.css no longer applies"
    last_skipped = len(skipped) - 1 - skipped[::-1].index(True)
    tail = phone.evaluate(
        f"i => {{ const b = {BLOCKS}; const r = b.at(-1).getBoundingClientRect(); "
        "return r.bottom - b[i].getBoundingClientRect().bottom; }",
        last_skipped,
    )
    assert tail >= 1.5 * PHONE["viewport"]["height"], f"only {tail:.0f} px after the last skipped block"

    # Jumping to the end: the blocks rendered on the way take their real height; the footer stays in view.
    phone.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    phone.evaluate(TWO_FRAMES)
    footer = phone.evaluate(
        "(() => { const r = document.querySelector('.md-footer').getBoundingClientRect(); "
        "return [r.top, r.bottom, innerHeight]; })()"
    )
    assert footer[0] < footer[2] and footer[1] > 0, f"the footer is off screen after jumping to the end: {footer}"
