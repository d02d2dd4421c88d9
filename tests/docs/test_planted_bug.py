"""A bug planted in an example function must be caught twice: by its unit tests and by its page's blocks.

The page blocks include the very code of ``examples/`` through snippets, so a change to a
function changes what the page shows and runs. This test proves it on a copy of the
repository: it plants a bug, runs the function's unit tests and its page's blocks, and
expects failures in both.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# (module, correct line, planted bug, unit-test file, page)
PLANTS = [
    pytest.param(
        "examples/attention/scaled_dot_product.py",
        "scale = 1.0 / math.sqrt(head_dim)",
        "scale = 1.0 / head_dim",
        "tests/attention/test_scaled_dot_product.py",
        "docs/round-2/r2-04-multi-head-attention.md",
        id="attention-scale",
    ),
]
if (ROOT / "examples/algorithms/longest_subarray.py").exists():
    PLANTS.append(
        pytest.param(
            "examples/algorithms/longest_subarray.py",
            "while window_sum > s:",
            "while window_sum >= s:",
            "tests/algorithms/test_longest_subarray.py",
            "docs/round-1/r1-11-longest-subarray.md",
            id="longest-subarray-bound",
        )
    )


def copy_repository(target: Path) -> None:
    ignore = shutil.ignore_patterns(".git", ".venv", "site", "site-offline", ".cache", "__pycache__", "node_modules", ".hypothesis")
    for name in ("examples", "tests", "docs", "hooks"):
        shutil.copytree(ROOT / name, target / name, ignore=ignore)
    for name in ("mkdocs.yml", "pyproject.toml"):
        shutil.copy(ROOT / name, target / name)


def failing_files(report: Path) -> set[str]:
    """The test files (or docs pages, for block tests) with at least one failure in a JUnit report."""
    failed = set()
    for case in ET.parse(report).getroot().iter("testcase"):
        if case.find("failure") is None and case.find("error") is None:
            continue
        name = case.get("name", "")
        if "[docs/" in name:
            failed.add(name.split("[", 1)[1].rsplit(":", 1)[0])
        else:
            failed.add(case.get("classname", "").replace(".", "/") + ".py")  # module-level test functions
    return failed


@pytest.mark.slow
@pytest.mark.parametrize(("module", "correct", "bug", "unit_tests", "page"), PLANTS)
def test_planted_bug_fails_unit_and_page_tests(tmp_path, module, correct, bug, unit_tests, page) -> None:
    copy_repository(tmp_path)
    source = (tmp_path / module).read_text(encoding="utf-8")
    assert source.count(correct) == 1, f"{module}: the line to mutate must appear exactly once"
    (tmp_path / module).write_text(source.replace(correct, bug), encoding="utf-8")

    page_stem = Path(page).stem
    report = tmp_path / "report.xml"
    env = dict(os.environ, PYTHONPATH=str(tmp_path), HYPOTHESIS_PROFILE="default")
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}",
         unit_tests, "tests/docs/test_pages.py", "-k", f"not test_pages.py or {page_stem}"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False, timeout=300,
    )
    failed = failing_files(report)
    assert unit_tests in failed, f"the unit tests did not catch the bug; failures: {sorted(failed)}"
    assert page in failed, f"the page's blocks did not catch the bug; failures: {sorted(failed)}"
