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
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "x.py").write_text("X = 1\n")
    page = "{{ __import__('tick_counter').tick() }} / {{ site_checks and __import__('tick_counter').calls }}\n"
    monkeypatch.setenv("INTERVIEW_SITE_SERVING", "1")
    first = load_hook("computed_values")
    monkeypatch.setattr(first, "ROOT", tmp_path)

    def missing(self, key: str):
        if key != "site_checks":  # the test suite's collector, not needed here
            raise KeyError(key)
        return True

    monkeypatch.setattr(first.ExamplesNamespace, "__missing__", missing)
    assert first.render_values(page, "docs/x.md") == "1 / 1\n"
    second = load_hook("computed_values")  # MkDocs loads the hooks again for every rebuild
    monkeypatch.setattr(second, "ROOT", tmp_path)
    monkeypatch.setattr(second.ExamplesNamespace, "__missing__", missing)
    assert second.render_values(page, "docs/x.md") == "1 / 1\n"  # kept; a block count is always computed
    (tmp_path / "examples" / "x.py").write_text("X = 22\n")
    third = load_hook("computed_values")
    monkeypatch.setattr(third, "ROOT", tmp_path)
    monkeypatch.setattr(third.ExamplesNamespace, "__missing__", missing)
    assert third.render_values(page, "docs/x.md") == "2 / 2\n"


def test_a_build_computes_every_value(load_hook, counter, monkeypatch) -> None:
    monkeypatch.delenv("INTERVIEW_SITE_SERVING", raising=False)
    page = "{{ __import__('tick_counter').tick() }}\n"
    assert load_hook("computed_values").render_values(page, "docs/x.md") == "1\n"
    assert load_hook("computed_values").render_values(page, "docs/x.md") == "2\n"
