"""hooks/notebook_pages.py: notebook HTML without inline styles and scripts, Material code blocks, KaTeX-ready
formulas, and images as files."""

from __future__ import annotations

import base64
import struct
import zlib

import pytest


@pytest.fixture(scope="module")
def hook(load_hook):
    return load_hook("notebook_pages")


def tiny_png(width: int, height: int) -> bytes:
    """A valid grey PNG of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


NOTEBOOK = """<script>clipboard()</script><style type="text/css">.jp-Cell{}</style>
<script src=""> </script><script type="text/x-mathjax-config">init_mathjax();</script>
<div class="jupyter-wrapper"><div class="jp-Notebook">
<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-MarkdownOutput" data-mime-type="text/markdown">
<p>Scores are $QK^\\top/\\sqrt{d}$; it costs \\$5; keep <code>$x$</code> as code.</p>
$$\\mathrm{softmax}(s)_i = \\frac{e^{s_i}}{\\sum_j e^{s_j}}$$
</div>
<div class="zeroclipboard-container"><clipboard-copy for="cell-1"><div>copy</div></clipboard-copy>
</div>
<div class="highlight-ipynb hl-python"><pre><span></span><span class="n">x</span> <span class="o">=</span> <span class="mi">1</span>
</pre></div>
<div class="clipboard-copy-txt" id="cell-1">x = 1</div>
</div></div>"""


def test_rewrite_drops_inline_styles_scripts_and_the_clipboard_component(hook) -> None:
    html = hook.rewrite_notebook(NOTEBOOK)
    assert html.startswith('<div class="jupyter-wrapper">')
    for gone in ("<style", "<script", "clipboard-copy", "zeroclipboard", "mathjax"):
        assert gone not in html


def test_code_cells_become_material_code_blocks(hook) -> None:
    html = hook.rewrite_notebook(NOTEBOOK)
    assert '<div class="highlight highlight-ipynb hl-python"><pre><code><span></span><span class="n">x</span>' in html
    assert "</code></pre></div>" in html


def test_markdown_math_becomes_arithmatex_but_code_and_escaped_dollars_stay(hook) -> None:
    html = hook.rewrite_notebook(NOTEBOOK)
    assert '<span class="arithmatex">\\(QK^\\top/\\sqrt{d}\\)</span>' in html
    assert '<span class="arithmatex">\\[\\mathrm{softmax}(s)_i = \\frac{e^{s_i}}{\\sum_j e^{s_j}}\\]</span>' in html
    assert "<code>$x$</code>" in html
    assert "costs \\$5" in html


def test_text_without_math_is_unchanged(hook) -> None:
    assert hook.math_to_arithmatex("no formulas, 5 dollars") == "no formulas, 5 dollars"
    assert hook.rewrite_notebook("<p>not a notebook</p>") == "<p>not a notebook</p>"


def test_png_size_reads_the_header(hook) -> None:
    assert hook.png_size(tiny_png(7, 3)) == (7, 3)
    assert hook.png_size(b"GIF89a....") is None


@pytest.mark.parametrize("page_dest", ["notebooks/demo/index.html", "notebooks/demo.html"])
def test_inline_images_are_written_beside_the_page(hook, tmp_path, page_dest) -> None:
    png = tiny_png(5, 4)
    html = f'<img alt="plot" class="" src="data:image/png;base64,{base64.b64encode(png).decode()}"/>'
    out = hook.extract_images(html, page_dest, str(tmp_path))
    assert "data:" not in out
    src = out.split('src="')[1].split('"')[0]
    assert src.startswith("images/") and src.endswith(".png")
    written = tmp_path / page_dest.rsplit("/", 1)[0] / src
    assert written.read_bytes() == png
    assert 'width="5" height="4"' in out and 'loading="lazy"' in out and 'alt="plot"' in out
    assert hook.extract_images(html, page_dest, str(tmp_path)) == out  # same content, same file name
