"""Run every Python block of every page, with snippet includes expanded as the site renders them.

Each block (together with the blocks that continue it) is one test whose id is
``docs/<page>.md:<line>`` of its opening fence.
"""

from __future__ import annotations

import contextlib
import io
import random
import re

import pytest
import torch

from tests.docs import blocks

ALL_BLOCKS = blocks.all_python_blocks()


def marks_of(block: blocks.PythonBlock) -> list:
    """pytest marks written on the page (``<!--pytest.mark.xxx-->``)."""
    return [eval(mark, {"pytest": pytest}) for mark in block.marks]  # noqa: S307 - our own pages


@pytest.mark.parametrize(
    "block",
    [pytest.param(block, id=block.id, marks=marks_of(block)) for block in ALL_BLOCKS],
)
def test_block_runs(block: blocks.PythonBlock) -> None:
    if block.importorskip:
        pytest.importorskip(block.importorskip)
    code = blocks.expand_snippets(block.code)
    random.seed(0)
    torch.manual_seed(0)
    namespace = {"__name__": "__docs_block__"}
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        # dont_inherit: a block runs as plain Python would, without this file's `from __future__` imports
        exec(compile(code, block.id, "exec", dont_inherit=True), namespace)  # noqa: S102 - the point of the test
    if block.expected_output is not None:
        expected, got = block.expected_output, output.getvalue()
        if block.expected_output_ignore_whitespace:
            expected, got = re.sub(r"\s+", "", expected), re.sub(r"\s+", "", got)
        assert got == expected, f"{block.id}: printed output differs from the page"


@pytest.mark.parametrize("page", blocks.pages(), ids=blocks.relative)
def test_every_python_block_runs(page) -> None:
    problems = blocks.unrun_python_fences(page)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("block", ALL_BLOCKS, ids=[block.id for block in ALL_BLOCKS])
def test_block_checks_something(block: blocks.PythonBlock) -> None:
    assert blocks.checks_something(block), (
        f"{block.id}: the block and its continuations neither assert nor have their output checked"
    )


def test_pages_have_python_blocks() -> None:
    assert len(ALL_BLOCKS) > 0, "no Python blocks found under docs/: is the collector broken?"
