"""What the benchmarks run in Chromium share: a built site served as a static host serves it (scripts/audit.py's
gzip server), one headless Chromium (Debian's, or the binary named by ``CHROMIUM``), and the summary of timings."""

from __future__ import annotations

import os
import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scripts.audit import CHROME_FLAGS, serve


@contextmanager
def chromium_on(site: Path) -> Iterator[tuple[object, str]]:
    """Serve ``site`` on 127.0.0.1 and start headless Chromium; yield the browser and the site's base URL."""
    from playwright.sync_api import sync_playwright

    server, url = serve(site)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                args=[flag for flag in CHROME_FLAGS if not flag.startswith("--headless")],
            )
            try:
                yield browser, url
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()


def summary(values: list[float]) -> dict[str, float]:
    """Median, min and max, rounded to milliseconds, and the number of runs."""
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3),
            "max": round(max(values), 3), "runs": len(values)}
