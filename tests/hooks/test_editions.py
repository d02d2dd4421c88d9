"""hooks/editions.py: twin links, hreflang alternates, the nav of a partly translated edition, links into the English
edition, shared vendored assets and the Chinese build's log. The built site is checked in tests/browser/test_editions.py."""

from __future__ import annotations

import logging

import pytest

SITE = "https://example.org/site/"
NAMES = {"en": "English", "zh": "中文"}


@pytest.fixture(scope="module")
def hook(load_hook):
    return load_hook("editions")


def test_a_page_with_a_twin_links_it_both_ways(hook, monkeypatch) -> None:
    monkeypatch.setattr(hook, "twin_exists", lambda src, language: True)
    english = {e["key"]: e for e in hook.editions_of("round-1/x.md", "round-1/x/", "en", SITE, NAMES)}
    assert english["zh"]["href"] == "../../zh/round-1/x/" and english["zh"]["twin"]
    assert english["zh"]["absolute"] == SITE + "zh/round-1/x/" and english["en"]["current"]
    chinese = {e["key"]: e for e in hook.editions_of("round-1/x.md", "round-1/x/", "zh", SITE + "zh/", NAMES)}
    assert chinese["en"]["href"] == "../../../round-1/x/"
    assert chinese["en"]["absolute"] == SITE + "round-1/x/" and chinese["zh"]["absolute"] == SITE + "zh/round-1/x/"


def test_homes_and_file_urls(hook, monkeypatch) -> None:
    monkeypatch.setattr(hook, "twin_exists", lambda src, language: True)
    assert {e["key"]: e["href"] for e in hook.editions_of("index.md", "./", "en", SITE, NAMES)} == {
        "en": "./", "zh": "zh/",
    }
    offline = {e["key"]: e for e in hook.editions_of("round-1/x.md", "round-1/x.html", "zh", None, NAMES)}
    assert offline["en"]["href"] == "../../round-1/x.html" and offline["en"]["absolute"] is None
    monkeypatch.setattr(hook, "twin_exists", lambda src, language: False)
    untranslated = hook.editions_of("glossary.md", "glossary.html", "zh", None, NAMES, home="index.html")
    assert next(e for e in untranslated if e["key"] == "en")["href"] == "../index.html"


def test_a_page_without_twin_switches_to_the_other_home_and_has_no_alternates(hook, monkeypatch) -> None:
    monkeypatch.setattr(hook, "twin_exists", lambda src, language: False)
    editions = hook.editions_of("glossary.md", "glossary/", "zh", SITE + "zh/", NAMES)
    english = next(e for e in editions if e["key"] == "en")
    assert english["href"] == "../../" and not english["twin"]
    assert hook.hreflang_links(editions) == []


def test_hreflang_links_name_both_twins_and_x_default(hook, monkeypatch) -> None:
    monkeypatch.setattr(hook, "twin_exists", lambda src, language: True)
    links = hook.hreflang_links(hook.editions_of("round-1/x.md", "round-1/x/", "zh", SITE + "zh/", NAMES))
    assert [(link["lang"], link["link"]) for link in links] == [
        ("en", SITE + "round-1/x/"), ("zh-Hans", SITE + "zh/round-1/x/"), ("x-default", SITE + "round-1/x/"),
    ]


def test_nav_leaves_out_pages_not_written_yet(hook, tmp_path) -> None:
    (tmp_path / "index.md").write_text("# Home")
    (tmp_path / "round-1").mkdir()
    (tmp_path / "round-1" / "a.md").write_text("# A")
    missing: list[str] = []
    nav = [{"首页": "index.md"}, {"一面": ["round-1/a.md", "round-1/b.md"]}, {"二面": ["round-2/c.md"]},
           {"外链": "https://example.org/"}]
    assert hook.drop_missing(nav, tmp_path, missing) == [
        {"首页": "index.md"}, {"一面": ["round-1/a.md"]}, {"外链": "https://example.org/"},
    ]
    assert missing == ["round-1/b.md", "round-2/c.md"]


def test_links_into_the_english_edition(hook, monkeypatch) -> None:
    english = {"round-1/b.md", "round-1/a.md", "assets/x.svg", "notebooks/n.py"}
    monkeypatch.setattr(hook, "twin_exists", lambda src, language: language == "en" and src in english)
    translated = {"round-1/a.md"}.__contains__
    markdown = ("[a](a.md#x) [b](b.md#y) ![x](../../assets/x.svg) [n](../notebooks/n.py) [gone](c.md) "
                "[web](https://example.org/b.md) [img](../assets/x.svg)")
    out = hook.english_fallbacks(markdown, "round-1/p.md", True, translated)
    assert out == (
        "[a](a.md#x) [b](english-edition:round-1/b/) ![x](english-edition:assets/x.svg) "
        "[n](english-edition:notebooks/n/) [gone](c.md) [web](https://example.org/b.md) [img](../assets/x.svg)"
    )


def test_english_links_become_relative_urls(hook) -> None:
    class Page:
        url = "round-1/p/"

    html = '<a href="english-edition:round-1/b/#z">b</a><img src="english-edition:assets/x.svg">'
    assert hook.on_page_content(html, Page, None, None) == '<a href="../../../round-1/b/#z">b</a><img src="../../../assets/x.svg">'


