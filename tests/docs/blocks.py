"""Find every fenced code block of every page and prepare its Python blocks to run.

Blocks are extracted by pytest-codeblocks (so its ``cont``, ``expected-output`` and
``importorskip`` markers keep working), then their snippet includes are expanded by
the same ``pymdownx.snippets`` preprocessor, configured from the site's mkdocs.yml,
that the build uses. An independent scan of the raw page finds every fence, so a
Python block that pytest-codeblocks would skip silently (``py``, ``~~~``,
attributes after the language) is reported instead of ignored.
"""

from __future__ import annotations

import ast
import functools
import io
import re
from dataclasses import dataclass
from pathlib import Path

import markdown
from pytest_codeblocks import extract_from_file
from pytest_codeblocks.main import CodeBlock, extract_from_buffer

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PYTHON_LANGUAGES = {"python", "py", "python3", "py3", "pycon", "ipython", "ipython3"}
FENCE = re.compile(r"^(?P<indent>\s*)(?P<marker>`{3,}|~{3,})(?P<info>.*)$")


@dataclass(frozen=True)
class Fence:
    """A fenced block found by scanning the raw page."""

    line: int  # 1-based line of the opening fence
    marker: str  # the backticks or tildes that open it
    info: str  # everything after the marker

    @property
    def language(self) -> str:
        """The first word of the info string, lower case, without braces or a leading dot."""
        words = self.info.strip().strip("{}").split()
        return words[0].lstrip(".").lower() if words else ""


@dataclass(frozen=True)
class PythonBlock:
    """A Python block ready to run: the code with includes expanded, and what to check."""

    page: str  # "docs/<page>.md"
    line: int
    code: str
    expected_output: str | None
    expected_output_ignore_whitespace: bool
    importorskip: str | None
    marks: tuple[str, ...]

    @property
    def id(self) -> str:
        """The pytest id, pointing at the opening fence in the source page."""
        return f"{self.page}:{self.line}"


def pages() -> list[Path]:
    """Every Markdown page of the site, sorted."""
    return sorted(DOCS.rglob("*.md"))


def relative(page: Path) -> str:
    """``docs/<page>.md`` for a page of the site; the path itself for any other file."""
    return page.relative_to(ROOT).as_posix() if page.is_relative_to(ROOT) else page.as_posix()


def scan_fences(text: str) -> list[Fence]:
    """Every fenced block of a Markdown text, with backtick or tilde fences, at any indent."""
    fences, opened = [], None
    for number, line in enumerate(text.splitlines(), start=1):
        match = FENCE.match(line)
        if not match:
            continue
        marker = match.group("marker")
        if opened is None:
            opened = Fence(number, marker, match.group("info"))
            fences.append(opened)
        elif marker[0] == opened.marker[0] and len(marker) >= len(opened.marker) and not match.group("info").strip():
            opened = None
    return fences


