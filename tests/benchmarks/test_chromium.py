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
