"""Every English page has a Chinese twin (docs/zh/<same path>) that matches it in structure.

Twins include the same snippet sections in the same order, have as many Python blocks, and the same ``##``
outline: as many sections, in the same order, each with the same includes and Python blocks (so a section
cannot be moved or merged without the test noticing), and the page's fixed headings in the glossary's
wording (30-second answer -> 30 秒回答 ...). Notebooks: the same code cells count and the same markdown headings
count. The Chinese nav lists the English nav's pages in the same order, and the overview tables agree.

There is no skip list: a page that is not translated yet fails here (the build itself leaves it out of the
Chinese nav, hooks/editions.py, so the site still builds).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.docs.blocks import FENCE, PYTHON_LANGUAGES, scan_fences
from tests.docs.test_glossary import GLOSSARY, glossary_terms

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
ZH = DOCS / "zh"
INCLUDE = re.compile(r"""--8<--\s*["']?(?P<target>[^"'\s]+)""")
HEADING = re.compile(r"^##\s+(?P<title>.+?)(?:\s*\{[^}]*\})?\s*$")  # attribute list not part of the title
QUESTIONS_MARKER = re.compile(r"<!--\s*questions\s+round=(?P<round>\d+)\s")
NOTEBOOK_CELL = re.compile(r"^# %%(?P<markdown>\s*\[markdown\])?", re.M)
NOTEBOOK_HEADING = re.compile(r"^#[ \t]+(?P<level>#+)[ \t]", re.M)  # [ \t]: an empty "#" line is not a heading


def english_pages() -> list[str]:
    """Every page of the English edition, as its path under docs/ (Markdown pages and notebooks)."""
    pages = [p for p in DOCS.rglob("*.md") if ZH not in p.parents]
    pages += list((DOCS / "notebooks").glob("*.py"))
    return sorted(p.relative_to(DOCS).as_posix() for p in pages)


@dataclass(frozen=True)
class Section:
    """One part of a page: the text before the first ``##`` heading, or one ``##`` section."""

    title: str
    includes: tuple[str, ...]
    python_blocks: int


def fenced_lines(lines: list[str]) -> set[int]:
    """The 1-based numbers of the lines inside code fences (the fences included), as scan_fences reads them."""
    inside: set[int] = set()
    opened = None
    for number, line in enumerate(lines, start=1):
        match = FENCE.match(line)
        if opened is None and match:
            opened = match.group("marker")
        elif opened is not None and match:
            marker = match.group("marker")
            if marker[0] == opened[0] and len(marker) >= len(opened) and not match.group("info").strip():
                inside.add(number)
                opened = None
        if opened is not None:
            inside.add(number)
    return inside


def outline(text: str) -> list[Section]:
    """The page cut at its ``##`` headings (outside code fences), with each part's includes and Python blocks."""
    lines = text.splitlines()
    fences = scan_fences(text)
    inside = fenced_lines(lines)
    python_lines = {fence.line for fence in fences if fence.language in PYTHON_LANGUAGES}
    sections = [Section("", (), 0)]
    includes: list[str] = []
    blocks = 0

    def close() -> None:
        sections[-1] = Section(sections[-1].title, tuple(includes), blocks)

    for number, line in enumerate(lines, start=1):
        heading = HEADING.match(line)
        if heading and number not in inside:
            close()
            sections.append(Section(heading.group("title"), (), 0))
            includes, blocks = [], 0
            continue
        includes.extend(match.group("target") for match in INCLUDE.finditer(line))
        blocks += number in python_lines
    close()
    return sections


def fixed_headings() -> dict[str, str]:
    """English heading -> its Chinese wording, from the glossary's table of the pages' fixed wording."""
    return {term.english: term.chinese for term in glossary_terms(GLOSSARY.read_text(encoding="utf-8"))}


def nav_pages(config_file: Path) -> list[str]:
    """The pages a config's nav lists, in order."""
    from mkdocs.config import load_config

    found: list[str] = []

    def walk(entry) -> None:
        if isinstance(entry, str):
            found.append(entry)
        elif isinstance(entry, list):
            for item in entry:
                walk(item)
        elif isinstance(entry, dict):
            for value in entry.values():
                walk(value)

    walk(load_config(str(config_file)).nav)
    return [page for page in found if not page.startswith(("http://", "https://"))]


PAGES = english_pages()
MARKDOWN_PAGES = [page for page in PAGES if page.endswith(".md")]
NOTEBOOKS = [page for page in PAGES if page.endswith(".py")]


@pytest.mark.parametrize("page", PAGES)
def test_page_has_a_chinese_twin(page: str) -> None:
    assert (ZH / page).is_file(), f"docs/{page} has no Chinese twin docs/zh/{page}"


def test_chinese_nav_lists_the_english_pages_in_order() -> None:
    english = nav_pages(ROOT / "mkdocs.yml")
    chinese = nav_pages(ROOT / "mkdocs.zh.yml")
    assert [page for page in chinese if page in english] == english, "the zh nav must list every English nav page, in order"
    missing = [page for page in chinese if not (ZH / page).is_file()]
    assert not missing, f"zh nav entries without a page: {missing}"


@pytest.mark.parametrize("page", MARKDOWN_PAGES)
def test_twins_have_the_same_outline(page: str) -> None:
    twin = ZH / page
    if not twin.is_file():
        pytest.fail(f"docs/zh/{page} is missing")
    english = outline((DOCS / page).read_text(encoding="utf-8"))
    chinese = outline(twin.read_text(encoding="utf-8"))
    english_includes = [target for section in english for target in section.includes]
    chinese_includes = [target for section in chinese for target in section.includes]
    assert chinese_includes == english_includes, "the twins include different snippet sections"
    assert sum(s.python_blocks for s in chinese) == sum(s.python_blocks for s in english), (
        "the twins have different numbers of Python blocks"
    )
    assert len(chinese) == len(english), (
        f"## sections: English {[s.title for s in english[1:]]}, Chinese {[s.title for s in chinese[1:]]}"
    )
    wording = fixed_headings()
    for number, (en, zh) in enumerate(zip(english, chinese)):
        assert (zh.includes, zh.python_blocks) == (en.includes, en.python_blocks), (
            f"section {number} ('{en.title}' / '{zh.title}'): includes or Python blocks differ"
        )
        if en.title in wording:
            assert zh.title == wording[en.title], f"'## {en.title}' is '## {wording[en.title]}' (docs/zh/glossary.md)"


@pytest.mark.parametrize("page", NOTEBOOKS)
def test_notebook_twins_have_the_same_cells(page: str) -> None:
    twin = ZH / page
    if not twin.is_file():
        pytest.fail(f"docs/zh/{page} is missing")

    def shape(text: str) -> tuple[list[bool], int]:
        return [bool(m.group("markdown")) for m in NOTEBOOK_CELL.finditer(text)], len(NOTEBOOK_HEADING.findall(text))

    assert shape(twin.read_text(encoding="utf-8")) == shape((DOCS / page).read_text(encoding="utf-8")), (
        "the notebooks differ in their cells (code/markdown, in order) or in their number of headings"
    )


def test_overview_tables_list_the_same_rounds() -> None:
    def rounds(path: Path) -> list[str]:
        return QUESTIONS_MARKER.findall(path.read_text(encoding="utf-8"))

    assert rounds(ZH / "interview.md") == rounds(DOCS / "interview.md") == ["1", "2"]


def test_outline_ignores_headings_in_code_and_counts_per_section() -> None:
    text = '# T\n\n## A\n\n```python\n## not a heading\n--8<-- "x.py:s"\n```\n\n## B\n\n```text\n## no\n```\n'
    sections = outline(text)
    assert [s.title for s in sections] == ["", "A", "B"]
    assert sections[1] == Section("A", ("x.py:s",), 1)
    assert sections[2] == Section("B", (), 0)
