"""MkDocs hook: every question page can be downloaded as a Jupyter notebook generated from the page itself.

A question page (``round-<n>/<page>.md`` under the docs directory, so the pages of an edition under ``docs/zh/``
give notebooks in their own language) becomes ``<page>.ipynb`` next to its ``index.html``:

- a first Markdown cell says what to ``pip install`` to run it outside the repository (never executed), in the
  page's language (``WORDING``, by ``theme.language`` or the page's ``zh/`` folder; ``extra.page_notebook`` in
  mkdocs.yml overrides it, as it does the link's label);
- a code cell sets the conditions the page's tests run its blocks in (tests/docs/test_pages.py): postponed
  annotations, and ``random`` (and ``torch`` when the page uses it) seeded with 0;
- the page's headings and prose become Markdown cells: admonitions and tabs become a bold title over their
  dedented body, snippet includes are expanded, pytest-codeblocks markers, comments and empty HTML elements
  (placeholders for the site's scripts) are dropped, links
  point to the site (images of the docs directory travel inside the cell as attachments, so they show offline),
  and the ``{{ expression }}`` values are those the site shows (hooks/computed_values.py has already replaced
  them in the Markdown this hook receives);
- its Python blocks become code cells, in page order, extracted and with their ``examples/`` includes expanded
  by the test suite's own code (tests/docs/blocks.py): a block continued with a ``cont`` marker is simply the
  next cell, and a block's checked printed output (``expected-output``) is that cell's output.

The page links to the file with a ``download`` link under its title (a plain same-origin file, so it works
offline and from the ``file://`` copy). While serving, notebooks are cached in ``.cache/page-notebooks`` keyed by
the page's Markdown, the ``examples`` sources and this generator, so an unchanged page is not regenerated.
tests/docs/test_page_notebooks.py executes every notebook in a fresh kernel.
"""

from __future__ import annotations

import ast
import base64
import functools
import hashlib
import html
import importlib.util
import json
import mimetypes
import os
import posixpath
import re
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import nbformat
from mkdocs.utils import write_file
from mkdocs.utils.meta import get_data

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.docs import blocks  # noqa: E402 - the test suite's block extraction, shared on purpose

QUESTION_PAGE = re.compile(r"(?:^|/)round-\d+/[^/]+\.md$")
ADMONITION = re.compile(r'^(?P<indent> *)(?:!!!|\?\?\?\+?|===\+?)\s*(?P<kind>[\w-]*)\s*(?:"(?P<title>[^"]*)")?\s*$')
MARKER = re.compile(r"^\s*<!--.*-->\s*$")  # pytest-codeblocks markers, pytest marks and other comments
EMPTY_ELEMENT = re.compile(r"^\s*<(\w+)[^>]*>\s*</\1>\s*$")  # a placeholder a script fills (hooks/judge.py)
EXPECTED_OUTPUT = re.compile(r"<!--[-\s]*pytest-codeblocks:expected-output(?:-ignore-whitespace)?[-\s]*-->")
HEADING = re.compile(r"^#{1,6}\s")
HEADING_ATTRIBUTES = re.compile(r"^(#{1,6}\s.*?)\s*\{\s*[#.][^}]*\}\s*$")  # "## Title { #anchor }" (attr_list)
LINK = re.compile(r'(?P<bang>!?)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)(?P<title>\s+"[^"]*")?\)')
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
PIP_NAMES = {"PIL": "pillow", "sklearn": "scikit-learn", "yaml": "pyyaml"}  # import name -> distribution name
SERVING = "INTERVIEW_SITE_SERVING"  # set by hooks/notebook_cache.py
CACHE = ROOT / ".cache" / "page-notebooks"

# The link's label and the setup cell's text, by language (``theme.language``, or a page under ``<language>/``).
WORDING = {
    "en": {
        "download": "Download as notebook",
        "and": " and ",
        "setup": (
            "**{title}** as a notebook: the page's headings, prose and tested code blocks, in page order "
            "([read it online]({url})).\n\n"
            "To run it outside the repository, install what its code imports first:\n\n"
            "```bash\npip install {packages}\n```\n\n"
            "The `git+` address is this site's repository: it installs its `examples` package, with {dependencies}. "
            "In a clone of the repository, `pip install -e .` does the same."
        ),
    },
    "zh": {
        "download": "下载为 Notebook",
        "and": " 和 ",
        "setup": (
            "**{title}** 的 Notebook 版本：本页的标题、正文和经过测试的代码块，顺序与页面相同"
            "（[在线阅读]({url})）。\n\n"
            "在本仓库之外运行前，先安装代码用到的包：\n\n"
            "```bash\npip install {packages}\n```\n\n"
            "其中 `git+` 地址是本站的仓库：安装它的 `examples` 包，以及 {dependencies}。"
            "在仓库的克隆里运行 `pip install -e .` 效果相同。"
        ),
    },
}
DEFAULT_WORDING = WORDING["en"]

