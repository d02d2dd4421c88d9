"""Shared fixtures: Hypothesis profiles and one strict build of the site per test session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]

settings.register_profile(
    "default", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("thorough", max_examples=400, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# Small tensors: more threads only add overhead on a 2-core machine shared by the test processes.
torch.set_num_threads(1)


@dataclass(frozen=True)
class BuiltSite:
    """The site built once with ``mkdocs build --strict``."""

    directory: Path
    output: str  # everything MkDocs printed
    returncode: int
    seconds: float


class SiteBuild:
    """One strict build of the site, started in the background as soon as a collected test needs it.

    The build runs MkDocs in one thread and the notebooks' kernels beside it (hooks/notebook_cache.py);
    the unit tests share the cores with it meanwhile, and the tests that need the built site are moved
    to the end of the run.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.log = directory.with_suffix(".log")
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
        self.started = time.perf_counter()
        with open(self.log, "w", encoding="utf-8") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(directory)],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True,
            )

    def result(self) -> BuiltSite:
        returncode = self.process.wait(timeout=600)
        seconds = time.perf_counter() - self.started
        return BuiltSite(self.directory, self.log.read_text(encoding="utf-8"), returncode, seconds)


_build: SiteBuild | None = None


def pytest_collection_modifyitems(session, config, items) -> None:
    """Start the site build early if any selected test needs it, and run those tests last."""
    global _build
    needs_site = [item for item in items if "built_site" in getattr(item, "fixturenames", ())]
    if not needs_site:
        return
    items[:] = [item for item in items if item not in needs_site] + needs_site
    if _build is None:
        base = Path(tempfile.mkdtemp(prefix="interview-site-"))
        _build = SiteBuild(base / "site")


@pytest.fixture(scope="session")
def built_site() -> BuiltSite:
    """The site built exactly as CI builds it (strict, notebooks executed afresh)."""
    assert _build is not None, "the build starts at collection time for tests that use built_site"
    return _build.result()


def pytest_sessionfinish(session, exitstatus) -> None:
    """Remove the built site (and its log) when the run is over."""
    if _build is not None:
        if _build.process.poll() is None:
            _build.process.kill()
        shutil.rmtree(_build.directory.parent, ignore_errors=True)
