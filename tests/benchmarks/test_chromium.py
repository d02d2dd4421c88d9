"""benchmarks/chromium.py: the summary of timings."""

from __future__ import annotations

import pytest

from benchmarks import chromium


def test_summary_gives_median_spread_and_runs() -> None:
    assert chromium.summary([0.3, 0.1, 0.2, 1.0]) == {"median": 0.25, "min": 0.1, "max": 1.0, "runs": 4}
    assert chromium.summary([0.0004]) == {"median": 0.0, "min": 0.0, "max": 0.0, "runs": 1}


def test_summary_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError):
        chromium.summary([])
