"""examples/figures.py: SVG figures keep their text as text, in the site's fonts, with no glyph warning.

The oracle for the fonts is the site's own stylesheet (docs/assets/stylesheets/reader.css, read by
tests/docs/test_zh_figures.py); for the warning, matplotlib's own message, produced here.
"""

from __future__ import annotations

import io
import re
import warnings
import xml.etree.ElementTree as ET

import matplotlib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from examples import figures
from tests.docs.test_zh_figures import CJK, SVG, font_families, site_cjk_fonts

TITLE, X_LABEL, LEGEND = "注意力权重", "键的位置（key）", "全量微调"


def chinese_figure() -> Figure:
    """A small figure with a Chinese title, axis label and legend entry."""
    fig = Figure(figsize=(4, 3), layout="constrained")
    ax = fig.subplots()
    ax.plot([1, 2, 3], [3, 1, 2], marker="o", label=LEGEND)
    ax.set_title(TITLE)
    ax.set_xlabel(X_LABEL)
    ax.legend()
    return fig


def texts(svg: str) -> dict[str, str]:
    """Each <text> element's words -> its font-family value."""
    found = {}
    for element in ET.fromstring(svg).iter(SVG + "text"):
        style = element.get("style", "")
        family = re.search(r"font-family:\s*([^;]+)", style)
        found["".join(element.itertext())] = family.group(1) if family else ""
    return found


def assert_ids_named(svg: str, name: str) -> None:
    """Every id of ``svg`` starts with ``name-`` and is unique, and every reference (href, url) finds its id."""
    ids = re.findall(r' id="([^"]+)"', svg)
    assert ids and all(i.startswith(f"{name}-") for i in ids), ids
    assert len(ids) == len(set(ids))
    references = {a or b for a, b in re.findall(r'href="#([^"]+)"|url\(#([^)]+)\)', svg)}
    assert references, "the figure has clip paths and markers"
    assert references <= set(ids), "a reference to an id that is not there"


def test_cjk_fonts_are_the_sites_after_its_latin_ones():
    assert list(figures.CJK_FONTS) == site_cjk_fonts()
    families = figures.TEXT_AS_TEXT["font.sans-serif"]
    assert families[0] == "DejaVu Sans", "matplotlib measures with its own font, the one every machine has"
    assert families[-len(figures.CJK_FONTS) :] == list(figures.CJK_FONTS)
    assert figures.TEXT_AS_TEXT["svg.fonttype"] == "none"


def test_chinese_labels_stay_text_in_the_site_fonts():
    svg = figures.figure_html(chinese_figure(), "test")
    labels = texts(svg)
    for words in (TITLE, X_LABEL, LEGEND):
        assert words in labels, f"{words!r} is not a <text>: {sorted(labels)}"
        families = font_families(labels[words])
        assert families == [*figures.TEXT_AS_TEXT["font.sans-serif"], "sans-serif"], families
        assert families[-len(site_cjk_fonts()) - 1 :] == [*site_cjk_fonts(), "sans-serif"]
    assert "注意力" in svg
    assert "<path id=\"DejaVuSans" not in svg, "no label was turned into glyph outlines"


@settings(max_examples=10)  # each example draws a figure (about 0.2 s)
@given(
    words=st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=12),
    name=st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,8}", fullmatch=True),
)
def test_any_chinese_title_stays_text_under_any_name(words, name):
    fig = Figure(figsize=(2, 1.5))
    ax = fig.subplots()
    ax.plot([0, 1], [1, 0], marker="s")
    ax.set_title(words)
    svg = figures.figure_html(fig, name)
    assert words in texts(svg)
    assert_ids_named(svg, name)


def test_figure_html_is_an_svg_element_for_inline_html():
    svg = figures.figure_html(chinese_figure(), "test")
    assert svg.startswith("<svg ") and svg.rstrip().endswith("</svg>")
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg
    assert re.search(r'<svg [^>]*viewBox="0 0 [\d.]+ [\d.]+"', svg)
    assert "<metadata" not in svg, "no date (a page changes only when its figures do), no RDF"
    assert "<style" not in svg, "no stylesheet: its rules would reach the whole page"
    assert not re.search(r"<defs>\s*</defs>", svg)
    style = ET.fromstring(svg).get("style")
    assert "stroke-linejoin: round" in style, "matplotlib's rule for every element now holds on the root"
    assert style.endswith("max-width: 100%; height: auto"), "a wide figure shrinks to the page's width"
    assert re.findall(r"https?://[^\s\"]+", svg) == ["http://www.w3.org/1999/xlink", "http://www.w3.org/2000/svg"]


