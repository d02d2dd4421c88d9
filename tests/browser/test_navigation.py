"""Reading aids in the built HTML: topic tags and their index page, previous/next links in interview order, and
"edit this page" links. Static checks of the built files (no browser needed)."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
import yaml

from tests.browser.helpers import DOCS, ROOT, page_url, questions

TAGS = {"attention", "MLLM", "LoRA", "algorithms", "video"}
BASE = "http://site/"  # any base: links are compared after resolving them against the page's own URL


def setting(key: str) -> str:
    """A top-level string setting of mkdocs.yml (read as text: the file holds MkDocs-specific YAML tags)."""
    match = re.search(rf"^{key}:\s*(\S+)\s*$", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    assert match, f"mkdocs.yml has no {key}"
    return match.group(1)


def built(built_site, source: str) -> str:
    """The built HTML of the page ``docs/<source>``."""
    return (built_site.directory / page_url(source) / "index.html").read_text(encoding="utf-8")


def footer_links(html: str, source: str) -> dict[str, str]:
    """The previous/next footer links of a page, as absolute URLs under ``BASE``."""
    links = re.findall(r'<a href="([^"]+)" class="md-footer__link md-footer__link--(prev|next)"', html)
    return {kind: urljoin(BASE + page_url(source), href) for href, kind in links}


def front_matter_tags(source: str) -> list[str]:
    """The tags in the front matter of ``docs/<source>``."""
    text = (DOCS / source).read_text(encoding="utf-8")
    match = re.match(r"---\n(.*?)\n---\n", text, re.S)
    return (yaml.safe_load(match.group(1)) or {}).get("tags", []) if match else []


@pytest.fixture(scope="module")
def answered() -> list[dict]:
    pages = [q for q in questions() if (DOCS / q["page"]).exists()]
    if not pages:
        pytest.skip("no question page exists yet")
    return pages


def test_question_pages_carry_known_tags_linking_to_the_index(built_site, answered) -> None:
    for question in answered:
        tags = front_matter_tags(question["page"])
        assert tags, f"docs/{question['page']}: no tags in the front matter"
        assert set(tags) <= TAGS, f"docs/{question['page']}: unknown tags {set(tags) - TAGS}"
        html = built(built_site, question["page"])
        shown = re.findall(r'<a href="([^"]+)" class="md-tag">([^<]+)</a>', html)
        assert {name for _, name in shown} == set(tags), f"{question['page']}: tags shown {shown}"
        for href, _ in shown:
            assert urljoin(BASE + page_url(question["page"]), href).startswith(BASE + "tags/#tag:")


def test_tags_index_lists_each_page_under_its_tags(built_site, answered) -> None:
    html = (built_site.directory / "tags" / "index.html").read_text(encoding="utf-8")
    sections = re.split(r'<h2 id="tag:', html)[1:]
    listed = {}
    for section in sections:
        name = re.search(r'<span class="md-tag">([^<]+)</span>', section).group(1)
        hrefs = re.findall(r'<a href="([^"]+)"', section)
        listed[name] = {urljoin(BASE + "tags/", href).split("#")[0] for href in hrefs}
    for question in answered:
        for tag in front_matter_tags(question["page"]):
            assert BASE + page_url(question["page"]) in listed.get(tag, set()), f"{question['id']} not under {tag}"


def test_previous_and_next_follow_interview_order(built_site, answered) -> None:
    for before, after in zip(answered, answered[1:]):
        assert footer_links(built(built_site, before["page"]), before["page"]).get("next") == BASE + page_url(
            after["page"]
        ), f"the page after {before['id']} should be {after['id']} (order of nav in mkdocs.yml)"
        assert footer_links(built(built_site, after["page"]), after["page"]).get("prev") == BASE + page_url(
            before["page"]
        ), f"the page before {after['id']} should be {before['id']}"


def test_every_question_page_links_to_its_source_for_editing(built_site, answered) -> None:
    edit_base = setting("repo_url").rstrip("/") + "/" + setting("edit_uri").strip("/") + "/"
    for question in answered:
        html = built(built_site, question["page"])
        match = re.search(r'<a href="([^"]+)" title="Edit this page"[^>]*rel="edit"', html)
        assert match, f"{question['page']}: no edit link"
        assert match.group(1) == edit_base + question["page"]
