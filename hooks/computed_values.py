"""MkDocs hook: replace ``{{ expression }}`` in page prose by its value, computed at build time.

Numbers stated in the prose (token counts, FLOPs, ratios) come from the ``examples``
package or a results file, so they cannot drift from the code. The expression is
Python; every module under ``examples`` and ``benchmarks`` is importable by its full
dotted name, and ``site_checks`` is the test suite's collector of page code blocks (for counts).
Fenced code blocks are left alone. An expression that fails aborts the build.

While serving, a value is kept for the life of the server and computed again only when a file under
``examples`` or ``benchmarks`` changes (its path, size or modification time), from those packages imported
again; expressions that count the pages' blocks (``site_checks``) are always computed. ``mkdocs build`` computes every value.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import pkgutil
import re
import sys
import types
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]

EXPRESSION = re.compile(r"\{\{\s*(.+?)\s*\}\}")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
SERVING = "INTERVIEW_SITE_SERVING"  # set by hooks/serve_cache.py
SOURCES = ("examples", "benchmarks")  # what the values are computed from

_values: dict[str, str] | None = None  # this build's cache of values (None: not serving, or not set up yet)


def sources_digest() -> str:
    """A digest of the path, size and modification time of every file under :data:`SOURCES`."""
    digest = hashlib.sha256()
    for top in SOURCES:
        for path in sorted(p for p in (ROOT / top).rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            stat = path.stat()
            digest.update(f"{path.relative_to(ROOT)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def forget_modules(packages: tuple[str, ...]) -> None:
    """Drop ``packages`` and their modules from ``sys.modules``, so the next import reads the changed files."""
    for name in [name for name in sys.modules if name.split(".")[0] in packages]:
        del sys.modules[name]


def served_values() -> dict[str, str] | None:
    """While serving: the values computed so far from the current sources (kept across rebuilds); else None."""
    global _values
    if _values is None and os.environ.get(SERVING) == "1":
        holder = sys.modules.setdefault("interview_site_caches", types.ModuleType("interview_site_caches"))
        kept = holder.__dict__.setdefault("computed_values", {})
        digest = sources_digest()
        if kept.get("digest") != digest:
            if "digest" in kept:  # the server imported the old sources: import the new ones
                forget_modules(SOURCES)
            kept.clear()
            kept.update(digest=digest, values={})
        _values = kept["values"]
    return _values


class ExamplesNamespace(dict):
    """An eval namespace that imports ``examples.*`` modules on first use."""

    def __missing__(self, key: str):
        if key == "examples":
            package = importlib.import_module("examples")  # (afresh after the sources changed while serving)
            for module in pkgutil.walk_packages(package.__path__, "examples."):
                importlib.import_module(module.name)
            return package
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
    namespace, values = ExamplesNamespace(), served_values()
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
            line = EXPRESSION.sub(lambda m: value(m.group(1), namespace, values, where, number), line)
        out.append(line)
    return "".join(out)


def value(expression: str, namespace: dict, values: dict | None, where: str, line: int) -> str:
    """The value of ``expression``: from ``values`` (the serving cache) if it is there, else evaluated."""
    if values is None or "site_checks" in expression:
        return evaluate(expression, namespace, where, line)
    if expression not in values:
        values[expression] = evaluate(expression, namespace, where, line)
    return values[expression]


def evaluate(expression: str, namespace: dict, where: str, line: int) -> str:
    """Evaluate one expression; raise with the page and line when it fails."""
    try:
        return str(eval(expression, namespace))  # noqa: S307 - our own pages only
    except Exception as error:  # re-raised with context so the build stops
        raise RuntimeError(f"{where}:{line}: {{{{ {expression} }}}} failed: {error!r}") from error


def on_page_markdown(markdown, page, config, files):  # noqa: D103 - MkDocs event
    return render_values(markdown, f"docs/{page.file.src_path}")
