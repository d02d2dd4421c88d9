"""Browser fixtures: the built site served on 127.0.0.1, and one headless Chromium per test session.

Chromium is Debian's (``/usr/bin/chromium``), or the binary named by the ``CHROMIUM`` environment
variable; Playwright's own browser downloads are never used.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.chromium import playwright_args
from scripts.audit import serve
from tests.conftest import BackgroundBuild, run_directory, site_build

NO_NETWORK = "http://127.0.0.1:9"  # the discard port: nothing listens on it

# The flags the benchmarks start Chromium with (benchmarks/chromium.py: scripts/audit.py's, without browser UI that
# no page uses), and a proxy on a closed port for every request not to this machine (loopback bypasses a proxy): no
# test can reach the network, and a request that would leave the site fails at once (ERR_PROXY_CONNECTION_FAILED),
# so tests can watch requests (``page.on("request")``) instead of intercepting each one (``route``), which made a
# crawl about a quarter slower.
CHROMIUM_ARGS = playwright_args(f"--proxy-server={NO_NETWORK}")


def chromium_path() -> str:
    """The Chromium binary the browser tests drive."""
    return os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def site_url(built_site) -> Iterator[str]:
    """Base URL (ending in ``/``) of the strictly built site, served over HTTP."""
    if built_site.returncode != 0:
        pytest.fail("the site did not build; see tests/docs/test_build.py\n" + built_site.output[-2000:])
    server, url = serve(built_site.directory)  # gzip, as a static host serves it
    yield url + "/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(chromium_path()).exists():
        pytest.fail(f"Chromium not found at {chromium_path()}; install Debian's chromium or set CHROMIUM")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def context(browser):
    """A browser context shared by the tests that need no isolated storage."""
    ctx = browser.new_context()
    yield ctx
    ctx.close()


@pytest.fixture()
def fresh_context(browser):
    """A browser context with empty local storage, for tests of stored state."""
    ctx = browser.new_context()
    yield ctx
    ctx.close()


# The offline (file://) copy of the site is a second build, in the background once per run (whatever the number of
# pytest-xdist workers), while the other tests run. It starts when the main build is done: run side by side, each
# build's two editions and kernels crowded the two cores with the test workers.
# Notebooks are not executed in it: the test checks navigation and search from file://, and the executed
# notebooks are checked in the main build.
def offline_build(config, after: BackgroundBuild | None = None) -> BackgroundBuild:
    """The build ``make offline`` makes (OFFLINE=true), in this run's directory, started once ``after`` is done."""
    return BackgroundBuild(
        run_directory(config) / "offline", after=after, OFFLINE="true", EXECUTE_NOTEBOOKS="false"
    )


@pytest.hookimpl(trylast=True)  # after -m/-k have deselected what will not run
def pytest_collection_modifyitems(session, config, items):
    """Start the offline build if any selected test needs it, and run those tests last."""
    needs_offline = [item for item in items if "offline_site" in getattr(item, "fixturenames", ())]
    if needs_offline:
        items[:] = [item for item in items if item not in needs_offline] + needs_offline
        if not config.option.collectonly:  # after the main build, if the run makes one (tests/conftest.py)
            main = any("built_site" in getattr(item, "fixturenames", ()) for item in items)
            offline_build(config, after=site_build(config) if main else None).start_once()


@pytest.fixture(scope="session")
def offline_site(pytestconfig) -> Path:
    """The site built as ``make offline`` builds it (OFFLINE=true), for viewing from file://."""
    build = offline_build(pytestconfig).result()
    if build.returncode != 0:
        pytest.fail("the offline build failed:\n" + build.output[-3000:])
    return build.directory
