"""The docs-block harness itself: it must catch every way a Python block could escape the tests."""

from __future__ import annotations

import textwrap

import pytest
from pymdownx.snippets import SnippetMissingError

from tests.docs import blocks


def page(tmp_path, text: str):
    path = tmp_path / "page.md"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("fence", "reason"),
    [
        ("```py", "info 'py'"),
        ('```python title="x.py"', "info 'python title=\"x.py\"'"),
        ("~~~python", "'~~~'"),
        ("```python3", "info 'python3'"),
        ("``` { .python }", "info '{ .python }'"),
    ],
)
def test_python_fences_that_would_not_run_are_reported(tmp_path, fence, reason) -> None:
    closing = fence[:3]
    path = page(tmp_path, f"# t\n\n{fence}\nassert False\n{closing}\n")
    problems = blocks.unrun_python_fences(path)
    assert len(problems) == 1 and reason in problems[0] and "page.md:3" in problems[0]


def test_plain_continued_and_indented_blocks_run(tmp_path) -> None:
    path = page(
        tmp_path,
        """\
        # t

        ```python
        x = 1
        ```

        <!--pytest-codeblocks:cont-->
        ```python
        assert x == 1
        ```

        ??? success "Answer"

            ```python
            assert 2 > 1
            ```

        ```text
        not python
        ```
        """,
    )
    assert blocks.unrun_python_fences(path) == []
    found = blocks.python_blocks(path)
    assert [block.line for block in found] == [3, 14]
    assert found[0].code == "x = 1\nassert x == 1\n"  # the continuation runs in the same test


def test_skip_markers_are_refused(tmp_path) -> None:
    path = page(tmp_path, "<!--pytest.mark.skip-->\n```python\nassert True\n```\n")
    assert any("marked to skip" in problem for problem in blocks.unrun_python_fences(path))


def test_block_that_checks_nothing_is_caught(tmp_path) -> None:
    path = page(tmp_path, "```python\nx = 1\nprint(x)\n```\n")
    assert not blocks.checks_something(blocks.python_blocks(path)[0])


@pytest.mark.parametrize(
    "code",
    ["assert x", "torch.testing.assert_close(a, b)", "with pytest.raises(ValueError):\n    f()"],
)
def test_asserting_blocks_are_recognised(tmp_path, code) -> None:
    path = page(tmp_path, f"```python\n{code}\n```\n")
    assert blocks.checks_something(blocks.python_blocks(path)[0])


def test_checked_output_counts_as_a_check(tmp_path) -> None:
    path = page(tmp_path, "```python\nprint(1)\n```\n\n<!--pytest-codeblocks:expected-output-->\n```text\n1\n```\n")
    assert blocks.checks_something(blocks.python_blocks(path)[0])


def test_snippets_expand_from_the_examples_package() -> None:
    code = blocks.expand_snippets('--8<-- "examples/attention/scaled_dot_product.py:safe_softmax"\n')
    assert code.startswith("def safe_softmax(")
    assert "--8<--" not in code


def test_snippet_options_are_the_builds() -> None:
    """blocks.py reads mkdocs.yml with MkDocs' YAML loader; the build's own configuration gives the same options."""
    from mkdocs.config import load_config

    built = load_config(str(blocks.ROOT / "mkdocs.yml"))["mdx_configs"]["pymdownx.snippets"]
    preprocessor = blocks.snippet_preprocessor()
    assert preprocessor.base_path == [str((blocks.ROOT / base).resolve()) for base in built["base_path"]]
    for option, value in built.items():
        if option != "base_path":
            assert getattr(preprocessor, option) == value, option


def test_missing_snippet_fails() -> None:
    with pytest.raises(SnippetMissingError):
        blocks.expand_snippets('--8<-- "examples/does_not_exist.py"\n')


def test_every_page_is_scanned() -> None:
    names = {blocks.relative(path) for path in blocks.pages()}
    assert {"docs/index.md", "docs/interview.md", "docs/round-2/r2-04-multi-head-attention.md"} <= names