Resolver = Callable[[str], str | None]  # a docs-relative path -> its URL relative to the site root, if known


def page_language(src_uri: str, config) -> str:
    """The page's language: the first folder of its path when it names one (``zh/...``), else the theme's."""
    first = src_uri.split("/", 1)[0]
    return first if first in WORDING and "/" in src_uri else (config.theme.get("language") or "en")


def wording(config, language: str = "en") -> dict[str, str]:
    """The link label and the setup cell's text: ``extra.page_notebook`` in mkdocs.yml over the language's."""
    return {**DEFAULT_WORDING, **WORDING.get(language, {}), **(config.extra.get("page_notebook") or {})}


def is_question_page(src_uri: str) -> bool:
    """Whether the page at ``src_uri`` (relative to the docs directory) is a question page."""
    return bool(QUESTION_PAGE.search(src_uri))


def notebook_name(src_uri: str) -> str:
    """The notebook's file name: the page's own name with ``.ipynb``."""
    return posixpath.basename(src_uri).removesuffix(".md") + ".ipynb"


def page_url(src_uri: str, use_directory_urls: bool = True) -> str:
    """The URL (relative to the site root) MkDocs gives the page at ``src_uri``."""
    stem = src_uri.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/" if use_directory_urls else stem + ".html"


def dedent_admonitions(lines: list[str]) -> list[str]:
    """Admonitions and content tabs as a bold title over their body, dedented; one line out per line in.

    ``??? success "30-second answer"`` becomes ``**30-second answer**``, ``!!! note`` becomes ``**Note**``, each
    followed by an empty line (in the same list item when the page has none, so the lines still match).
    """
    out, bodies = [], []  # bodies: the indent of each open admonition's body
    for line in lines:
        if line.strip():
            indent = len(line) - len(line.lstrip(" "))
            while bodies and indent < bodies[-1]:
                bodies.pop()
        depth = 4 * len(bodies)
        line = line[min(depth, len(line) - len(line.lstrip(" "))):]
        match = ADMONITION.match(line)
        if match and (match.group("kind") or match.group("title") is not None):
            title = match.group("title")
            title = match.group("kind").capitalize() if title is None else title
            following = lines[len(out) + 1] if len(out) + 1 < len(lines) else ""
            gap = "\n" if following.strip() else ""  # the title is a paragraph of its own
            out.append(f"{match.group('indent')}**{title}**{gap}" if title else "")
            bodies.append(depth + len(match.group("indent")) + 4)
            continue
        out.append(line)
    return out


def link_targets(markdown: str) -> list[str]:
    """The relative targets of the Markdown links and images of ``markdown``."""
    return [m.group("target") for m in LINK.finditer(markdown) if not SCHEME.match(m.group("target"))]


def rewrite_links(
    markdown: str, src_uri: str, site_url: str, resolve: Callable[[str], str], docs_dir: Path
) -> tuple[str, dict]:
    """Make the links of a Markdown cell work from a notebook file.

    Args:
        markdown: the cell's source.
        src_uri: the page's path relative to the docs directory.
        site_url: the site's address, ending with ``/``.
        resolve: maps a docs-relative path to its URL relative to the site root.
        docs_dir: the docs directory, where images are read from.

    Returns:
        The source with page links made absolute (in-page anchors point to the page online) and images of the
        docs directory replaced by cell attachments, and the attachments.
    """
    attachments = {}

    def replace(match: re.Match) -> str:
        target = match.group("target")
        if SCHEME.match(target):
            return match.group(0)
        path, _, anchor = target.partition("#")
        source = posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), path)) if path else src_uri
        file = docs_dir / source
        mime = mimetypes.guess_type(source)[0] or ""
        if match.group("bang") and mime.startswith("image/") and file.is_file():
            name = posixpath.basename(source)
            attachments[name] = {mime: base64.b64encode(file.read_bytes()).decode("ascii")}
            return f"![{match.group('text')}](attachment:{name}{match.group('title') or ''})"
        url = site_url + resolve(source) + (f"#{anchor}" if anchor else "")
        return f"{match.group('bang')}[{match.group('text')}]({url}{match.group('title') or ''})"

    return LINK.sub(replace, markdown), attachments


