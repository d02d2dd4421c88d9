"""Shared fixtures: Hypothesis profiles and one strict build of the site per test session."""

from __future__ import annotations

import os
import subprocess
import sys
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


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> BuiltSite:
    """Build the site exactly as CI does (strict, notebooks executed afresh) into a temporary folder."""
    import time

    directory = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(directory)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    return BuiltSite(directory, result.stdout + result.stderr, result.returncode, seconds)