def test_figure_html_is_the_same_on_every_run():
    assert figures.figure_html(chinese_figure(), "figure-1") == figures.figure_html(chinese_figure(), "figure-1")


def test_two_figures_of_a_page_share_no_id_and_references_follow():
    first, second = (figures.figure_html(chinese_figure(), name) for name in ("figure-1", "figure-2"))
    assert_ids_named(first, "figure-1")
    assert_ids_named(second, "figure-2")
    assert not set(re.findall(r' id="([^"]+)"', first)) & set(re.findall(r' id="([^"]+)"', second))


def test_figure_html_leaves_settings_and_filters_alone_and_warns_nothing():
    before_rc, before_filters = dict(matplotlib.rcParams), list(warnings.filters)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        filters = list(warnings.filters)
        svg = figures.figure_html(chinese_figure(), "test")
        assert warnings.filters == filters
    assert [str(w.message) for w in caught] == []
    assert CJK.search(svg)
    assert dict(matplotlib.rcParams) == before_rc
    assert list(warnings.filters) == before_filters


def test_the_glyph_warning_is_matplotlibs_own():
    fig = Figure()
    fig.text(0.5, 0.5, "注意力", fontfamily="DejaVu Sans")
    with warnings.catch_warnings(record=True) as caught, matplotlib.rc_context({"svg.fonttype": "none"}):
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="svg")
    messages = [str(w.message) for w in caught]
    assert messages and all(re.fullmatch(figures.GLYPH_MISSING, message) for message in messages), messages
    assert not re.match(figures.GLYPH_MISSING, "Glyph 27880 (x) missing from font(s) Noto Sans CJK SC.")


@pytest.fixture
def restored():
    """Undo what use_svg_figures changes globally (matplotlib's settings, the warning filters)."""
    with matplotlib.rc_context(), warnings.catch_warnings():
        yield


def test_use_svg_figures_changes_only_what_it_says(restored):
    before_rc, before_filters = dict(matplotlib.rcParams), list(warnings.filters)
    figures.use_svg_figures()  # no IPython shell runs the tests: the display is not touched
    changed = {key for key, value in matplotlib.rcParams.items() if before_rc[key] != value}
    assert changed <= set(figures.TEXT_AS_TEXT)
    assert all(matplotlib.rcParams[key] == value for key, value in figures.TEXT_AS_TEXT.items())
    assert warnings.filters[1:] == before_filters
    action, message, category, module, line = warnings.filters[0]
    assert (action, message.pattern, category, module, line) == ("ignore", figures.GLYPH_MISSING, UserWarning, None, 0)


def test_after_use_svg_figures_chinese_draws_without_warning_and_other_warnings_remain(restored):
    figures.use_svg_figures()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figures.use_svg_figures()  # the filter goes in front of "always"
        fig = chinese_figure()
        fig.savefig(io.BytesIO(), format="svg")
        warnings.warn("Glyph 27880 (x) missing from font(s) Noto Sans CJK SC.", UserWarning, stacklevel=1)
    assert [str(w.message) for w in caught] == ["Glyph 27880 (x) missing from font(s) Noto Sans CJK SC."]


def test_use_svg_figures_shows_figures_as_inline_svg_in_a_shell(restored):
    from IPython.core.formatters import DisplayFormatter
    from matplotlib_inline.config import InlineBackend
    from traitlets.config import Configurable

    class Shell(Configurable):
        """What use_svg_figures uses of an IPython shell: its display formatter."""

        def __init__(self) -> None:
            super().__init__()
            self.display_formatter = DisplayFormatter()

    shell = Shell()
    try:
        figures.use_svg_figures(shell)
        assert InlineBackend.instance().figure_formats == {"svg"}
        bundles = [shell.display_formatter.format(chinese_figure())[0] for _ in range(2)]
    finally:
        InlineBackend.clear_instance()
    for number, bundle in enumerate(bundles, start=1):
        assert set(bundle) == {"text/plain", "image/svg+xml", "text/html"}
        assert bundle["text/html"] == figures.figure_html(chinese_figure(), f"figure-{number}")
        assert TITLE in texts(bundle["text/html"])


@pytest.mark.parametrize(
    ("figure", "name", "error"),
    [("fig", "f", TypeError), (None, 1, TypeError), (None, "", ValueError), (None, "1st", ValueError),
     (None, 'a"b', ValueError), (None, "a b", ValueError)],
)
def test_figure_html_rejects_bad_arguments(figure, name, error):
    with pytest.raises(error, match="^figure|^name"):
        figures.figure_html(chinese_figure() if figure is None else figure, name)
