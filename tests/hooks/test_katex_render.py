"""hooks/katex_render.py: formulas rendered at build time by the vendored KaTeX in one Node process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

KATEX = Path(__file__).resolve().parents[2] / "docs" / "assets" / "vendor" / "katex" / "katex.min.js"

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not KATEX.is_file(), reason="needs node and scripts/fetch_assets.sh"
)


@pytest.fixture(scope="module")
def hook(load_hook):
    return load_hook("katex_render")


@pytest.fixture(scope="module")
def renderer(hook):
    process = hook.KatexProcess(KATEX)
    yield process
    process.close()


def test_inline_and_display_formulas_are_rendered_in_place(hook, renderer) -> None:
    page = (
        '<p>Scale by <span class="arithmatex">\\(1/\\sqrt{d}\\)</span> and keep &lt;text&gt;.</p>\n'
        '<div class="arithmatex">\\[\n\\mathrm{softmax}(x)_i = \\frac{e^{x_i}}{\\sum_j e^{x_j}}, \\quad a &lt; b\n\\]</div>'
    )
    html = hook.render_formulas(page, renderer, "docs/x.md")
    assert html.count('class="arithmatex"') == 2
    assert '<span class="arithmatex" role="img" aria-label="1/\\sqrt{d}"><span class="katex">' in html
    assert '<div class="arithmatex" role="img" aria-label="\\mathrm{softmax}(x)_i = ' in html
    assert "<math" not in html  # no hidden MathML copy: the TeX is the accessible name
    assert "\\(" not in html and "\\[" not in html
    assert "keep &lt;text&gt;." in html
    # KaTeX got the TeX unescaped (a < b); the label escapes it once, not twice, on one line.
    assert 'a &lt; b"' in html and "&amp;lt;" not in html


def test_other_attributes_of_the_wrapper_are_kept(hook, renderer) -> None:
    page = '<div data-offscreen class="arithmatex" id="f">\\[x^2\\]</div>'  # hooks/offscreen_blocks.py marks blocks
    html = hook.render_formulas(page, renderer, "docs/x.md")
    assert html.startswith('<div data-offscreen id="f" class="arithmatex" role="img" aria-label="x^2"><span class="katex')


def test_a_page_without_formulas_is_unchanged(hook, renderer) -> None:
    assert hook.render_formulas("<p>$5</p>", renderer, "docs/x.md") == "<p>$5</p>"


def test_bad_tex_stops_the_build_naming_page_and_formula(hook, renderer) -> None:
    page = '<span class="arithmatex">\\(x^2\\)</span><span class="arithmatex">\\(\\frac{1}{\\)</span>'
    with pytest.raises(PluginError, match=r"docs/bad\.md.*frac"):
        hook.render_formulas(page, renderer, "docs/bad.md")
    assert "katex" in hook.render_formulas('<span class="arithmatex">\\(y\\)</span>', renderer, "docs/x.md")


@pytest.mark.parametrize(
    ("title", "wrapped"),
    [
        ("The \\(\\alpha / r\\) scaling", 'The <span class="arithmatex">\\(\\alpha / r\\)</span> scaling'),  # Markdown
        ("2. Scores, scaled by $1/\\sqrt{d}$", '2. Scores, scaled by <span class="arithmatex">\\(1/\\sqrt{d}\\)</span>'),
        ("$A$ and $B = 0$", '<span class="arithmatex">\\(A\\)</span> and <span class="arithmatex">\\(B = 0\\)</span>'),
        ("From $5 to $6 a month", "From $5 to $6 a month"),  # prices, not a formula: a space inside the dollars
        ("Costs \\$3 and \\$4", "Costs \\$3 and \\$4"),
        ("No formula here", "No formula here"),
    ],
)
def test_table_of_contents_formulas_are_wrapped_as_in_the_page(hook, title, wrapped) -> None:
    assert hook.toc_title_with_formulas(title) == wrapped


def test_table_of_contents_formulas_are_rendered_with_the_page(hook, renderer) -> None:
    title = hook.toc_title_with_formulas("Why $B = 0$ and not \\(A = 0\\)")
    html = hook.render_formulas(f'<a class="md-nav__link"><span class="md-ellipsis">{title}</span></a>', renderer, "x")
    assert html.count('<span class="katex">') == 2 and "$" not in html and "\\(" not in html
