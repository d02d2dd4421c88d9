"""The Chromium the browser tests drive starts no browser UI that no page uses (benchmarks/chromium.py)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest

from benchmarks.chromium import processes_under


def command_lines(pids) -> list[str]:
    """The command lines of the processes ``pids`` that are still running."""
    found = []
    for pid in pids:
        with contextlib.suppress(OSError):  # ended meanwhile
            found.append(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode())
    return found


@pytest.mark.browser
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from Linux's /proc")
def test_no_omnibox_popup_is_rendered_for_a_page(context) -> None:
    page = context.new_page()
    page.set_content("<p>a page</p>")
    renderers = [command for command in command_lines(processes_under(os.getpid())) if "--type=renderer" in command]
    page.close()
    assert renderers, "no Chromium renderer found under this process"
    popups = [command for command in renderers if "--top-chrome-webui" in command]
    assert not popups, f"{len(popups)} renderer(s) of Chromium's own UI (the omnibox popup) run beside the page"
