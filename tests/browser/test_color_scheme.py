"""The light/dark switch (hooks/color_scheme.py, overrides/main.html): follows the system until the reader picks a
scheme, keeps the pick across pages, and shows one button, the one leading to the other scheme."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest

from tests.browser.helpers import questions

STORAGE_KEY = "interview-answers.color-scheme"


def scheme(page) -> str:
    return page.evaluate("document.body.getAttribute('data-md-color-scheme')")


def visible_buttons(page) -> list[str]:
    return page.locator(".color-scheme-toggle:visible").evaluate_all("bs => bs.map(b => b.dataset.scheme)")


@pytest.mark.browser
@pytest.mark.parametrize(("system", "expected"), [("light", "default"), ("dark", "slate")])
def test_the_scheme_follows_the_system_by_default(browser, site_url, system, expected) -> None:
    context = browser.new_context(color_scheme=system)
    try:
        page = context.new_page()
        page.goto(site_url)
        assert scheme(page) == expected
        assert visible_buttons(page) == ["slate" if expected == "default" else "default"]
        page.emulate_media(color_scheme="dark" if system == "light" else "light")  # the system changes
        page.wait_for_function("s => document.body.getAttribute('data-md-color-scheme') !== s", arg=expected)
    finally:
        context.close()


@pytest.mark.browser
def test_the_readers_choice_wins_and_is_kept_across_pages(browser, site_url) -> None:
    context = browser.new_context(color_scheme="light")
    try:
        page = context.new_page()
        page.goto(site_url)
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        toggle = page.locator(".color-scheme-toggle:visible")
        assert toggle.get_attribute("aria-label") == "Switch to dark mode"
        toggle.click()
        assert scheme(page) == "slate"
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") != background  # Material's slate
        assert page.evaluate(f"localStorage.getItem('{STORAGE_KEY}')") == "slate"
        assert page.evaluate("document.activeElement.dataset.scheme") == "default"  # focus stays on the switch
        page.goto(urljoin(site_url, questions()[0]["page"].removesuffix(".md") + "/"))
        assert scheme(page) == "slate"
        page.emulate_media(color_scheme="dark")  # a stored choice is not overridden by the system
        page.emulate_media(color_scheme="light")
        page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        assert scheme(page) == "slate"
        page.locator(".color-scheme-toggle:visible").click()
        assert scheme(page) == "default"
        assert visible_buttons(page) == ["slate"]
    finally:
        context.close()


def test_every_page_has_the_switch_and_no_material_palette(built_site) -> None:
    for path in built_site.directory.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        if "md-header" not in html:
            continue  # not a page of the theme (e.g. a redirect)
        assert html.count('class="md-header__button md-icon color-scheme-toggle"') == 2, path
        assert 'data-md-component="palette"' not in html, path
