"""MkDocs hook: make the pages mkdocs-jupyter renders light, self-contained and styled like the rest of the site.

mkdocs-jupyter puts a full JupyterLab stylesheet (about 600 kB) inline in every notebook page, plus MathJax
(from a CDN, or ``<script src="">`` when no URL is set), a Mermaid loader that imports from a CDN, and a
clipboard web component. This hook rewrites the HTML of each notebook page:

- everything before the ``jupyter-wrapper`` (inline styles, scripts) is dropped; the site's own small
  ``assets/stylesheets/reader.css`` (one cached file, listed in ``extra_css``) styles the cells instead;
- code cells become Material code blocks (``.highlight > pre > code``), so they get the site's highlighting
  colours and its copy button, and the clipboard component and its hidden copies of the source go away;
- ``$...$`` and ``$$...$$`` in Markdown cells become ``arithmatex`` elements, rendered by the same KaTeX
  files (served by the site) as the formulas of the other pages;
- images that nbconvert inlines as base64 ``data:`` URLs (plots) are written next to the page as files named by
  their content hash and loaded lazily, with their width and height, so the HTML stays small and nothing shifts.
"""

from __future__ import annotations

import base64
import hashlib
import posixpath
import re
import struct

from mkdocs.utils import write_file

WRAPPER = '<div class="jupyter-wrapper">'
CLIPBOARD_BUTTON = re.compile(r'<div class="zeroclipboard-container">.*?</clipboard-copy>\s*</div>', re.S)
CLIPBOARD_TEXT = re.compile(r'<div class="clipboard-copy-txt"[^>]*>.*?</div>', re.S)
CODE_CELL = re.compile(r'<div class="highlight-ipynb([^"]*)"><pre>(.*?)</pre></div>', re.S)
MARKDOWN_CELL = re.compile(r'(<div class="[^"]*jp-RenderedMarkdown[^"]*"[^>]*>)(.*?)(</div>)', re.S)
TAG = re.compile(r"(<[^>]+>)")
DISPLAY_MATH = re.compile(r"(?<![\\$])\$\$(.+?)\$\$", re.S)
INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\s)([^$]+?)(?<![\s\\])\$(?!\$)")
DATA_IMAGE = re.compile(r'<img([^>]*?) src="data:image/(png|jpeg|gif|svg\+xml);base64,([A-Za-z0-9+/=\s]+)"([^>]*)>')
EXTENSIONS = {"png": "png", "jpeg": "jpg", "gif": "gif", "svg+xml": "svg"}


def is_notebook(page) -> bool:
    """Whether ``page`` was rendered from a notebook source by mkdocs-jupyter."""
    return page.file.src_uri.endswith((".ipynb", ".py")) and "jupyter-wrapper" in (page.content or "")


def math_to_arithmatex(text: str) -> str:
    """Wrap the TeX of ``$$...$$`` and ``$...$`` in ``text`` (no markup inside) as arithmatex elements."""
    text = DISPLAY_MATH.sub(lambda m: f'<span class="arithmatex">\\[{m.group(1)}\\]</span>', text)
    return INLINE_MATH.sub(lambda m: f'<span class="arithmatex">\\({m.group(1)}\\)</span>', text)


def markdown_math(html: str) -> str:
    """Convert the formulas of one rendered Markdown cell, leaving ``<code>`` and ``<pre>`` alone."""
    out, verbatim = [], 0
    for part in TAG.split(html):
        if part.startswith("<"):
            name = part[1:].lstrip("/").split(None, 1)[0].rstrip(">").lower()
            if name in {"code", "pre"}:
                verbatim += -1 if part.startswith("</") else 1
            out.append(part)
        else:
            out.append(part if verbatim else math_to_arithmatex(part))
    return "".join(out)


def png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG image, from its header (None if ``data`` is not a PNG)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def extract_images(html: str, page_dest: str, site_dir: str) -> str:
    """Write each base64 ``<img>`` of ``html`` to ``images/<hash>.<ext>`` beside the page and link to the file.

    Args:
        html: the notebook HTML.
        page_dest: the page's output path relative to the site (``notebooks/x/index.html``).
        site_dir: the site's output directory.
    """

    def replace(match: re.Match) -> str:
        before, kind, payload, after = match.groups()
        data = base64.b64decode("".join(payload.split()))
        name = f"images/{hashlib.sha256(data).hexdigest()[:16]}.{EXTENSIONS[kind]}"
        write_file(data, posixpath.join(site_dir, posixpath.dirname(page_dest), name))
        attributes = f'{before} src="{name}"{after}'.replace(" />", "").rstrip("/")
        size = png_size(data) if kind == "png" else None
        if size and "width=" not in attributes:
            attributes += f' width="{size[0]}" height="{size[1]}"'
        return f'<img{attributes} loading="lazy" decoding="async">'

    return DATA_IMAGE.sub(replace, html)


def rewrite_notebook(html: str) -> str:
    """Rewrite the HTML that mkdocs-jupyter produced for one notebook (see the module docstring)."""
    start = html.find(WRAPPER)
    if start == -1:
        return html
    body = html[start:]
    body = CLIPBOARD_BUTTON.sub("", body)
    body = CLIPBOARD_TEXT.sub("", body)
    body = CODE_CELL.sub(
        lambda m: f'<div class="highlight highlight-ipynb{m.group(1)}"><pre><code>{m.group(2)}</code></pre></div>', body
    )
    body = MARKDOWN_CELL.sub(lambda m: m.group(1) + markdown_math(m.group(2)) + m.group(3), body)
    return body


def on_page_content(html, page, config, files):  # noqa: D103 - MkDocs event
    if not is_notebook(page):
        return html
    return extract_images(rewrite_notebook(html), page.file.dest_uri, config.site_dir)
