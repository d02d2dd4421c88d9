"""A bug planted in an example function must be caught twice: by its unit tests and by its page's blocks.

The page blocks include the very code of ``examples/`` through snippets, so a change to a
function changes what the page shows and runs. This test proves it on a copy of the
repository: it plants a bug in each of two functions, runs their unit tests and their pages'
blocks in both editions (one pytest run, tracebacks not drawn: the JUnit report is read), and expects failures in
all six, and nowhere else: the pages' static checks pass in the copy and each page has blocks that still run, so
the blocks' failures come from the bugs, not from a copy in which no block can run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parents[2]


class Plant(NamedTuple):
    """A bug to plant: one line of ``module`` changed, which ``unit_tests`` and the blocks of ``page`` must catch."""

    module: str
    correct: str
    bug: str
    unit_tests: str
    page: str


# (module, correct line, planted bug, unit-test file, page): every bug is planted in one copy, and one pytest run
# must fail both the unit tests and the page of each (the modules, their tests and their pages are disjoint).
PLANTS = [
    Plant(
        "examples/attention/scaled_dot_product.py",
        "scale = 1.0 / math.sqrt(head_dim)",
        "scale = 1.0 / head_dim",
        "tests/attention/test_scaled_dot_product.py",
        "docs/round-2/r2-04-multi-head-attention.md",
    ),
    Plant(
        "examples/algorithms/longest_subarray.py",
        "while window_sum > s:",
        "while window_sum >= s:",
        "tests/algorithms/test_longest_subarray.py",
        "docs/round-1/r1-11-longest-subarray.md",
    ),
]


def copy_repository(target: Path) -> None:
    ignore = shutil.ignore_patterns(".git", ".venv", "site", "site-offline", ".cache", "__pycache__", "node_modules", ".hypothesis")
    for name in ("examples", "tests", "docs", "hooks"):
        shutil.copytree(ROOT / name, target / name, ignore=ignore)
    for name in ("mkdocs.yml", "pyproject.toml"):
        shutil.copy(ROOT / name, target / name)


class Outcome(NamedTuple):
    """One test of the JUnit report: where it is (test file, or docs page for block tests) and whether it failed."""

    where: str
    name: str
    failed: bool


def outcomes(report: Path) -> list[Outcome]:
    """Every test case of a JUnit report."""
    found = []
    for case in ET.parse(report).getroot().iter("testcase"):
        failed = case.find("failure") is not None or case.find("error") is not None
        name = case.get("name", "")
        if "[docs/" in name:
            where = name.split("[", 1)[1].rstrip("]").rsplit(":", 1)[0]  # [page:line] or [page]
        else:
            where = case.get("classname", "").replace(".", "/") + ".py"  # module-level test functions
        found.append(Outcome(where, name.split("[", 1)[0], failed))
    return found


def editions(page: str) -> tuple[str, str]:
    """A page and its Chinese twin: both show the same code."""
    return page, page.replace("docs/", "docs/zh/", 1)


def failing_files(report: Path) -> set[str]:
    """The test files (or docs pages, for block tests) with at least one failure in a JUnit report."""
    return {outcome.where for outcome in outcomes(report) if outcome.failed}


@pytest.mark.slow
def test_planted_bugs_fail_unit_and_page_tests(tmp_path) -> None:
    copy_repository(tmp_path)
    for plant in PLANTS:
        source = (tmp_path / plant.module).read_text(encoding="utf-8")
        assert source.count(plant.correct) == 1, f"{plant.module}: the line to mutate must appear exactly once"
        (tmp_path / plant.module).write_text(source.replace(plant.correct, plant.bug), encoding="utf-8")
    assert len({plant.module for plant in PLANTS}) == len({plant.unit_tests for plant in PLANTS}) == len(
        {plant.page for plant in PLANTS}) == len(PLANTS), "a bug must not be caught for another one's sake"

    report = tmp_path / "report.xml"
    # Profile "planted" (tests/conftest.py): a failing example is reported as found, not shrunk.
    env = dict(os.environ, PYTHONPATH=str(tmp_path), HYPOTHESIS_PROFILE="planted")
    pages = " or ".join(Path(plant.page).stem for plant in PLANTS)
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--tb=no", f"--junitxml={report}",
         *[plant.unit_tests for plant in PLANTS], "tests/docs/test_pages.py", "-k", f"not test_pages.py or {pages}"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False, timeout=300,
    )
    found = outcomes(report)
    failed = failing_files(report)
    planted_pages = {page for plant in PLANTS for page in editions(plant.page)}
    for plant in PLANTS:
        assert plant.unit_tests in failed, f"the unit tests did not catch {plant.bug!r}; failures: {sorted(failed)}"
        for page in editions(plant.page):
            assert page in failed, f"the blocks of {page} did not catch {plant.bug!r}; failures: {sorted(failed)}"
    # The controls: in the copy, the harness itself works. Only the planted modules' unit tests and the blocks
    # that run those modules fail (the pages' static checks pass), and each page has blocks that still run: a copy
    # in which no block could run at all (MkDocs' configuration not loading there, once) fails everything instead.
    expected = {plant.unit_tests for plant in PLANTS}
    unexpected = sorted({f"{o.name}[{o.where}]" for o in found if o.failed and not (
        o.where in expected or (o.name == "test_block_runs" and o.where in planted_pages))})
    assert not unexpected, f"failures the planted bugs do not explain: {unexpected}"
    for page in planted_pages:
        assert any(o.where == page and o.name == "test_block_runs" and not o.failed for o in found), (
            f"no block of {page} ran in the copy: the blocks' failures say nothing about the bugs"
        )
