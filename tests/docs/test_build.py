"""The site builds with ``mkdocs build --strict`` and prints no warning."""

from __future__ import annotations

import re

# MkDocs' own log lines ("WARNING -  ..."); a kernel's chatter on stderr is not a build warning.
MKDOCS_PROBLEM = re.compile(r"^(WARNING|ERROR)\s+-")


def test_strict_build_is_clean(built_site) -> None:
    warnings = [line for line in built_site.output.splitlines() if MKDOCS_PROBLEM.match(line)]
    assert built_site.returncode == 0, built_site.output[-4000:]
    assert not warnings, "\n".join(warnings)


def built_path(source: str) -> str:
    """Where MkDocs (with directory URLs) writes the page ``source`` (relative to docs/)."""
    stem = source.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem + ".html"
    return stem + "/index.html"


def test_every_page_is_built(built_site) -> None:
    from tests.docs import blocks

    for page in blocks.pages():
        source = page.relative_to(blocks.DOCS).as_posix()
        assert (built_site.directory / built_path(source)).exists(), f"docs/{source} was not built"


def test_heading_anchors_keep_chinese_text(built_site) -> None:
    page = (built_site.directory / "interview" / "index.html").read_text(encoding="utf-8")
    assert 'id="round-1--一面"' in page and 'id="round-2--二面"' in page


def test_katex_ships_only_what_readers_load(built_site) -> None:
    """Formulas are rendered at build time: the site carries KaTeX's stylesheet and fonts, not its scripts."""
    katex = built_site.directory / "assets" / "vendor" / "katex"
    assert (katex / "katex.min.css").is_file() and any((katex / "fonts").iterdir())
    assert not list(katex.rglob("*.js"))
