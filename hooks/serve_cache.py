"""MkDocs hook: while serving, a rebuild renders and indexes only the pages whose content changed.

``mkdocs serve`` rebuilds the whole site on every edit. Most of that time went into pages that did not
change: Markdown with its extensions (the API reference's mkdocstrings blocks above all) and the search
plugin parsing every page's HTML. While serving (never in ``mkdocs build``, so CI always renders everything),
this hook keeps, for the life of the server process:

- each page's rendering (HTML, table of contents, title, anchors, and the anchors mkdocstrings and autorefs
  registered while rendering it, replayed on a hit), keyed by the page's Markdown after the ``on_page_markdown``
  hooks, the contents of the files it includes with ``--8<--``, the list of the site's files, and a digest of
  the configuration, hooks, theme overrides and ``examples`` sources (mkdocstrings reads those); a rendering
  that logged a warning is not kept, so the warning comes back on every rebuild until it is fixed;
- each page's search entries, keyed by its final HTML, table of contents, title, URL and search settings;
- the theme's compiled templates (Jinja's bytecode, checked against each template's source).

It also makes the server notice an edit sooner: MkDocs' file watcher polls every 0.5 s (watchdog's
PollingObserver), on average a quarter of a second before a rebuild even starts; :data:`POLL_SECONDS` instead.

Notebook pages are left to mkdocs-jupyter's own cache (hooks/notebook_cache.py). Caches are keyed by content,
so two editions served from one process, or one after another, never see each other's entries by mistake.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import os
import re
import sys
import types
from contextlib import contextmanager
from pathlib import Path

import jinja2

SERVING = "INTERVIEW_SITE_SERVING"
POLL_SECONDS = 0.1  # how often the server looks for changed files (a scan of docs/ takes about 4 ms)
SNIPPET = re.compile(r"""^[ \t]*-{1,}8<-{1,}[ \t]+["']?([^"'\n:]+)""", re.M)
MAX_ENTRIES = 2000


def persistent(name: str) -> dict:
    """A dict that outlives MkDocs' reloading of the hooks on each rebuild (one per server process)."""
    holder = sys.modules.setdefault("interview_site_caches", types.ModuleType("interview_site_caches"))
    return holder.__dict__.setdefault(name, {})


def serving() -> bool:
    """Whether the current command is ``mkdocs serve``."""
    return os.environ.get(SERVING) == "1"


def on_startup(command, dirty):  # noqa: D103 - MkDocs event
    # The environment outlives a rebuild, and a build that `mkdocs serve` starts in a subprocess (the other
    # edition's, hooks/editions.py) inherits it: that build serves too, and uses the caches.
    if os.environ.get(SERVING) != "1":
        os.environ[SERVING] = "1" if command == "serve" else "0"


def tree_digest(root: Path, patterns: list[str]) -> str:
    """Hash the paths and contents of the files under ``root`` matching ``patterns``."""
    digest = hashlib.sha256()
    for pattern in patterns:
        for path in sorted(root.glob(pattern)):
            if path.is_file():
                digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class Recorder:
    """Record calls to some methods of some objects (replayed when a page comes from the cache)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, tuple, dict]] | None = None

    def wrap(self, name: str, target, method: str) -> None:
        """Record every call of ``target.method`` (as ``name``) while :meth:`recording` is active."""
        current = getattr(target, method)
        original = getattr(current, "unrecorded", current)  # plugins outlive a rebuild: wrap only once

        def recorded(*args, **kwargs):
            if self.calls is not None:
                self.calls.append((name, method, args, kwargs))
            return original(*args, **kwargs)

        recorded.unrecorded = original
        setattr(target, method, recorded)

    @contextmanager
    def recording(self):
        """Collect the calls made inside the ``with`` block; yields the list."""
        self.calls = []
        try:
            yield self.calls
        finally:
            self.calls = None


_state: dict = {}  # this build: config digest, files digest, recorder, targets (reset with the module)


def on_config(config):  # noqa: D103 - MkDocs event
    _state.clear()
    if not serving():
        return config
    root = Path(config.config_file_path).parent
    _state["digest"] = hashlib.sha256(
        (
            tree_digest(root, ["*.yml", "*.yaml", "hooks/*.py", "overrides/**/*", "examples/**/*.py"])
            + config.config_file_path
            + repr(sorted(config.get("mdx_configs", {}).items(), key=str))
        ).encode()
    ).hexdigest()
    recorder, targets = Recorder(), {}
    autorefs = config.plugins.get("autorefs")
    if autorefs is not None:
        targets["autorefs"] = autorefs
        for method in ("register_anchor", "register_url"):
            recorder.wrap("autorefs", autorefs, method)
    mkdocstrings = config.plugins.get("mkdocstrings")
    handlers = getattr(mkdocstrings, "_handlers", None)
    if handlers is not None:
        targets["inventory"] = handlers.inventory
        recorder.wrap("inventory", handlers.inventory, "register")
    _state["recorder"], _state["targets"] = recorder, targets
    search = config.plugins.get("material/search") or config.plugins.get("search")  # Material's name first
    index = getattr(search, "search_index", None)
    if index is not None:
        index.add_entry_from_context = cached_search_entries(index, index.add_entry_from_context)
    return config


def files_digest(files) -> str:
    """Hash of the site's file list (links are resolved against it)."""
    if _state.get("files_id") != id(files):
        _state["files_id"] = id(files)
        _state["files"] = hashlib.sha256("\n".join(sorted(f.src_uri for f in files)).encode()).hexdigest()
    return _state["files"]


def page_key(page, config, files) -> str:
    """The cache key of a page's rendering."""
    digest = hashlib.sha256()
    for part in (_state["digest"], files_digest(files), page.file.src_uri, page.markdown or ""):
        digest.update(part.encode() + b"\0")
    root = Path(config.config_file_path).parent
    for included in sorted(set(SNIPPET.findall(page.markdown or ""))):
        path = root / included.strip()
        digest.update(included.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"missing"))
    return digest.hexdigest()


