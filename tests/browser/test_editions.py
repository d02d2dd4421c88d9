"""The two editions in the built site: English at the root, Chinese under zh/ (mkdocs.zh.yml, hooks/editions.py).

Static checks of the built files (both editions built by one ``mkdocs build``; hreflang links; the switch to the
twin page; shared vendored assets; the overview tables), then the browser: the switch in both directions, the
reader's remembered choice, and practice marks shared across editions (keyed by question id).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from tests.browser.helpers import DOCS, page_url, questions

ZH_DOCS = DOCS / "zh"
SITE_URL = "https://ml-interview-answers.github.io/ml-interview-answers/"
BASE = "http://site/"  # links are compared after resolving them against the page's own URL
KNOWN_KEY = "interview-answers.known"
EDITION_KEY = "interview-answers.edition"
ZH_PLACEHOLDER = "键入以开始搜索"  # Material's search placeholder in Chinese
ALTERNATE = re.compile(r'<link rel="alternate " href="(?P<href>[^"]+)" hreflang="(?P<lang>[^"]+)">')
SWITCH = re.compile(r'<a href="(?P<href>[^"]+)" hreflang="(?P<lang>[^"]+)"[^>]*class="edition-switch__link"')
QUESTION_ROW = re.compile(r'data-question="(?P<id>[^"]+)">[^<]*</span></td>\s*<td>(?:<a href="(?P<href>[^"]+)")?')


def twins() -> list[str]:
    """Source paths (under docs/) of the English pages that have a Chinese twin, notebooks included."""
    pages = [p for p in DOCS.rglob("*.md") if ZH_DOCS not in p.parents] + list((DOCS / "notebooks").glob("*.py"))
    sources = sorted(p.relative_to(DOCS).as_posix() for p in pages)
    return [source for source in sources if (ZH_DOCS / source).is_file()]


def url_of(source: str) -> str:
    """The page URL (relative to its edition's root) of a Markdown page or a notebook."""
    return page_url(source.removesuffix(".py") + ".md" if source.endswith(".py") else source)


def html_of(site: Path, edition: str, source: str) -> str:
    """The built HTML of ``source`` in an edition (``""`` or ``"zh/"``)."""
    return (site / edition / url_of(source) / "index.html").read_text(encoding="utf-8")


def test_both_editions_are_built_with_their_own_search(built_site) -> None:
    site = built_site.directory
    assert '<html lang="en"' in (site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh"' in (site / "zh" / "index.html").read_text(encoding="utf-8")
    index = json.loads((site / "zh" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["docs"] and all(not doc["location"].startswith("zh/") for doc in index["docs"])
    assert any("\u200b" in doc["text"] for doc in index["docs"]), "the zh index is not segmented by jieba"
    english = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert not any(doc["location"].startswith("zh/") for doc in english["docs"]), "zh pages in the English index"


def test_vendored_assets_are_not_copied_twice(built_site) -> None:
    """The zh pages load KaTeX, Pyodide's judge and the offline shim from the English edition's copy."""
    site = built_site.directory
    assert (site / "assets" / "vendor" / "katex").is_dir()
    assert not (site / "zh" / "assets" / "vendor").exists()
    shared = re.compile(r'(?:href|src|data-script)="([^"]*assets/(?:vendor/|javascripts/judge)[^"]*)"')
    checked = 0
    for html_file in (site / "zh").rglob("*.html"):
        page = BASE + html_file.relative_to(site).as_posix()
        for reference in shared.findall(html_file.read_text(encoding="utf-8")):
            if reference.startswith("/"):  # the 404 page: absolute paths under the site's
                reference = reference.removeprefix(urlsplit(SITE_URL).path)
                target = reference
            else:
                target = urlsplit(urljoin(page, reference)).path.removeprefix("/")
            assert not target.startswith("zh/"), f"{html_file}: {reference} is not the English copy"
            assert (site / target).is_file(), f"{html_file}: {reference} -> {target} does not exist"
            checked += 1
    assert checked, "no zh page loads a vendored asset (KaTeX's CSS)"


def test_every_zh_page_is_built(built_site) -> None:
    sources = [p for p in ZH_DOCS.rglob("*.md")] + list((ZH_DOCS / "notebooks").glob("*.py"))
    for source in sorted(p.relative_to(ZH_DOCS).as_posix() for p in sources):
        assert (built_site.directory / "zh" / url_of(source) / "index.html").is_file(), f"docs/zh/{source} not built"


@pytest.mark.parametrize("edition", ["", "zh/"])
def test_every_twin_links_its_twin(built_site, edition: str) -> None:
    other = "zh/" if edition == "" else ""
    for source in twins():
        html = html_of(built_site.directory, edition, source)
        assert '<link rel="alternate" ' not in html, f"{edition}{source}: Material would fetch sitemap.xml beside it"
        url = url_of(source)
        alternates = {m.group("lang"): m.group("href") for m in ALTERNATE.finditer(html)}
        assert alternates == {
            "en": SITE_URL + url, "zh-Hans": SITE_URL + "zh/" + url, "x-default": SITE_URL + url,
        }, f"{edition}{source}: hreflang links"
        switch = SWITCH.findall(html)
        assert len(switch) == 1, f"{edition}{source}: one language switch expected, got {switch}"
        target = urljoin(BASE + edition + url, switch[0][0])
        assert target == BASE + other + url, f"{edition}{source}: the switch goes to {target}"


def test_only_the_english_home_redirects_to_the_stored_choice(built_site) -> None:
    site = built_site.directory
    assert EDITION_KEY in (site / "index.html").read_text(encoding="utf-8").split("</head>")[0]
    for path in [site / "interview" / "index.html", site / "zh" / "index.html"]:
        assert "location.replace" not in path.read_text(encoding="utf-8")


def test_overview_tables_agree(built_site) -> None:
    site = built_site.directory
    english = QUESTION_ROW.findall((site / "interview" / "index.html").read_text(encoding="utf-8"))
    chinese = QUESTION_ROW.findall((site / "zh" / "interview" / "index.html").read_text(encoding="utf-8"))
    assert [qid for qid, _ in english] == [qid for qid, _ in chinese] == [q["id"] for q in questions()]
    for question, (_, en_href), (_, zh_href) in zip(questions(), english, chinese):
        assert urljoin(BASE + "interview/", en_href) == BASE + page_url(question["page"])
        if (ZH_DOCS / question["page"]).is_file():
            assert urljoin(BASE + "zh/interview/", zh_href) == BASE + "zh/" + page_url(question["page"])
        else:
            assert not zh_href, f"{question['id']}: the zh table links a page that is not translated"


def open_translated_question(context, site_url: str):
    """The first question with a zh page, its URL, and a new tab showing its English page."""
    question = next((q for q in questions() if (ZH_DOCS / q["page"]).is_file()), None)
    if question is None:
        pytest.skip("no question page is translated yet")
    url = page_url(question["page"])
    page = context.new_page()
    page.goto(urljoin(site_url, url))
    return question, url, page


@pytest.mark.browser
def test_switch_goes_to_the_same_question_both_ways(fresh_context, site_url) -> None:
    question, url, page = open_translated_question(fresh_context, site_url)
    page.locator('a.edition-switch__link[data-edition="zh"]').click()
    page.wait_for_url(urljoin(site_url, "zh/" + url))
    assert page.locator("html").get_attribute("lang") == "zh"
    assert page.evaluate(f"localStorage.getItem('{EDITION_KEY}')") == "zh"
    page.locator('a.edition-switch__link[data-edition="en"]').click()
    page.wait_for_url(urljoin(site_url, url))
    assert page.evaluate(f"localStorage.getItem('{EDITION_KEY}')") == "en"
    page.close()


@pytest.mark.browser
def test_the_english_home_follows_the_stored_choice(fresh_context, site_url) -> None:
    page = fresh_context.new_page()
    page.goto(site_url)
    assert page.url == site_url, "a first visit must stay on the English home"
    page.evaluate(f"localStorage.setItem('{EDITION_KEY}', 'zh')")
    page.goto(site_url)
    page.wait_for_url(urljoin(site_url, "zh/"))
    page.evaluate(f"localStorage.setItem('{EDITION_KEY}', 'en')")
    page.goto(site_url)
    assert page.url == site_url
    page.close()


@pytest.mark.browser
def test_practice_marks_are_shared_across_editions(fresh_context, site_url) -> None:
    question, url, page = open_translated_question(fresh_context, site_url)
    page.locator(".practice-bar .practice-known-box").check()
    page.goto(urljoin(site_url, "zh/" + url))
    assert page.locator(".practice-bar .practice-known-box").is_checked(), "the mark did not carry over to zh"
    page.locator(".practice-bar .practice-known-box").uncheck()
    page.goto(urljoin(site_url, url))
    assert not page.locator(".practice-bar .practice-known-box").is_checked()
    assert question["id"] not in (page.evaluate(f"localStorage.getItem('{KNOWN_KEY}')") or "")
    page.close()


@pytest.mark.browser
def test_offline_zh_edition_switches_and_searches(offline_site, fresh_context) -> None:
    """From file://: the zh home, its search (a zh golden query), and the switch to the English twin."""
    from tests.browser.helpers import SearchBox, load_golden

    entry = next((e for e in load_golden("zh") if (ZH_DOCS / e["page"]).is_file()), None)
    if entry is None:
        pytest.skip("no question page is translated yet")
    page = fresh_context.new_page()  # no request can leave the machine (tests/browser/conftest.py)
    page.goto((offline_site / "zh" / "index.html").as_uri())
    results = SearchBox(page, placeholder=ZH_PLACEHOLDER).search(entry["query"])
    expected = (offline_site / "zh" / page_url(entry["page"], directory_urls=False)).as_uri()
    assert expected in results[:3], results
    page.goto(expected)
    page.locator('a.edition-switch__link[data-edition="en"]').click()
    page.wait_for_url((offline_site / page_url(entry["page"], directory_urls=False)).as_uri())
    page.close()


def test_zh_tags_page_and_footer_follow_the_zh_edition(built_site) -> None:
    """The zh tags page links the zh question pages; previous/next links stay in the zh edition, in nav order."""
    site = built_site.directory
    tags = (site / "zh" / "tags" / "index.html").read_text(encoding="utf-8")
    translated = [q for q in questions() if (ZH_DOCS / q["page"]).is_file()]
    for question in translated:
        assert f'href="../{page_url(question["page"])}"' in tags, f"zh tags page does not link {question['page']}"
    for before, after in zip(translated, translated[1:]):
        html = html_of(site, "zh/", before["page"])
        links = re.findall(r'<a href="([^"]+)" class="md-footer__link md-footer__link--next"', html)
        here = BASE + "zh/" + page_url(before["page"])
        assert links and urljoin(here, links[0]) == BASE + "zh/" + page_url(after["page"]), before["page"]