def test_shared_vendored_assets_point_at_the_english_copy(hook) -> None:
    html = ('<link rel="stylesheet" href="../../assets/vendor/katex/katex.min.css">'
            '<script src="assets/javascripts/practice.js"></script>'
            '<div data-script="../assets/javascripts/judge.js"></div>'
            "<style>url('assets/vendor/x.woff2')</style>")
    assert hook.SHARED_ASSET.sub(r"\1../\2", html) == (
        '<link rel="stylesheet" href="../../../assets/vendor/katex/katex.min.css">'
        '<script src="assets/javascripts/practice.js"></script>'
        '<div data-script="../../assets/javascripts/judge.js"></div>'
        "<style>url('../assets/vendor/x.woff2')</style>"
    )


def test_the_chinese_build_log_is_relogged_at_its_levels(hook, caplog) -> None:
    text = "INFO    -  Cleaning site directory\nWARNING -  Doc file 'a.md' has a problem\nnoise\n" \
           "INFO    -  Documentation built in 9.1 seconds\n"
    with caplog.at_level(logging.INFO, logger="mkdocs.hooks.editions"):
        hook.relog(text)
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.WARNING, "[zh] Doc file 'a.md' has a problem"),
        (logging.INFO, "[zh] Documentation built in 9.1 seconds"),
    ]


def test_home_redirect_is_tiny_and_needs_a_stored_choice(hook) -> None:
    script = hook.home_redirect("zh/")
    assert len(script) < 200 and 'localStorage.getItem("interview-answers.edition")==="zh"' in script
    assert 'location.replace("zh/")' in script


def test_the_zh_404_page_loads_the_english_vendored_assets(hook) -> None:
    class Config:
        theme = {"language": "zh"}
        site_url = "https://example.org/site/zh/"

    html = '<link href="/site/zh/assets/vendor/katex/katex.min.css"><link href="/site/zh/assets/stylesheets/reader.css">'
    assert hook.on_post_template(html, "404.html", Config) == (
        '<link href="/site/assets/vendor/katex/katex.min.css"><link href="/site/zh/assets/stylesheets/reader.css">'
    )


def test_hreflang_links_are_kept_from_materials_sitemap_fetch(hook) -> None:
    html = ('<link rel="alternate" href="https://e.org/a/" hreflang="en">'
            '<link rel="alternate" type="application/rss+xml" href="feed.xml">')
    assert hook.hide_from_material(html) == (
        '<link rel="alternate " href="https://e.org/a/" hreflang="en">'
        '<link rel="alternate" type="application/rss+xml" href="feed.xml">'
    )


@pytest.fixture
def tree(hook, tmp_path, monkeypatch):
    """A small repository: a zh page, an English page, an examples module."""
    for path in ("docs/zh/round-1/a.md", "docs/round-1/a.md", "examples/x.py"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("# A\n")
    monkeypatch.setattr(hook, "ROOT", tmp_path)
    monkeypatch.setitem(hook.DOCS, "en", tmp_path / "docs")
    return tmp_path


def test_the_zh_digest_follows_what_the_chinese_build_reads(hook, tree) -> None:
    first = hook.zh_inputs_digest()
    (tree / "docs/round-1/a.md").write_text("# A, edited\n")  # an English page's text: not read by the zh build
    assert hook.zh_inputs_digest() == first
    (tree / "docs/zh/round-1/a.md").write_text("# A，改过\n")
    second = hook.zh_inputs_digest()
    assert second != first
    (tree / "examples/x.py").write_text("X = 2\n")
    assert hook.zh_inputs_digest() != second
    third = hook.zh_inputs_digest()
    (tree / "docs/round-1/b.md").write_text("# B\n")  # a new English page: a link target for untranslated pages
    assert hook.zh_inputs_digest() != third


def test_serving_reuses_the_last_chinese_build_while_its_inputs_are_unchanged(hook, tree, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(hook.SERVING, "1")
    monkeypatch.setattr(hook, "ZH_CONFIG", tree / "mkdocs.zh.yml")
    (tree / "mkdocs.zh.yml").write_text("INHERIT: mkdocs.yml\n")
    worker_output = tmp_path / "worker"
    (worker_output / "zh").mkdir(parents=True)
    (worker_output / "zh" / "index.html").write_text("中文")
    state = {"digest": hook.zh_inputs_digest(), "directory": worker_output}
    monkeypatch.setattr(hook, "serving_state", lambda: state)
    requested = []
    monkeypatch.setattr(hook, "request_zh_build", lambda config, digest: requested.append(digest))
    config = {"docs_dir": str(tree / "docs")}
    monkeypatch.setattr(hook, "edition", lambda config: "en")
    hook.on_pre_build(config)
    assert requested == []
    site = tmp_path / "site"
    hook.finish_zh_build(str(site))
    assert (site / "zh" / "index.html").read_text() == "中文"
    assert (site / "zh" / "index.html").stat().st_ino == (worker_output / "zh" / "index.html").stat().st_ino  # linked
    (tree / "docs/zh/round-1/a.md").write_text("# A，改过\n")
    hook.on_pre_build(config)
    assert requested == [hook.zh_inputs_digest()]
    hook._zh_build.clear()


def test_zh_edition_false_builds_the_english_edition_alone(hook, monkeypatch) -> None:
    started = []
    monkeypatch.setattr(hook, "start_zh_build", started.append)
    monkeypatch.setattr(hook, "edition", lambda config: "en")
    monkeypatch.delenv(hook.SERVING, raising=False)
    monkeypatch.setenv(hook.ZH_SWITCH, "false")
    hook.on_pre_build("config")
    assert started == [] and not hook._zh_build
    monkeypatch.delenv(hook.ZH_SWITCH)
    hook.on_pre_build("config")
    assert started == ["config"]
