"""Notebook figures as SVG whose text stays text: the reader's browser draws the labels in its own fonts.

A PNG figure is drawn with the fonts of the machine that runs the notebook. The machine that builds the site
(and many readers' machines) has no CJK font, so Chinese titles and axis labels would come out as empty boxes.
An SVG written with ``svg.fonttype = "none"`` keeps every label as a ``<text>`` element that names a list of
fonts, and the browser draws it like the rest of the page: Latin fonts first, then each platform's CJK font
(the stack of docs/assets/stylesheets/reader.css). The site ships no font and fetches none. Shown inline in
the page's HTML, the labels can also be selected, copied and found with the browser's find.

matplotlib still lays the figure out itself: with DejaVu Sans, which it bundles, and for CJK characters with
the first CJK font of the list that it knows on the machine. Where it knows none (the build machine), it
measures a CJK character as DejaVu's missing-glyph box, about 1.15 em, wider than the 1 em a CJK font draws,
so labels get a little room to spare rather than too little, and it warns "Glyph ... missing from font(s)
DejaVu Sans." for every such character. That one warning is expected here and is ignored; every other warning
is left alone.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

# The platforms' CJK fonts, in the order of reader.css: macOS/iOS, older macOS, Windows, Linux/Android, and
# Adobe's name for the same font as Noto's.
CJK_FONTS = ("PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC")
# matplotlib's settings for figures whose text stays text. DejaVu Sans comes first: matplotlib measures Latin
# text with it on every machine, and the browser draws Latin text with it where it is installed (most Linux
# systems).
TEXT_AS_TEXT: dict[str, Any] = {
    "svg.fonttype": "none",
    "font.family": ["sans-serif"],
    "font.sans-serif": ["DejaVu Sans", "Segoe UI", "Helvetica", "Arial", *CJK_FONTS],
}
# The metadata matplotlib writes into an SVG by default, left out of an inline one (it names the date, so a
# page would change with every build, and carries RDF namespaces a page does not need).
SVG_METADATA = ("Creator", "Date", "Format", "Type")
# The warning matplotlib gives while measuring a CJK label with DejaVu Sans (and no other warning).
GLYPH_MISSING = r"Glyph \d+ \(.+\) missing from font\(s\) DejaVu Sans\."


def use_svg_figures(shell: Any = None) -> None:
    """Show matplotlib figures as SVG whose text stays text, for the rest of this process.

    Call it once at the top of a notebook, before drawing. It changes, globally:

    - ``matplotlib.rcParams``: the keys of :data:`TEXT_AS_TEXT` (``svg.fonttype``, ``font.family``,
      ``font.sans-serif``), nothing else;
    - the warning filters: one filter, first in the list, ignoring the UserWarning that matches
      :data:`GLYPH_MISSING`;
    - in IPython (a Jupyter kernel) only, how the shell displays a figure: as ``image/svg+xml`` instead of
      ``image/png`` (also the inline backend's ``figure_formats``, kept if the backend is set up again), and as
      the same SVG in ``text/html`` (:func:`figure_html`, numbered ``figure-1``, ``figure-2``, ...), which
      nbconvert, and so the site, puts inline in the page, where it would turn an ``image/svg+xml`` output
      into a base64 ``<img>``. Without a shell this step is skipped: a plain script displays nothing.

    Args:
        shell: the IPython shell whose display to set up; by default the running one, if any.
    """
    import warnings

    import matplotlib

    matplotlib.rcParams.update(TEXT_AS_TEXT)
    warnings.filterwarnings("ignore", message=GLYPH_MISSING, category=UserWarning)
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # plain Python without IPython: nothing is displayed
            return
        shell = get_ipython()
        if shell is None:
            return
    import matplotlib.pyplot  # noqa: F401 - in a kernel, sets up the inline backend before its formats change
    from IPython.core.pylabtools import select_figure_formats
    from matplotlib.figure import Figure
    from matplotlib_inline.config import InlineBackend

    backend = InlineBackend.instance(parent=shell)
    backend.figure_formats = {"svg"}
    select_figure_formats(shell, {"svg"}, **backend.print_figure_kwargs)  # drops the other Figure formatters
    shell.display_formatter.formatters["text/html"].for_type(Figure, numbered_figure_html())


def figure_html(figure: Any, name: str) -> str:
    """The figure as an ``<svg>`` element to put inline in HTML, its text kept as text.

    Several figures on one page must not share an id: matplotlib numbers its groups the same way in every SVG
    (``figure_1``, ``axes_1``, ...), so every id, and every reference to one, gets ``name`` in front.

    Args:
        figure: a ``matplotlib.figure.Figure``.
        name: unique on the page, e.g. ``figure-1``; a letter, then letters, digits, ``-`` or ``_``. It also
            salts the hashed ids (``svg.hashsalt``), so the same figure gives the same SVG on every run.

    Returns:
        The SVG document without its XML declaration, DOCTYPE and metadata (:data:`SVG_METADATA`), cropped
        to the drawing as the inline backend crops it; no wider than the page (``max-width: 100%``), and
        without a ``<style>`` element, whose rules would reach the whole page. Written with
        :data:`TEXT_AS_TEXT` whatever the global settings, without the glyph warning; the global settings and
        warning filters are left as they were.

    Raises:
        TypeError: ``figure`` is not a matplotlib figure, or ``name`` is not a str.
        ValueError: ``name`` is not of the form above.
    """
    import io
    import re
    import warnings

    import matplotlib
    from matplotlib.figure import Figure

    if not isinstance(figure, Figure):
        raise TypeError(f"figure must be a matplotlib Figure, got {type(figure).__name__}")
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__}")
    if not re.fullmatch(r"[A-Za-z][\w-]*", name):
        raise ValueError(f"name must be a letter, then letters, digits, '-' or '_', got {name!r}")
    buffer = io.BytesIO()
    with matplotlib.rc_context({**TEXT_AS_TEXT, "svg.hashsalt": name}), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=GLYPH_MISSING, category=UserWarning)
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata=dict.fromkeys(SVG_METADATA))
    return _inline(buffer.getvalue().decode("utf-8"), name)


def _inline(document: str, name: str) -> str:
    """matplotlib's SVG ``document`` made fit to stand inside a page, its ids prefixed with ``name-``."""
    import re

    svg = document[document.index("<svg") :]  # no XML declaration or DOCTYPE inside HTML
    # matplotlib's <style> rule "*{...}" would style every element of the page: its declarations go on the root
    # instead (inherited by the figure alone), with the rule that shrinks a wide figure to the page's width.
    stylesheet = re.search(r'<style type="text/css">\*\{([^}]*)\}</style>', svg)
    declarations = [stylesheet[1].strip().rstrip(";")] if stylesheet else []
    svg = re.sub(r"<defs>\s*</defs>\s*", "", svg.replace(stylesheet[0], "")) if stylesheet else svg
    root_style = "; ".join([*declarations, "max-width: 100%", "height: auto"])
    svg = svg.replace("<svg ", f'<svg style="{root_style}" ', 1)
    ids = set(re.findall(r'\sid="([^"]+)"', svg))
    return re.sub(
        r'(\sid="|href="#|url\(#)([^")]+)',
        lambda match: f"{match[1]}{name}-{match[2]}" if match[2] in ids else match[0],
        svg,
    )


def numbered_figure_html() -> Callable[[Any], str]:
    """:func:`figure_html` named ``figure-1``, ``figure-2``, ... in the order the figures are shown."""
    numbers = itertools.count(1)
    return lambda figure: figure_html(figure, f"figure-{next(numbers)}")
