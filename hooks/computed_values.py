"""MkDocs hook: replace ``{{ expression }}`` in page prose by its value, computed at build time.

Numbers stated in the prose (token counts, FLOPs, ratios) come from the ``examples``
package or a results file, so they cannot drift from the code. The expression is
Python; every module under ``examples`` and ``benchmarks`` is importable by its full
dotted name, and ``site_checks`` is the test suite's collector of page code blocks (for counts).
Fenced code blocks are left alone. An expression that fails aborts the build.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
from pathlib import Path

import examples

ROOT = Path(__file__).resolve().parents[1]

EXPRESSION = re.compile(r"\{\{\s*(.+?)\s*\}\}")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


class ExamplesNamespace(dict):
    """An eval namespace that imports ``examples.*`` modules on first use."""

    def __missing__(self, key: str):
        if key == "examples":
            for module in pkgutil.walk_packages(examples.__path__, "examples."):
                importlib.import_module(module.name)
            return examples
        if key == "benchmarks":  # readers of the committed benchmark results, e.g. benchmarks.video_results
            if str(ROOT) not in sys.path:
                sys.path.insert(0, str(ROOT))
            package = importlib.import_module("benchmarks")
            for module in pkgutil.iter_modules(package.__path__, "benchmarks."):
                importlib.import_module(module.name)
            return package
        if key == "site_checks":  # the docs-block collector of the test suite, for counts on the home page
            if str(ROOT) not in sys.path:
                sys.path.insert(0, str(ROOT))
            return importlib.import_module("tests.docs.blocks")
        raise KeyError(key)


def render_values(markdown: str, where: str) -> str:
    """Evaluate every ``{{ expression }}`` outside fenced code in ``markdown``.

    Args:
        markdown: the page source.
        where: the page path, for error messages.

    Returns:
        The page source with each expression replaced by ``str(value)``.
    """
    namespace = ExamplesNamespace()
    out, fence = [], None
    for number, line in enumerate(markdown.splitlines(keepends=True), start=1):
        match = FENCE.match(line)
        if match:
            marker = match.group(1)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = None
            out.append(line)
            continue
        if fence is None:
            line = EXPRESSION.sub(lambda m: evaluate(m.group(1), namespace, where, number), line)
        out.append(line)
    return "".join(out)


def evaluate(expression: str, namespace: dict, where: str, line: int) -> str:
    """Evaluate one expression; raise with the page and line when it fails."""
    try:
        return str(eval(expression, namespace))  # noqa: S307 - our own pages only
    except Exception as error:  # re-raised with context so the build stops
        raise RuntimeError(f"{where}:{line}: {{{{ {expression} }}}} failed: {error!r}") from error


def on_page_markdown(markdown, page, config, files):  # noqa: D103 - MkDocs event
    return render_values(markdown, f"docs/{page.file.src_path}")
