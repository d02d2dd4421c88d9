"""hooks/computed_values.py: ``{{ expression }}`` in prose is computed at build time, code is left alone."""

from __future__ import annotations

import pytest


def test_expressions_in_prose_are_evaluated(load_hook) -> None:
    hook = load_hook("computed_values")
    page = "Tokens: {{ examples.mllm.vision_tokens('llava-1.5', 336, 336) }}, sum {{ 2 + 3 }}.\n"
    assert hook.render_values(page, "docs/x.md") == "Tokens: 576, sum 5.\n"


def test_fenced_code_is_left_alone(load_hook) -> None:
    hook = load_hook("computed_values")
    code = "```python\nprint('{{ 1 + 1 }}')\n```\n~~~text\n{{ 1 + 1 }}\n~~~\n"
    assert hook.render_values(code + "{{ 1 + 1 }}\n", "docs/x.md") == code + "2\n"


def test_a_failing_expression_stops_the_build_with_its_place(load_hook) -> None:
    hook = load_hook("computed_values")
    with pytest.raises(RuntimeError, match=r"docs/x\.md:2: \{\{ 1 / 0 \}\} failed"):
        hook.render_values("ok\n{{ 1 / 0 }}\n", "docs/x.md")


@pytest.fixture()
def counter(monkeypatch):
    """A module whose ``tick()`` counts its calls: an expression that shows when it is evaluated."""
    import sys
    import types

    module = types.ModuleType("tick_counter")
    module.calls = 0

    def tick() -> int:
        module.calls += 1
        return module.calls

    module.tick = tick
    monkeypatch.setitem(sys.modules, "tick_counter", module)
    monkeypatch.delitem(sys.modules, "interview_site_caches", raising=False)
    return module


def test_serving_keeps_values_until_the_sources_change(load_hook, counter, monkeypatch, tmp_path) -> None:
    import sys
    import types

    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "x.py").write_text("X = 1\n")
    monkeypatch.setitem(sys.modules, "sources", types.ModuleType("sources"))  # imported by the server
    page = "{{ __import__('tick_counter').tick() }} / {{ site_checks and __import__('tick_counter').calls }}\n"
    monkeypatch.setenv("INTERVIEW_SITE_SERVING", "1")

    def missing(self, key: str):
        if key != "site_checks":  # the test suite's collector, not needed here
            raise KeyError(key)
        return True

    def hook():  # MkDocs loads the hooks again for every rebuild
        module = load_hook("computed_values")
        monkeypatch.setattr(module, "ROOT", tmp_path)
        monkeypatch.setattr(module, "SOURCES", ("sources",))
        monkeypatch.setattr(module.ExamplesNamespace, "__missing__", missing)
        return module

    assert hook().render_values(page, "docs/x.md") == "1 / 1\n"
    assert hook().render_values(page, "docs/x.md") == "1 / 1\n"  # kept; a block count is always computed
    assert "sources" in sys.modules
    (tmp_path / "sources" / "x.py").write_text("X = 22\n")
    assert hook().render_values(page, "docs/x.md") == "2 / 2\n"
    assert "sources" not in sys.modules  # imported again when a value needs it


def test_a_build_computes_every_value(load_hook, counter, monkeypatch) -> None:
    monkeypatch.delenv("INTERVIEW_SITE_SERVING", raising=False)
    page = "{{ __import__('tick_counter').tick() }}\n"
    assert load_hook("computed_values").render_values(page, "docs/x.md") == "1\n"
    assert load_hook("computed_values").render_values(page, "docs/x.md") == "2\n"
