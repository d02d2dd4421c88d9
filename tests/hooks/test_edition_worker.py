"""hooks/edition_worker.py: one process builds an edition on every request and says whether it built."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_one_process_answers_every_build_and_reports_strict_warnings(tmp_path) -> None:
    (tmp_path / "docs").mkdir()
    page = tmp_path / "docs" / "index.md"
    page.write_text("# Home\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Worker test\n")
    worker = subprocess.Popen(
        [sys.executable, str(ROOT / "hooks" / "edition_worker.py"), str(config), "--strict"],
        cwd=tmp_path, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True,
    )
    site, log = tmp_path / "site", tmp_path / "build.log"

    def build() -> str:
        worker.stdin.write(f"{site}\t{log}\n")
        worker.stdin.flush()
        return worker.stdout.readline().strip()

    try:
        assert build() == "0"
        assert "Home" in (site / "index.html").read_text()
        assert "INFO    -  Documentation built in" in log.read_text()
        page.write_text("# Home\n\n[broken](missing.md)\n")  # a warning: the strict build fails
        assert build() == "1"
        text = log.read_text()
        assert "WARNING -  Doc file 'index.md' contains a link 'missing.md'" in text
        assert "ERROR   -  Aborted with 1 warnings in strict mode!" in text
        page.write_text("# Home again\n")
        assert build() == "0"
        assert "Home again" in (site / "index.html").read_text()
        assert worker.poll() is None  # the same process all along
    finally:
        worker.stdin.close()
        assert worker.wait(timeout=30) == 0  # its input closed: it stops
