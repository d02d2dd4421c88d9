"""hooks/accessibility.py and hooks/offline_polyfill.py."""

from __future__ import annotations

import pytest
from mkdocs.exceptions import PluginError

DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'


def test_the_search_dialog_gets_the_search_box_label(load_hook) -> None:
    hook = load_hook("accessibility")
    page = DIALOG + '<input type="text" class="md-search__input" name="query" aria-label="搜索">'
    assert hook.on_post_page(page, None, None).startswith(DIALOG[:-1] + ' aria-label="搜索">')
    assert hook.on_post_page("<p>no search</p>", None, None) == "<p>no search</p>"


class Plugin:
    def __init__(self, enabled: bool) -> None:
        self.config = type("C", (), {"enabled": enabled})()


class Config:
    def __init__(self, docs_dir, enabled: bool, polyfills=None) -> None:
        self.plugins = {"material/offline": Plugin(enabled)}
        self.docs_dir = str(docs_dir)
        self.extra = {"polyfills": polyfills} if polyfills is not None else {}


def test_offline_builds_use_the_vendored_shim(load_hook, tmp_path) -> None:
    hook = load_hook("offline_polyfill")
    assert hook.on_config(Config(tmp_path, enabled=False)).extra == {}
    with pytest.raises(PluginError, match="fetch_assets"):
        hook.on_config(Config(tmp_path, enabled=True))
    (tmp_path / hook.SHIM).parent.mkdir(parents=True)
    (tmp_path / hook.SHIM).write_text("// shim")
    config = hook.on_config(Config(tmp_path, enabled=True, polyfills=["https://unpkg.com/iframe-worker/shim", "x.js"]))
    assert config.extra["polyfills"] == ["x.js", hook.SHIM]
