"""One term, one rendering: the zh glossary (docs/zh/glossary.md) is parsed here and every zh page is checked.

The glossary's tables are the data: | English | 中文 | 不用 | 说明 |. "不用" lists renderings (separated by 、) that
no zh page may use. Spaces are ignored when matching (KV 缓存 == KV缓存), and an occurrence inside an accepted
rendering does not count (组查询注意力 is rejected, 分组查询注意力 is the term).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ZH = ROOT / "docs" / "zh"
GLOSSARY = ZH / "glossary.md"
ROW = re.compile(r"^\|(?P<cells>.+)\|\s*$")
MIN_TERMS = 60


@dataclass(frozen=True)
class Term:
    """One row of the glossary."""

    english: str
    chinese: str
    rejected: tuple[str, ...]
    line: int


def squeeze(text: str) -> str:
    """Text without whitespace, so spacing between Chinese and Latin does not matter."""
    return re.sub(r"\s+", "", text)


def glossary_terms(text: str) -> list[Term]:
    """The rows of every | English | 中文 | 不用 | 说明 | table in the glossary page."""
    terms = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = ROW.match(line)
        if not match:
            continue
        cells = [cell.strip() for cell in match.group("cells").split("|")]
        if cells[0] == "English" or set(cells[0]) <= set("-: "):
            continue
        assert len(cells) == 4, f"glossary.md:{number}: expected 4 cells, got {cells}"
        rejected = tuple(word.strip() for word in cells[2].split("、") if word.strip())
        terms.append(Term(cells[0], cells[1], rejected, number))
    return terms


def zh_pages() -> list[Path]:
    """Every zh page whose prose a reader sees: Markdown pages and notebooks, the glossary itself excepted."""
    files = sorted(ZH.rglob("*.md")) + sorted((ZH / "notebooks").glob("*.py"))
    return [path for path in files if path != GLOSSARY]


def rejected_uses(text: str, terms: list[Term]) -> list[tuple[str, str]]:
    """(rejected rendering, term) pairs found in a text, outside occurrences of accepted renderings."""
    masked = squeeze(text)
    for accepted in sorted({squeeze(term.chinese) for term in terms}, key=len, reverse=True):
        masked = masked.replace(accepted, "\0")
    return [(word, term.english) for term in terms for word in term.rejected if squeeze(word) in masked]


@pytest.fixture(scope="module")
def terms() -> list[Term]:
    """The glossary's terms."""
    return glossary_terms(GLOSSARY.read_text(encoding="utf-8"))


def test_glossary_is_large_enough(terms: list[Term]) -> None:
    assert len(terms) >= MIN_TERMS, f"the glossary has {len(terms)} terms, the issue asks for {MIN_TERMS}"


def test_one_rendering_per_term(terms: list[Term]) -> None:
    english = [term.english.lower() for term in terms]
    assert len(english) == len(set(english)), "a term is listed twice"
    accepted = {squeeze(term.chinese) for term in terms}
    for term in terms:
        assert term.chinese, f"glossary.md:{term.line}: {term.english} has no rendering"
        clash = [word for word in term.rejected if squeeze(word) in accepted]
        assert not clash, f"glossary.md:{term.line}: {clash} is rejected here but is another term's rendering"


def test_matching_ignores_spaces_and_accepted_renderings(terms: list[Term]) -> None:
    assert ("KV 缓存", "KV cache") in rejected_uses("解码时的 KV缓存", terms)
    assert not rejected_uses("分组查询注意力（GQA）和 KV cache", terms)
    assert ("关注力", "attention") in rejected_uses("多头关注力", terms)


@pytest.mark.parametrize("page", zh_pages(), ids=lambda path: path.relative_to(ROOT).as_posix())
def test_zh_page_uses_no_rejected_rendering(page: Path, terms: list[Term]) -> None:
    found = rejected_uses(page.read_text(encoding="utf-8"), terms)
    assert not found, "; ".join(f"{word!r} is rejected for {english!r} (docs/zh/glossary.md)" for word, english in found)
