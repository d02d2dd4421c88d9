"""hooks/color_scheme.py: the light/dark switch goes before the header's search button, in the site's wording."""

from __future__ import annotations

import pytest
from mkdocs.exceptions import PluginError

SEARCH = '<label class="md-header__button md-icon" for="__search">'


class Config:
    def __init__(self, extra=None) -> None:
        self.extra = extra or {}


def test_two_buttons_go_before_the_search_button(load_hook) -> None:
    hook = load_hook("color_scheme")
    html = hook.add_switch(f"<header>{SEARCH}</label></header>", "x.md", Config())
    assert html.index('data-scheme="slate"') < html.index('data-scheme="default"') < html.index(SEARCH)
    assert 'aria-label="Switch to dark mode"' in html and 'aria-label="Switch to light mode"' in html
    assert html.count("<svg") == 2


def test_a_translated_edition_gives_its_own_wording(load_hook) -> None:
    hook = load_hook("color_scheme")
    config = Config({"color_scheme": {"slate": "切换到深色模式", "default": "切换到浅色模式"}})
    html = hook.add_switch(SEARCH, "x.md", config)
    assert 'aria-label="切换到深色模式"' in html and 'title="切换到浅色模式"' in html


def test_a_header_without_search_is_an_error_not_a_missing_switch(load_hook) -> None:
    hook = load_hook("color_scheme")
    with pytest.raises(PluginError, match="x.md"):
        hook.add_switch("<header></header>", "x.md", Config())
    assert hook.on_post_template("<p>sitemap</p>", "sitemap.xml", Config()) == "<p>sitemap</p>"
