"""The Chromium the browser tests drive starts no browser UI that no page uses (benchmarks/chromium.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def descendants(pid: int) -> dict[int, str]:
    """The command lines of the processes under ``pid`` (Linux ``/proc``)."""
    parents, commands = {}, {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                commands[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:  # ended meanwhile
                continue
            parents[int(entry.name)] = int(stat[stat.rindex(")") + 2:].split()[1])
    found, frontier = {}, {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= {child: commands[child] for child in frontier}
    return found


@pytest.mark.browser
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from Linux's /proc")
def test_no_omnibox_popup_is_rendered_for_a_page(context) -> None:
    page = context.new_page()
    page.set_content("<p>a page</p>")
    renderers = [command for command in descendants(os.getpid()).values() if "--type=renderer" in command]
    page.close()
    assert renderers, "no Chromium renderer found under this process"
    popups = [command for command in renderers if "--top-chrome-webui" in command]
    assert not popups, f"{len(popups)} renderer(s) of Chromium's own UI (the omnibox popup) run beside the page"
