"""MkDocs hook: render every formula with KaTeX when the site is built, not in the reader's browser.

pymdownx.arithmatex (generic mode) wraps formulas as ``<span class="arithmatex">\\(...\\)</span>`` and
``<div class="arithmatex">\\[...\\]</div>``. This hook hands the TeX of each page to one Node process running the
site's vendored KaTeX (``docs/assets/vendor/katex/katex.min.js``, fetched by scripts/fetch_assets.sh) and puts
the HTML in place, keeping the ``arithmatex`` wrapper. Readers then load only KaTeX's stylesheet and fonts: no
script, no re-layout when formulas appear, and formulas show without JavaScript. A formula KaTeX rejects
stops the build with the page and the TeX.

KaTeX's output is HTML only. Its default adds a hidden MathML copy of every formula for screen readers, which
doubled the nodes of a formula-heavy page and made phones lay out twice as much; instead the wrapper becomes
``role="img"`` with the TeX source as its accessible name, the convention of Wikipedia's formula images.

It runs on the final HTML (``on_post_page``), after the search index has taken the page text, so search sees
the TeX source rather than KaTeX's markup.

Each formula is rendered once: the process keeps the HTML of every ``(tex, display)`` it rendered, so a formula
repeated across pages is not sent again. While serving, the process (and so that cache) lives as long as the
server, instead of one Node start and a full re-render of every formula on each rebuild.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[1]
RENDERER = ROOT / "scripts" / "katex_render.js"
FORMULA = re.compile(
    r'<(?P<tag>span|div)(?P<attrs>[^>]*?) class="arithmatex"(?P<more>[^>]*)>'
    r"(?P<open>\\\(|\\\[)(?P<tex>.*?)(?:\\\)|\\\])</(?P=tag)>",
    re.S,
)


class KatexProcess:
    """One Node process that renders batches of formulas with KaTeX."""

    def __init__(self, katex_js: Path) -> None:
        node = shutil.which("node")
        if node is None:
            raise PluginError("katex_render: `node` is needed to render formulas at build time (Node 18+)")
        if not katex_js.is_file():
            raise PluginError(f"katex_render: {katex_js} is missing: run scripts/fetch_assets.sh (make assets)")
        self.process = subprocess.Popen(
            [node, str(RENDERER), str(katex_js)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.rendered: dict[tuple[str, bool], str] = {}

    def render(self, formulas: list[tuple[str, bool]]) -> list[str]:
        """The HTML of each ``(tex, display)`` formula; raises ValueError with KaTeX's message on bad TeX."""
        missing = list(dict.fromkeys(f for f in map(tuple, formulas) if f not in self.rendered))
        if missing:
            self.process.stdin.write(json.dumps(missing) + "\n")
            self.process.stdin.flush()
            reply = json.loads(self.process.stdout.readline())
            if "error" in reply:
                raise ValueError(reply["error"])
            self.rendered.update(zip(missing, reply["html"]))
        return [self.rendered[f] for f in map(tuple, formulas)]

    def close(self) -> None:
        """Stop the Node process."""
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=10)


_process: KatexProcess | None = None
SERVING = "INTERVIEW_SITE_SERVING"  # set by hooks/notebook_cache.py on startup


def serving_process(katex_js: Path) -> KatexProcess:
    """The process kept for the whole ``mkdocs serve`` session (hooks are reloaded on every rebuild)."""
    holder = sys.modules.setdefault("interview_site_caches", types.ModuleType("interview_site_caches"))
    processes = holder.__dict__.setdefault("katex", {})
    process = processes.get(str(katex_js))
    if process is None or process.process.poll() is not None:
        process = processes[str(katex_js)] = KatexProcess(katex_js)
    return process


def render_formulas(output: str, renderer: KatexProcess, where: str) -> str:
    """Replace the TeX of every arithmatex element of ``output`` by its KaTeX HTML."""
    matches = list(FORMULA.finditer(output))
    if not matches:
        return output
    formulas = [(html.unescape(m.group("tex")).strip(), m.group("open") == "\\[") for m in matches]
    try:
        rendered = renderer.render(formulas)
    except ValueError as error:
        bad = [tex for tex, display in formulas if not _renders(renderer, tex, display)]
        raise PluginError(f"{where}: KaTeX cannot render {bad[:3]}: {error}") from error
    pieces, last = [], 0
    for match, (tex, _), markup in zip(matches, formulas, rendered):
        tag, attrs = match.group("tag"), match.group("attrs") + match.group("more")  # e.g. data-offscreen
        label = html.escape(" ".join(tex.split()), quote=True)
        pieces += [
            output[last : match.start()],
            f'<{tag}{attrs} class="arithmatex" role="img" aria-label="{label}">{markup}</{tag}>',
        ]
        last = match.end()
    pieces.append(output[last:])
    return "".join(pieces)


def _renders(renderer: KatexProcess, tex: str, display: bool) -> bool:
    try:
        renderer.render([(tex, display)])
        return True
    except ValueError:
        return False


# A heading's formula as the table of contents holds it: the text of arithmatex's \(...\) (Markdown pages), or the
# notebook cell's own $...$ (mkdocs-jupyter's pages).
TOC_FORMULA = re.compile(r"\\\((?P<paren>.+?)\\\)|(?<![\\$])\$(?P<dollar>[^$\s](?:[^$]*[^$\s])?)\$(?!\$)")


def toc_title_with_formulas(title: str) -> str:
    """``title`` (a table of contents entry, HTML) with each formula wrapped as arithmatex wraps it in the page."""
    return TOC_FORMULA.sub(
        lambda m: f'<span class="arithmatex">\\({m.group("paren") or m.group("dollar")}\\)</span>', title
    )


def on_page_content(html_, page, config, files):  # noqa: D103 - MkDocs event
    # The sidebar's table of contents is drawn from page.toc, whose titles are the headings' text: a heading's
    # formula would show there as TeX. Wrapped, on_post_page renders it like the heading's.
    def wrap(items) -> None:
        for item in items:
            item.title = toc_title_with_formulas(item.title)
            wrap(item.children)

    wrap(page.toc)
    return html_


def on_post_page(output, page, config):  # noqa: D103 - MkDocs event
    global _process
    if 'class="arithmatex"' not in output:
        return output
    if _process is None:
        katex_js = Path(config.docs_dir) / "assets" / "vendor" / "katex" / "katex.min.js"
        _process = serving_process(katex_js) if os.environ.get(SERVING) == "1" else KatexProcess(katex_js)
    return render_formulas(output, _process, f"docs/{page.file.src_uri}")


def on_post_build(config):  # noqa: D103 - MkDocs event
    global _process
    if _process is not None and os.environ.get(SERVING) != "1":
        _process.close()
    _process = None


def on_build_error(error):  # noqa: D103 - MkDocs event
    on_post_build(None)