def snapshot(page, calls: list) -> dict:
    """What ``Page.render`` produced, in a form that does not hold this build's objects."""
    links = {file.src_uri: dict(anchors) for file, anchors in (page.links_to_anchors or {}).items()}
    calls = [(name, method, tuple(None if a is page else a for a in args), kw) for name, method, args, kw in calls]
    return {
        "content": page.content,
        "toc": copy.deepcopy(page.toc),
        "title": page._title_from_render,
        "anchors": set(page.present_anchor_ids or ()),
        "links": links,
        "calls": calls,
    }


def restore(page, files, entry: dict) -> None:
    """Put a cached rendering on ``page`` and replay its registrations."""
    page.content = entry["content"]
    page.toc = copy.deepcopy(entry["toc"])
    page._title_from_render = entry["title"]
    page.present_anchor_ids = set(entry["anchors"])
    page.links_to_anchors = {
        files.get_file_from_path(uri): dict(anchors) for uri, anchors in entry["links"].items()
        if files.get_file_from_path(uri) is not None
    }
    targets = _state["targets"]
    for name, method, args, kwargs in entry["calls"]:
        getattr(targets[name], method)(*(page if a is None else a for a in args), **kwargs)


class WarningCount(logging.Handler):
    """Counts the WARNING (and worse) records it sees."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:  # noqa: D102 - logging API
        self.count += 1


def remember(cache: dict, key: str, value) -> None:
    """Store ``value``, dropping the oldest entries beyond :data:`MAX_ENTRIES`."""
    cache[key] = value
    while len(cache) > MAX_ENTRIES:
        cache.pop(next(iter(cache)))


def on_pre_page(page, config, files):  # noqa: D103 - MkDocs event
    if not _state.get("digest") or getattr(page.render, "__func__", None) is not type(page).render:
        return page  # not serving, or a page rendered by a plugin (mkdocs-jupyter's notebooks)
    render, cache, recorder = page.render, persistent("pages"), _state["recorder"]

    def cached_render(config, files):
        key = page_key(page, config, files)
        if key in cache:
            restore(page, files, cache[key])
            return
        warnings = WarningCount()
        logging.getLogger("mkdocs").addHandler(warnings)
        try:
            with recorder.recording() as calls:
                render(config, files)
        finally:
            logging.getLogger("mkdocs").removeHandler(warnings)
        if not warnings.count:  # a page that warned is rendered (and warns) again on the next rebuild
            remember(cache, key, snapshot(page, calls))

    page.render = cached_render
    return page


def cached_search_entries(index, add_entry_from_context):
    """``add_entry_from_context`` that reuses a page's entries when nothing it indexes changed."""
    cache = persistent("search")

    def add(page) -> None:
        digest = hashlib.sha256()
        for part in (page.url, str(page.title), page.content or "", str(page.toc), repr(page.meta)):
            digest.update(str(part).encode() + b"\0")
        key = digest.hexdigest()
        if key in cache:
            index.entries.extend(copy.deepcopy(cache[key]))
            return
        start = len(index.entries)
        add_entry_from_context(page)
        remember(cache, key, copy.deepcopy(index.entries[start:]))

    return add


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Jinja bytecode kept in a dict (Jinja checks each entry against the template's source checksum)."""

    def __init__(self, store: dict) -> None:
        self.store = store

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:  # noqa: D102 - Jinja API
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:  # noqa: D102 - Jinja API
        self.store[bucket.key] = bucket.bytecode_to_string()


def on_env(env, config, files):  # noqa: D103 - MkDocs event
    if _state.get("digest"):
        env.bytecode_cache = MemoryBytecodeCache(persistent("templates"))
    return env


def poll_every(observer, seconds: float) -> bool:
    """Make a watchdog observer, and the watches it has and will get, look for changes every ``seconds``.

    watchdog sets the interval when the observer is made (MkDocs: 0.5 s) and gives no way to change it, so this
    sets the observer's and its emitters' ``_timeout`` (tests/hooks/test_serve_cache.py checks that the
    installed watchdog still reads it). Returns False, changing nothing, where those attributes are missing.
    """
    emitters = list(getattr(observer, "emitters", ()))
    if not all(hasattr(item, "_timeout") for item in (observer, *emitters)):
        return False
    for item in (observer, *emitters):
        item._timeout = seconds
    return True


def on_serve(server, config, builder):  # noqa: D103 - MkDocs event
    if not poll_every(getattr(server, "observer", None), POLL_SECONDS):
        logging.getLogger("mkdocs.hooks.serve_cache").info("file watcher: MkDocs' default interval kept")
    return server