def markdown_cells(lines: list[str], rewrite: Callable[[str], tuple[str, dict]]) -> list:
    """Markdown cells for a stretch of prose: one cell per heading section, includes expanded, comments dropped."""
    sections, fence = [[]], None
    for line in lines:
        opening = blocks.FENCE.match(line)
        if opening:
            marker = opening.group("marker")
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence) and not opening.group("info").strip():
                fence = None
        elif fence is None and HEADING.match(line) and any(s.strip() for s in sections[-1]):
            sections.append([])
        if fence is None and (MARKER.match(line) or EMPTY_ELEMENT.match(line)):
            continue
        if fence is None:
            line = HEADING_ATTRIBUTES.sub(r"\1", line)
        sections[-1].append(line)
    cells = []
    for section in sections:
        text = blocks.expand_snippets("\n".join(section)).strip("\n")
        if text.strip():
            source, attachments = rewrite(text)
            cell = nbformat.v4.new_markdown_cell(source)
            if attachments:
                cell.attachments = attachments
            cells.append(cell)
    return cells


def imported_packages(codes: list[str]) -> set[str]:
    """Top-level names of the modules the code imports, standard library excluded."""
    names = set()
    for code in codes:
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return {name for name in names if name not in sys.stdlib_module_names}


@functools.cache
def repository_dependencies() -> tuple[str, ...]:
    """What ``pip install`` of the repository brings: its package ``examples`` and pyproject's dependencies."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return tuple(re.split(r"[\s<>=!~\[;]", requirement)[0] for requirement in project.get("dependencies", []))


def setup_cell(title: str, url: str, imported: set[str], repo_url: str, words: dict[str, str]):
    """The first cell: what to install to run the notebook outside the repository (Markdown, never run)."""
    dependencies = repository_dependencies()
    extra = sorted(PIP_NAMES.get(name, name) for name in imported - {"examples", *dependencies})
    packages = " ".join([f"git+{repo_url.rstrip('/')}", *extra])
    text = words["setup"].format(
        title=title, url=url, packages=packages, repo=repo_url, dependencies=words["and"].join(dependencies)
    )
    return nbformat.v4.new_markdown_cell(text)


def seed_cell(imported: set[str]):
    """The conditions tests/docs/test_pages.py runs a page's blocks in: generators seeded with 0.

    The harness compiles each block as plain Python (no inherited ``__future__`` imports), so the cells need
    nothing else to behave as the tested blocks do.
    """
    lines = ["import random", ""]
    if "torch" in imported:
        lines += ["import torch", "", "torch.manual_seed(0)", "random.seed(0)"]  # the last shows nothing (None)
    else:
        lines += ["random.seed(0)"]
    return nbformat.v4.new_code_cell("\n".join(lines))


def code_cell(block: blocks.PythonBlock):
    """A code cell for one Python fence, includes expanded; its checked printed output is its output."""
    cell = nbformat.v4.new_code_cell(blocks.expand_snippets(block.code).rstrip("\n"))
    cell.metadata["page_line"] = block.line
    if block.expected_output is not None:
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=block.expected_output)]
        if block.expected_output_ignore_whitespace:
            cell.metadata["expected_output_ignore_whitespace"] = True
    return cell


def fence_end(lines: list[str], start: int) -> int:
    """Index of the line after the fence that opens at ``lines[start]``.

    The fence ends where pytest-codeblocks ends it: at the next line starting (after spaces) with as many
    backticks. The extracted code cannot tell: in an indented fence it loses its blank lines.
    """
    opening = lines[start].lstrip()
    closing = "`" * (len(opening) - len(opening.lstrip("`")))
    return next((i + 1 for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith(closing)), len(lines))


def next_text(lines: list[str], index: int) -> int:
    """Index of the first non-blank line at or after ``index``."""
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index


def build_notebook(
    markdown: str,
    src_uri: str,
    *,
    site_url: str,
    repo_url: str,
    words: dict[str, str],
    docs_dir: Path,
    resolve: Resolver | None = None,
    language: str = "en",
):
    """The notebook of a question page.

    Args:
        markdown: the page's Markdown, front matter removed and ``{{ expression }}`` values rendered.
        src_uri: the page's path relative to the docs directory.
        site_url: the site's address (links in the notebook point there).
        repo_url: the repository the setup cell installs.
        words: the setup cell's text (see ``DEFAULT_WORDING``).
        docs_dir: the docs directory (images are embedded from it).
        resolve: docs-relative path -> URL relative to the site root, or ``None``, for the pages MkDocs knows;
            other ``.md`` pages get directory URLs, other files keep their path.
        language: the page's language, recorded in the notebook's metadata.

    Returns:
        An ``nbformat`` v4 notebook.
    """
    site_url = site_url.rstrip("/") + "/"

    def url_of(path: str) -> str:
        known = resolve(path) if resolve else None
        return known or (page_url(path) if path.endswith(".md") else path)

    def rewrite(text: str) -> tuple[str, dict]:
        return rewrite_links(text, src_uri, site_url, url_of, docs_dir)

    fences = blocks.python_fences(markdown, src_uri)
    lines = dedent_admonitions(markdown.splitlines())
    cells, prose, index = [], [], 0
    for block in fences:
        start = block.line - 1
        cells += markdown_cells(prose + lines[index:start], rewrite)
        prose, index = [], fence_end(lines, start)
        cells.append(code_cell(block))
        marker = next_text(lines, index)
        if block.expected_output is not None and marker < len(lines) and EXPECTED_OUTPUT.search(lines[marker]):
            index = fence_end(lines, next_text(lines, marker + 1))
    cells += markdown_cells(lines[index:], rewrite)
    codes = [cell.source for cell in cells if cell.cell_type == "code"]
    imported = imported_packages(codes)
    title = next((line.lstrip("#").strip() for line in lines if line.startswith("# ")), src_uri)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [setup_cell(title, site_url + url_of(src_uri), imported, repo_url, words)]
    notebook.cells += [seed_cell(imported), *cells] if codes else cells
    notebook.metadata.update(
        kernelspec={"name": "python3", "display_name": "Python 3", "language": "python"},
        language_info={"name": "python"},
        page={"source": src_uri, "language": language},
    )
    return notebook


def render_page(path: Path) -> str:
    """A page's Markdown as the build hands it to this hook: front matter removed, computed values rendered."""
    spec = importlib.util.spec_from_file_location("computed_values", Path(__file__).with_name("computed_values.py"))
    computed_values = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(computed_values)
    markdown, _ = get_data(path.read_text(encoding="utf-8"))
    return computed_values.render_values(markdown, blocks.relative(path))