@functools.cache
def snippet_preprocessor():
    """The ``pymdownx.snippets`` preprocessor configured exactly as mkdocs.yml configures it.

    The options are read with MkDocs' own YAML loader (its ``!ENV`` and ``!relative`` tags included), not with
    ``load_config``, which also imports and sets up every plugin of the site: about 0.7 s per test process.
    """
    from mkdocs.utils.yaml import yaml_load

    with open(ROOT / "mkdocs.yml", encoding="utf-8") as file:
        extensions = yaml_load(file)["markdown_extensions"]  # a mapping: extension -> options
    options = dict(extensions["pymdownx.snippets"] or {})
    bases = options.get("base_path", ["."])
    bases = [bases] if isinstance(bases, str) else bases
    options["base_path"] = [str((ROOT / base).resolve()) for base in bases]
    md = markdown.Markdown(extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": options})
    return md.preprocessors["snippet"]


def expand_snippets(code: str) -> str:
    """Expand ``--8<--`` includes in a block's code as the site build does."""
    if "--8<--" not in code:
        return code
    lines = snippet_preprocessor().run(code.splitlines())
    return "\n".join(lines) + "\n"


def python_blocks(page: Path) -> list[PythonBlock]:
    """The Python blocks of a page as pytest-codeblocks extracts them, includes expanded."""
    return _python_only(extract_from_file(page), relative(page))


def python_fences(text: str, page: str) -> list[PythonBlock]:
    """The Python blocks of a Markdown text one fence at a time, as pytest-codeblocks extracts them.

    The same extraction as ``python_blocks``, except that a fence continuing the one before it (``cont``
    marker) is its own block instead of being appended to it: the page-notebook generator
    (hooks/page_notebooks.py) makes each fence one notebook cell. An expected output belongs to the fence it
    follows. The code is not expanded (``expand_snippets`` does that).

    Args:
        text: the Markdown source (front matter may be stripped: lines are counted in ``text``).
        page: the page's name, for the blocks' ids.
    """
    unjoined = "".join(
        "\n" if CONTINUATION.fullmatch(line.strip()) else line for line in text.splitlines(keepends=True)
    )
    return _python_only(extract_from_buffer(io.StringIO(unjoined)), page)


def _python_only(extracted: list[CodeBlock], page: str) -> list[PythonBlock]:
    """The ``python`` blocks of pytest-codeblocks' extraction, as ``PythonBlock``s of ``page``."""
    return [
        PythonBlock(
            page=page,
            line=block.lineno,
            code=block.code,
            expected_output=block.expected_output,
            expected_output_ignore_whitespace=block.expected_output_ignore_whitespace,
            importorskip=block.importorskip,
            marks=tuple(block.marks),
        )
        for block in extracted
        if (block.syntax or "").strip() == "python"
    ]


def all_python_blocks() -> list[PythonBlock]:
    """Every runnable Python block of every page."""
    return [block for page in pages() for block in python_blocks(page)]


CONTINUATION = re.compile(r"<!--[-\s]*pytest-codeblocks:cont[-\s]*-->")


def continuation_lines(text: str) -> set[int]:
    """Lines of fences that continue the previous block (preceded by a ``cont`` marker)."""
    lines = text.splitlines()
    found = set()
    for fence in scan_fences(text):
        before = [line.strip() for line in lines[: fence.line - 1] if line.strip()]
        if before and CONTINUATION.fullmatch(before[-1]):
            found.add(fence.line)
    return found


def unrun_python_fences(page: Path) -> list[str]:
    """Python fences of a page that would not run as tests, each with the reason."""
    text = page.read_text(encoding="utf-8")
    run = {block.line for block in python_blocks(page)} | continuation_lines(text)
    problems = []
    for fence in scan_fences(text):
        if fence.language not in PYTHON_LANGUAGES:
            continue
        where = f"{relative(page)}:{fence.line}"
        if fence.marker[0] == "~":
            problems.append(f"{where}: Python block fenced with '~~~' is not run; use ``` fences")
        elif fence.info.strip() != "python":
            problems.append(f"{where}: Python block with info '{fence.info.strip()}' is not run; write ```python")
        elif fence.line not in run:
            problems.append(f"{where}: Python block is not run (is it the output of an expected-output marker?)")
    expanded = "\n".join(snippet_preprocessor().run(text.splitlines()))
    raw_count = sum(f.language in PYTHON_LANGUAGES for f in scan_fences(text))
    expanded_count = sum(f.language in PYTHON_LANGUAGES for f in scan_fences(expanded))
    if expanded_count != raw_count:
        problems.append(
            f"{relative(page)}: {expanded_count - raw_count} Python block(s) arrive through a snippet include "
            "outside a fence and are not run; write them in the page or include code inside a ```python fence"
        )
    for block in python_blocks(page):
        if any("skip" in mark for mark in block.marks):
            problems.append(f"{block.id}: Python block is marked to skip; every block must run")
    return problems


def checks_something(block: PythonBlock) -> bool:
    """True if the block (with its continuations) asserts or has its printed output checked."""
    if block.expected_output is not None:
        return True
    tree = ast.parse(expand_snippets(block.code))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name.startswith("assert") or name == "raises":
                return True
    return False
