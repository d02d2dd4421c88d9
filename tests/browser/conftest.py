"""Browser fixtures: the built site served on 127.0.0.1, and one headless Chromium per test session.

Chromium is Debian's (``/usr/bin/chromium``), or the binary named by the ``CHROMIUM`` environment
variable; Playwright's own browser downloads are never used.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.audit import CHROME_FLAGS, serve

ROOT = Path(__file__).resolve().parents[2]
# The flags scripts/audit.py starts Chromium with, but the headless mode, which Playwright sets itself.
CHROMIUM_ARGS = [flag for flag in CHROME_FLAGS if not flag.startswith("--headless")]


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


# The offline (file://) copy of the site is a second build. It starts in the background as soon as the tests are
# collected, so it runs while the other tests do. Notebooks are not executed in it: the test checks navigation
# and search from file://, and the executed notebooks are checked in the main build.
OFFLINE_BUILD_KEY = pytest.StashKey[dict]()


@pytest.hookimpl(trylast=True)  # after -m/-k have deselected what will not run
def pytest_collection_modifyitems(session, config, items):  # noqa: D103 - pytest hook
    if not any("offline_site" in getattr(item, "fixturenames", ()) for item in items):
        return
    directory = Path(tempfile.mkdtemp(prefix="site-offline-"))
    log = open(directory.with_suffix(".log"), "w+", encoding="utf-8")  # noqa: SIM115 - closed at cleanup
    env = dict(os.environ, OFFLINE="true", EXECUTE_NOTEBOOKS="false", NO_MKDOCS_2_WARNING="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(directory)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    config.stash[OFFLINE_BUILD_KEY] = {"process": process, "directory": directory, "log": log}

    def cleanup() -> None:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()
        Path(log.name).unlink(missing_ok=True)
        shutil.rmtree(directory, ignore_errors=True)

    config.add_cleanup(cleanup)


@pytest.fixture(scope="session")
def offline_site(pytestconfig) -> Path:
    """The site built as ``make offline`` builds it (OFFLINE=true), for viewing from file://."""
    build = pytestconfig.stash.get(OFFLINE_BUILD_KEY, None)
    if build is None:
        pytest.fail("the offline build was not started at collection")
    returncode = build["process"].wait(timeout=900)
    build["log"].seek(0)
    output = build["log"].read()
    if returncode != 0:
        pytest.fail("the offline build failed:\n" + output[-3000:])
    return build["directory"]
