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
