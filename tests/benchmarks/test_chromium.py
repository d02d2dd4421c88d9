"""benchmarks/chromium.py: the summary of timings."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import chromium


def test_summary_gives_median_spread_and_runs() -> None:
    assert chromium.summary([0.3, 0.1, 0.2, 1.0]) == {"median": 0.25, "min": 0.1, "max": 1.0, "runs": 4}
    assert chromium.summary([0.0004]) == {"median": 0.0, "min": 0.0, "max": 0.0, "runs": 1}


def test_summary_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError):
        chromium.summary([])


def test_playwright_args_keep_playwrights_disabled_features_and_add_the_unused_ones() -> None:
    playwrights = chromium.playwright_disabled_features()
    assert {"PaintHolding", "HttpsUpgrades"} <= set(playwrights), playwrights  # two Playwright has long disabled
    args = chromium.playwright_args("--extra")
    features = [arg for arg in args if arg.startswith("--disable-features=")]
    assert len(features) == 1, args  # Chromium obeys only the last one: Playwright's would be lost
    assert features[0].removeprefix("--disable-features=").split(",") == [
        *playwrights, *chromium.UNUSED_BROWSER_FEATURES
    ]
    assert args[-1] == "--extra" and not any(arg.startswith("--headless") for arg in args)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from Linux's /proc")
def test_processes_under_a_root_are_its_children_and_theirs() -> None:
    # A child that starts a grandchild and prints its pid; both sleep until the test ends them.
    code = "import subprocess, time; g = subprocess.Popen(['sleep', '30']); print(g.pid, flush=True); time.sleep(30)"
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    grandchild = int(child.stdout.readline())
    try:
        under_me = chromium.processes_under(os.getpid())
        assert {child.pid, grandchild} <= set(under_me) and os.getpid() not in under_me
        assert int(under_me[grandchild][1]) == child.pid  # the parent field
        assert set(chromium.processes_under(child.pid)) == {grandchild}
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(grandchild, signal.SIGKILL)
        child.kill()
        child.wait()
