"""What the benchmarks run in Chromium share: a built site served as a static host serves it (scripts/audit.py's
gzip server), one headless Chromium (Debian's, or the binary named by ``CHROMIUM``) started by Playwright with the
flags the browser tests use too (:func:`playwright_args`), and the summary of timings."""

from __future__ import annotations

import os
import re
import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scripts.audit import CHROME_FLAGS, serve

# Headless Chromium is the whole browser: for every new page it also opens a window with an address bar, whose
# suggestion popups are web pages (chrome://omnibox-popup.top-chrome/) rendered in a renderer process of their own.
# No test or benchmark uses them. Measured with a new page per visit, 20 visits: 14.7 CPU-s with them, 8.4 without.
UNUSED_BROWSER_FEATURES = ("WebUIOmniboxPopup", "WebUIOmniboxAimPopup")


def processes_under(root: int) -> dict[int, list[str]]:
    """The processes under ``root`` (not itself) still running: for each, the fields of ``/proc/<pid>/stat`` after
    the command name (Linux; ``fields[1]`` is the parent, ``fields[11:15]`` the CPU ticks)."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:  # ended meanwhile
            continue
        table[int(entry)] = stat[stat.rindex(")") + 2 :].split()

    def under_root(pid: int) -> bool:
        while pid in table and pid > 1:
            pid = int(table[pid][1])
            if pid == root:
                return True
        return False

    return {pid: fields for pid, fields in table.items() if under_root(pid)}


def playwright_disabled_features() -> list[str]:
    """The features Playwright disables when it launches Chromium, read from the installed Playwright.

    Chromium obeys only the last ``--disable-features`` flag, and Playwright puts its own before the caller's:
    a caller's list must repeat Playwright's.
    """
    import playwright

    bundle = Path(playwright.__file__).parent / "driver" / "package" / "lib" / "coreBundle.js"
    found = re.search(r"disabledFeatures = \[(.*?)\]", bundle.read_text(encoding="utf-8"), re.DOTALL)
    if found is None:
        raise RuntimeError(f"Playwright's list of disabled Chromium features is no longer in {bundle}")
    return re.findall(r'^\s*"(\w+)",?$', found.group(1), re.MULTILINE)


def playwright_args(*extra: str) -> list[str]:
    """Chromium's flags for Playwright's launch: scripts/audit.py's (Playwright sets the headless mode itself),
    the features Playwright disables and :data:`UNUSED_BROWSER_FEATURES`, then ``extra``."""
    features = [*playwright_disabled_features(), *UNUSED_BROWSER_FEATURES]
    flags = [flag for flag in CHROME_FLAGS if not flag.startswith("--headless")]
    return [*flags, "--disable-features=" + ",".join(features), *extra]


@contextmanager
def chromium_on(site: Path) -> Iterator[tuple[object, str]]:
    """Serve ``site`` on 127.0.0.1 and start headless Chromium; yield the browser and the site's base URL."""
    from playwright.sync_api import sync_playwright

    server, url = serve(site)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                args=playwright_args(),
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
