"""hooks/serve_cache.py: while serving, an unchanged page's rendering and search entries are reused, never stale."""

from __future__ import annotations

from types import SimpleNamespace

import jinja2
import pytest


@pytest.fixture()
def hook(load_hook, monkeypatch):
    module = load_hook("serve_cache")
    monkeypatch.setenv(module.SERVING, "1")
    return module


class Registry:
    """Stands in for the autorefs plugin: remembers the anchors registered for each page."""

    def __init__(self) -> None:
        self.anchors: list[tuple[str, str]] = []

    def register_anchor(self, page, identifier, anchor=None, *, title=None, primary=True):
        self.anchors.append((page.url, identifier))


def test_recorded_calls_pass_through_and_wrap_once(hook) -> None:
    registry, recorder = Registry(), hook.Recorder()
    recorder.wrap("autorefs", registry, "register_anchor")
    recorder.wrap("autorefs", registry, "register_anchor")  # a second build wraps the same plugin again
    page = SimpleNamespace(url="a/")
    with recorder.recording() as calls:
        registry.register_anchor(page, "pkg.f", title="f")
    registry.register_anchor(page, "pkg.g")  # outside a page's rendering: not recorded
    assert registry.anchors == [("a/", "pkg.f"), ("a/", "pkg.g")]
    assert calls == [("autorefs", "register_anchor", (page, "pkg.f"), {"title": "f"})]


def test_the_key_follows_the_page_and_what_it_includes(hook, tmp_path) -> None:
    (tmp_path / "code.py").write_text("x = 1\n")
    config = SimpleNamespace(config_file_path=str(tmp_path / "mkdocs.yml"))
    files = [SimpleNamespace(src_uri="a.md")]
    hook._state["digest"] = "config"
    page = SimpleNamespace(file=SimpleNamespace(src_uri="a.md"), markdown='--8<-- "code.py:part"\n')
    first = hook.page_key(page, config, files)
    assert hook.page_key(page, config, files) == first
    (tmp_path / "code.py").write_text("x = 2\n")  # the included code changed
    second = hook.page_key(page, config, files)
    page.markdown += "more\n"  # the page changed
    assert len({first, second, hook.page_key(page, config, files)}) == 3


def test_search_entries_are_reused_only_for_the_same_page(hook) -> None:
    parsed = []
    index = SimpleNamespace(entries=[])

    def add_entry_from_context(page) -> None:
        parsed.append(page.url)
        index.entries.append({"location": page.url, "text": page.content})

    add = hook.cached_search_entries(index, add_entry_from_context)
    page = SimpleNamespace(url="a/", title="A", content="<p>one</p>", toc="", meta={})
    add(page)
    add(page)
    page.content = "<p>two</p>"
    add(page)
    assert parsed == ["a/", "a/"]
    assert [entry["text"] for entry in index.entries] == ["<p>one</p>", "<p>one</p>", "<p>two</p>"]


def test_compiled_templates_are_reused_and_checked_against_their_source(hook) -> None:
    store, sources = {}, {"t.html": "{{ 1 + 1 }}"}
    first = jinja2.Environment(loader=jinja2.DictLoader(sources), bytecode_cache=hook.MemoryBytecodeCache(store))
    assert first.get_template("t.html").render() == "2"
    assert store
    sources["t.html"] = "{{ 2 + 2 }}"
    second = jinja2.Environment(loader=jinja2.DictLoader(sources), bytecode_cache=hook.MemoryBytecodeCache(store))
    assert second.get_template("t.html").render() == "4"


def test_the_server_polls_for_changes_more_often(hook, tmp_path) -> None:
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers.polling import PollingObserver

    observer = PollingObserver(timeout=0.5)  # as MkDocs' LiveReloadServer makes it
    first = observer.schedule(FileSystemEventHandler(), str(tmp_path), recursive=True)
    assert hook.poll_every(observer, hook.POLL_SECONDS)
    (tmp_path / "later").mkdir()
    observer.schedule(FileSystemEventHandler(), str(tmp_path / "later"), recursive=True)  # watched after on_serve
    assert observer.timeout == hook.POLL_SECONDS
    assert [emitter.timeout for emitter in observer.emitters] == [hook.POLL_SECONDS] * 2  # what the loop waits
    assert first in {emitter.watch for emitter in observer.emitters}
    assert hook.poll_every(None, 0.1) is False  # no observer: nothing to change
