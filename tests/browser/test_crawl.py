"""Visit every page of the built site's sitemap in headless Chromium and fail on anything a reader would hit.

Per page: a request to another origin (it fails: the browser has no way out, tests/browser/conftest.py), a failed
request or an HTTP error, a console error or uncaught exception, a formula that KaTeX did not render (an
``.arithmatex`` element without ``.katex`` inside) or that has no accessible name, TeX shown as text outside
formulas and code (a heading's formula in the sidebar's table of contents, say), and, on notebook pages, a
notebook without any cell output or with an output that shows an object by its memory address (a seed call's
return value, say).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urljoin, urlsplit

import pytest

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
LOCAL_SCHEMES = ("data:", "blob:", "about:")
pytestmark = pytest.mark.xdist_group("crawl")  # one worker crawls the site once for every test of the module


def sitemap_paths(built_site) -> list[str]:
    """The path of every page in the sitemaps of both editions, relative to the site root (``""``: the home page).

    The Chinese edition (mkdocs.zh.yml) has its own sitemap, zh/sitemap.xml.
    """
    paths = []
    for edition in ["", "zh/"]:
        root = ET.parse(built_site.directory / edition / "sitemap.xml").getroot()
        urls = [loc.text.strip() for loc in root.iterfind("sm:url/sm:loc", SITEMAP_NS)]
        base = min(urls, key=len)  # the edition's home page
        paths += [edition + url.removeprefix(base) for url in urls]
    return paths


@pytest.fixture(scope="module")
def crawl(context, site_url, built_site):
    """Visit every sitemap page once; return the visited paths, the problems found, and per-page facts."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(site_url))
    problems: list[str] = []
    current = {"path": ""}
    page = context.new_page()

    def local(url: str) -> bool:
        return url.startswith(origin) or url.startswith(LOCAL_SCHEMES)

    # Such a request goes nowhere: the browser sends it to a closed proxy (tests/browser/conftest.py).
    page.on(
        "request",
        lambda r: local(r.url) or problems.append(f"{current['path']}: request leaves the origin: {r.url}"),
    )
    page.on(
        "console",
        lambda m: m.type == "error" and problems.append(f"{current['path']}: console error: {m.text}"),
    )
    page.on("pageerror", lambda e: problems.append(f"{current['path']}: uncaught exception: {e}"))

    # Leaving a page cancels what it still loads (the search index, say) with ERR_ABORTED: not a fault. A missing
    # file shows up as an HTTP error instead, and a blocked foreign request has been reported already.
    page.on(
        "requestfailed",
        lambda r: r.failure != "net::ERR_ABORTED" and local(r.url)  # a foreign one is reported above
        and problems.append(f"{current['path']}: request failed ({r.failure}): {r.url}"),
    )
    page.on(
        "response",
        lambda r: r.status >= 400 and problems.append(f"{current['path']}: HTTP {r.status}: {r.url}"),
    )

    paths = sitemap_paths(built_site)
    facts = {}
    for path in paths:
        current["path"] = path or "/"
        page.goto(urljoin(site_url, path), wait_until="load")
        facts[path] = page.evaluate(
            r"""() => ({
                formulas: document.querySelectorAll('.arithmatex').length,
                unrendered: [...document.querySelectorAll('.arithmatex')]
                    .filter(e => !e.querySelector('.katex')).map(e => e.textContent.slice(0, 80)),
                unnamed: [...document.querySelectorAll('.arithmatex')]
                    .filter(e => e.getAttribute('role') !== 'img' || !(e.getAttribute('aria-label') || '').trim())
                    .map(e => e.textContent.slice(0, 80)),
                tex: (() => {  // text that shows TeX delimiters, outside formulas and code
                    const found = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
                        acceptNode: node => node.parentElement.closest('.arithmatex, code, pre, script, style')
                            ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
                    });
                    while (walker.nextNode()) {
                        const text = walker.currentNode.textContent;
                        if (/\\[()[\]]|\$[^$\s]([^$]*[^$\s])?\$/.test(text)) found.push(text.trim().slice(0, 80));
                    }
                    return found;
                })(),
                notebook: document.querySelector('.jupyter-wrapper') !== null,
                outputs: document.querySelectorAll('.jupyter-wrapper .jp-OutputArea-output').length,
                addresses: [...document.querySelectorAll('.jupyter-wrapper .jp-OutputArea-output')]
                    .map(e => e.textContent.trim()).filter(t => / at 0x[0-9a-fA-F]+>/.test(t)),
            })"""
        )
    page.close()
    return paths, problems, facts


@pytest.mark.browser
def test_every_page_loads_cleanly_from_its_own_origin(crawl) -> None:
    paths, problems, _ = crawl
    assert len(paths) >= 5, paths
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_every_formula_is_rendered(crawl) -> None:
    _, _, facts = crawl
    unrendered = {path: f["unrendered"] for path, f in facts.items() if f["unrendered"]}
    assert not unrendered, unrendered
    # Nor is TeX shown as text anywhere on the page: the sidebars' tables of contents included.
    tex = {path: f["tex"] for path, f in facts.items() if f["tex"]}
    assert not tex, tex
    # Screen readers get each formula's TeX as its name (KaTeX's hidden MathML copy is not produced).
    unnamed = {path: f["unnamed"] for path, f in facts.items() if f["unnamed"]}
    assert not unnamed, unnamed


@pytest.mark.browser
def test_every_notebook_has_outputs(crawl) -> None:
    paths, _, facts = crawl
    notebooks = [path for path in paths if path.startswith("notebooks/")]
    assert notebooks, "no notebook page in the sitemap"
    for path in notebooks:
        assert facts[path]["notebook"], f"{path} is not a rendered notebook"
        assert facts[path]["outputs"] > 0, f"{path} has no cell outputs"
        assert not facts[path]["addresses"], f"{path} shows objects by memory address: {facts[path]['addresses']}"
