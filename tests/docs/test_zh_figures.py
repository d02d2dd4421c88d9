"""The Chinese edition's figures: the hand-drawn diagrams in Chinese, the benchmark plots with Chinese labels.

docs/assets/diagrams/zh/<name>.svg is the Chinese twin of docs/assets/diagrams/<name>.svg (same canvas). Each
edition's pages show their own edition's diagrams and benchmark plots (``*_zh.svg`` for Chinese). The SVGs are
shown as <img>, so the page's CSS does not reach them: a Chinese diagram carries the site's font stack itself
(Latin fonts, then each platform's CJK font: docs/assets/stylesheets/reader.css) and refers to nothing outside
itself. The plots' own checks are in tests/benchmarks/test_video_attention.py.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.docs.test_glossary import GLOSSARY, glossary_terms, rejected_uses

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
ZH = DOCS / "zh"
DIAGRAMS = DOCS / "assets" / "diagrams"
ZH_DIAGRAMS = DIAGRAMS / "zh"
READER_CSS = DOCS / "assets" / "stylesheets" / "reader.css"
SVG = "{http://www.w3.org/2000/svg}"
CJK = re.compile(r"[\u3400-\u9fff]")
FIGURE = re.compile(r"!\[[^\]]*\]\((?P<src>[^)\s]*assets/(?:diagrams|benchmarks)/[^)\s]+\.svg)\)")
LAST_LATIN_FONT = "Arial"  # in reader.css's stack, the CJK fonts come after it
# Lowercase words a Chinese label keeps in English (named models and components are capitalised).
KEPT_ENGLISH = {"token", "patch", "block", "tanh"}


def font_families(value: str) -> list[str]:
    """A CSS font-family list as bare names: "'Noto Sans CJK SC', sans-serif" -> ["Noto Sans CJK SC", "sans-serif"]."""
    return [name.strip().strip("'\"") for name in value.split(",") if name.strip()]


def site_font_stack() -> list[str]:
    """The Chinese edition's text fonts, from reader.css (``:lang(zh) { --md-text-font-family: ... }``)."""
    match = re.search(r":lang\(zh\)\s*\{\s*--md-text-font-family:\s*(?P<stack>[^;]+);", READER_CSS.read_text())
    assert match, f"{READER_CSS.relative_to(ROOT)} no longer sets --md-text-font-family for :lang(zh)"
    return font_families(match.group("stack"))


def site_cjk_fonts() -> list[str]:
    """The CJK fonts of the site's stack: the names after the last Latin font, the generic family left out."""
    stack = site_font_stack()
    return stack[stack.index(LAST_LATIN_FONT) + 1 : -1]


def diagram_names() -> list[str]:
    """The English diagrams' file names."""
    return sorted(path.name for path in DIAGRAMS.glob("*.svg"))


def svg_text(root: ET.Element) -> str:
    """All the words a reader sees or hears: <title>, <desc> and every <text>, one per line."""
    elements = [element for tag in ("title", "desc", "text") for element in root.iter(SVG + tag)]
    return "\n".join("".join(element.itertext()) for element in elements)


def page_figures() -> list[tuple[Path, str]]:
    """(page, link) of every diagram or benchmark plot shown on a page of either edition."""
    return [
        (page, match.group("src"))
        for page in sorted(DOCS.rglob("*.md"))
        for match in FIGURE.finditer(page.read_text(encoding="utf-8"))
    ]


def test_site_stack_lists_cjk_fonts_after_latin_ones():
    cjk = ["PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC"]
    assert site_cjk_fonts() == cjk
    assert site_font_stack()[-1] == "sans-serif"


def test_every_diagram_has_a_chinese_twin_of_the_same_size():
    assert sorted(path.name for path in ZH_DIAGRAMS.glob("*.svg")) == diagram_names()
    for name in diagram_names():
        english, chinese = ET.parse(DIAGRAMS / name).getroot(), ET.parse(ZH_DIAGRAMS / name).getroot()
        for attribute in ("viewBox", "width", "height"):
            assert chinese.get(attribute) == english.get(attribute), f"{name}: {attribute} differs"


@pytest.mark.parametrize("name", diagram_names())
def test_chinese_diagram_carries_the_site_font_stack(name):
    text = (ZH_DIAGRAMS / name).read_text(encoding="utf-8")
    root = ET.fromstring(text)
    assert font_families(root.get("font-family", "")) == site_font_stack()
    assert text.count("font-family") == 1, "only the root sets the fonts"


@pytest.mark.parametrize("name", diagram_names())
def test_chinese_diagram_refers_to_nothing_outside_itself(name):
    text = (ZH_DIAGRAMS / name).read_text(encoding="utf-8")
    root = ET.fromstring(text)
    references = [value for element in root.iter() for key, value in element.attrib.items() if key.endswith("href")]
    assert all(value.startswith("#") for value in references), references
    assert re.findall(r"url\((?!#)", text) == []
    assert not re.search(r"@import|@font-face|<image", text)


@pytest.mark.parametrize("name", diagram_names())
def test_chinese_diagram_is_labelled_in_chinese(name):
    root = ET.parse(ZH_DIAGRAMS / name).getroot()
    for tag in ("title", "desc"):
        assert CJK.search(root.find(SVG + tag).text), f"{name}: <{tag}> is not Chinese"
    labels = ["".join(element.itertext()).strip() for element in root.iter(SVG + "text")]
    assert all(labels), f"{name}: an empty <text>"
    english = set(re.findall(r"\b[a-z]{3,}\b", "\n".join(labels))) - KEPT_ENGLISH
    assert not english, f"{name}: English words left in the labels: {sorted(english)}"
    terms = glossary_terms(GLOSSARY.read_text(encoding="utf-8"))
    found = rejected_uses(svg_text(root), terms)
    assert not found, f"{name}: renderings the glossary rejects: {found}"


def test_each_edition_shows_its_own_figures():
    shown = set()
    for page, src in page_figures():
        target = (page.parent / src).resolve()
        assert target.is_file(), f"{page.relative_to(ROOT)}: {src} does not exist"
        chinese_figure = "/diagrams/zh/" in src or src.endswith("_zh.svg")
        assert chinese_figure == (ZH in page.parents), f"{page.relative_to(ROOT)} shows the other edition's {src}"
        shown.add(target)
    unshown = [path for path in sorted(ZH_DIAGRAMS.glob("*.svg")) if path.resolve() not in shown]
    assert not unshown, f"Chinese diagrams no page shows: {unshown}"