def cache_key(markdown: str, src_uri: str, settings: dict) -> str:
    """What a page's notebook depends on: its Markdown, its images, ``examples/``, this generator, the settings."""
    digest = hashlib.sha256()
    sources = [Path(__file__), Path(blocks.__file__), *sorted((ROOT / "examples").rglob("*.py"))]
    images = [Path(settings["docs_dir"]) / posixpath.dirname(src_uri) / target for target in link_targets(markdown)]
    for path in sources + [image for image in images if image.is_file()]:
        digest.update(path.as_posix().encode() + b"\0" + path.read_bytes())
    digest.update(json.dumps([markdown, src_uri, settings], sort_keys=True, default=str).encode())
    return digest.hexdigest()[:24]


def notebook_json(markdown: str, page, config, files) -> str:
    """The notebook of ``page`` as JSON text, from the cache while serving."""
    settings = {
        "site_url": config.site_url or "",
        "repo_url": config.repo_url or "",
        "words": wording(config, page_language(page.file.src_uri, config)),
        "docs_dir": config.docs_dir,
        "language": page_language(page.file.src_uri, config),
    }
    serving = os.environ.get(SERVING) == "1"
    cached = CACHE / f"{cache_key(markdown, page.file.src_uri, settings)}.ipynb" if serving else None
    if cached and cached.is_file():
        return cached.read_text(encoding="utf-8")

    def resolve(path: str) -> str | None:
        file = files.get_file_from_path(path)
        return file.url if file is not None and file.is_documentation_page() else None

    notebook = build_notebook(
        markdown, page.file.src_uri, site_url=settings["site_url"], repo_url=settings["repo_url"],
        words=settings["words"], docs_dir=Path(config.docs_dir), resolve=resolve, language=settings["language"],
    )
    text = nbformat.writes(notebook) + "\n"
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(text, encoding="utf-8")
    return text


def download_link(name: str, label: str) -> str:
    """The HTML of the download link placed under the page title."""
    return (
        f'<p class="page-notebook" data-search-exclude><a class="md-button" href="{html.escape(name, quote=True)}" '
        f'download type="application/x-ipynb+json">{html.escape(label)}</a></p>'
    )


def add_link(content: str, link: str) -> str:
    """Insert ``link`` after the page's ``<h1>`` (at the top when it has none)."""
    end = content.find("</h1>")
    at = 0 if end == -1 else end + len("</h1>")
    return content[:at] + link + content[at:]


_notebooks: dict[str, tuple[str, str]] = {}  # src_uri -> (site-relative path of the notebook, its JSON)


def on_page_markdown(markdown, page, config, files):  # noqa: D103 - MkDocs event
    if is_question_page(page.file.src_uri):
        dest = posixpath.join(posixpath.dirname(page.file.dest_uri), notebook_name(page.file.src_uri))
        _notebooks[page.file.src_uri] = (dest, notebook_json(markdown, page, config, files))
    return markdown


def on_page_content(html, page, config, files):  # noqa: D103 - MkDocs event
    if page.file.src_uri in _notebooks:
        words = wording(config, page_language(page.file.src_uri, config))
        return add_link(html, download_link(notebook_name(page.file.src_uri), words["download"]))
    return html


def on_post_page(output, page, config):  # noqa: D103 - MkDocs event
    if page.file.src_uri in _notebooks:
        dest, text = _notebooks.pop(page.file.src_uri)
        write_file(text.encode("utf-8"), os.path.join(config.site_dir, dest))
    return output
