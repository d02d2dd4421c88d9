"""Time the authoring loop of the site: cold strict build, warm rebuild while serving, edit -> served.

Two trees are measured side by side in one run, so the ratio between them is what to read on a busy machine:
``before`` (default: the commit before the build was made faster) and ``after`` (default: ``HEAD``). Each is a
temporary ``git worktree`` (pages are edited there, never in your working tree) sharing this checkout's
vendored assets and virtual environment; either may instead be a directory to use as it is.

- cold: ``mkdocs build --strict`` into an empty directory, notebooks executed (as CI builds): both editions
  where the tree has the Chinese one, and the English edition alone (``ZH_EDITION=false``); runs alternate
  between the trees.
- warm rebuild: with ``mkdocs serve`` running (its first build done), a question page's modification time is
  touched and the page is requested until the server answers with the rebuilt page.
- edit -> served: a sentence is added to a question page; the time until the server returns HTML that has it;
  the same for the page's Chinese twin where the tree has the Chinese edition.

Run from the repository root (``make bench-site``):

    python -m benchmarks.site_build                 # 3 cold builds and 5 edits per tree, about 12 minutes
    python -m benchmarks.site_build --cold 1 --edits 2 --before /path/to/tree --after .

Writes ``benchmarks/results/site_build.json`` (medians with min and max); the README quotes it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "site_build.json"
BEFORE = "fd3d43b"  # the last commit before serving and the cold build were made faster (issue 13)
PAGE = "docs/round-1/r1-09-lora.md"  # the question page edited in the serve measurements
PAGE_ZH = "docs/zh/round-1/r1-09-lora.md"  # its Chinese twin (trees that have the Chinese edition)
METRICS = ("cold_build_s", "cold_build_en_s", "warm_rebuild_s", "edit_to_served_s", "edit_zh_to_served_s")
NOTE = (
    "Wall-clock seconds on a machine shared with other jobs (see cpus, and load_average_1min sampled after each "
    "measurement); the two trees are measured alternately in one run, so compare them with each other rather "
    "than with another run."
)


@dataclass
class Tree:
    """One checkout of the site being measured."""

    name: str
    path: Path
    revision: str
    worktree: bool
    cold: list[float] = field(default_factory=list)
    cold_en: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    edit: list[float] = field(default_factory=list)
    edit_zh: list[float] = field(default_factory=list)

    @property
    def editions(self) -> bool:
        """Whether the tree has the Chinese edition (built by every build of the English one)."""
        return (self.path / PAGE_ZH).is_file()


def environment(tree: Path) -> dict[str, str]:
    """Environment for MkDocs in ``tree``: its own ``examples`` package first, no MkDocs 2 banner."""
    return dict(os.environ, PYTHONPATH=str(tree), NO_MKDOCS_2_WARNING="1")


def checkout(name: str, spec: str, workdir: Path) -> Tree:
    """A worktree of revision ``spec``, or the directory ``spec`` itself if it is one."""
    if Path(spec).is_dir():
        path = Path(spec).resolve()
        revision = git("rev-parse", "--short", "HEAD", cwd=path)
        if git("status", "--porcelain", "--untracked-files=no", cwd=path):
            revision += " with uncommitted changes"
        return Tree(name, path, revision, worktree=False)
    path = workdir / name
    git("worktree", "add", "--detach", str(path), spec, cwd=ROOT)
    vendor = ROOT / "docs" / "assets" / "vendor"  # fetched assets, not in git
    if vendor.is_dir() and not (path / "docs" / "assets" / "vendor").exists():
        shutil.copytree(vendor, path / "docs" / "assets" / "vendor")
    return Tree(name, path, git("rev-parse", "--short", spec, cwd=ROOT), worktree=True)


def git(*args: str, cwd: Path) -> str:
    """Run git and return its output."""
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def cold_build(tree: Tree, site: Path, english_only: bool = False) -> float:
    """Seconds of one ``mkdocs build --strict`` of ``tree`` into the empty directory ``site`` (both editions, or
    the English one alone with ``ZH_EDITION=false``)."""
    shutil.rmtree(site, ignore_errors=True)
    env = dict(environment(tree.path), **({"ZH_EDITION": "false"} if english_only else {}))
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=tree.path, env=env, capture_output=True, text=True,
    )
    seconds = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(f"{tree.name}: the build failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return seconds


def free_port() -> int:
    """A TCP port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port: int, path: str) -> str:
    """The body the server returns for ``path`` ("" if it cannot answer yet)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", path)
        return connection.getresponse().read().decode("utf-8", "replace")
    except OSError:
        return ""
    finally:
        connection.close()


def wait_until(condition, timeout: float, what: str) -> None:
    """Poll ``condition`` every 10 ms until it holds."""
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError(what)
        time.sleep(0.01)


class Server:
    """``mkdocs serve`` of one tree, for the warm rebuild and edit -> served measurements."""

    def __init__(self, tree: Tree, log: Path) -> None:
        self.tree, self.port, self.log = tree, free_port(), log
        self.pages = {PAGE: tree.path / PAGE, PAGE_ZH: tree.path / PAGE_ZH}
        self.originals = {name: path.read_text(encoding="utf-8") for name, path in self.pages.items() if path.is_file()}
        with open(log, "w", encoding="utf-8") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{self.port}", "--livereload"],
                cwd=tree.path, env=environment(tree.path), stdout=out, stderr=subprocess.STDOUT,
            )
        wait_until(lambda: "Serving on" in self.log.read_text(encoding="utf-8"), 900, f"{tree.name}: serve")

    def builds(self) -> int:
        """Rebuilds the server has finished and serves (it logs "Reloading browsers" after each one)."""
        return self.log.read_text(encoding="utf-8").count("Reloading browsers")

    @staticmethod
    def url(page: str) -> str:
        """The served address of ``page`` (a path under docs/)."""
        return f"/ml-interview-answers/{Path(page).relative_to('docs').with_suffix('').as_posix()}/"

    def served_after(self, change, done, page: str = PAGE) -> float:
        """Seconds from ``change()`` until ``done(html of the page)`` holds for what the server returns."""
        builds = self.builds()
        start = time.perf_counter()
        change()
        wait_until(lambda: self.builds() > builds or "Aborted" in self.log.read_text(encoding="utf-8"), 300,
                   f"{self.tree.name}: rebuild")
        wait_until(lambda: done(fetch(self.port, self.url(page))), 60, f"{self.tree.name}: served")
        seconds = time.perf_counter() - start
        if "Aborted" in self.log.read_text(encoding="utf-8"):
            raise RuntimeError(f"{self.tree.name}: a rebuild failed; see {self.log}")
        time.sleep(1.0)  # let the server settle (file watcher, browser-reload epoch) before the next change
        return seconds

    def warm_rebuild(self) -> float:
        """Touch the page without changing it; seconds until the rebuilt page is served."""
        before = self.builds()
        return self.served_after(
            lambda: os.utime(self.pages[PAGE]), lambda html: "</html>" in html and self.builds() > before
        )

    def edit(self, number: int, page: str = PAGE) -> float:
        """Add a sentence to ``page``; seconds until the served page has it."""
        marker = f"Benchmark edit {number} {time.time_ns()}."
        return self.served_after(
            lambda: self.pages[page].write_text(self.originals[page] + f"\n{marker}\n", encoding="utf-8"),
            lambda html: marker in html,
            page,
        )

    def close(self) -> None:
        """Stop the server and put the pages back."""
        for name, text in self.originals.items():
            self.pages[name].write_text(text, encoding="utf-8")
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def summary(values: list[float]) -> dict | None:
    """Median, min, max and every run, in seconds (None if nothing was measured)."""
    if not values:
        return None
    return {
        "median": round(statistics.median(values), 2),
        "min": round(min(values), 2),
        "max": round(max(values), 2),
        "runs": [round(v, 2) for v in values],
    }


LOADS: list[float] = []  # the 1-minute load average, sampled after each measurement


def measure(trees: list[Tree], cold_runs: int, edits: int, workdir: Path) -> None:
    """Fill each tree's measurements, alternating between the trees."""
    LOADS.append(os.getloadavg()[0])
    for run in range(cold_runs):
        for tree in trees if run % 2 == 0 else trees[::-1]:
            tree.cold.append(cold_build(tree, workdir / f"site-{tree.name}"))
            LOADS.append(os.getloadavg()[0])
            print(f"cold {tree.name}: {tree.cold[-1]:.1f} s", flush=True)
            if tree.editions:
                tree.cold_en.append(cold_build(tree, workdir / f"site-{tree.name}", english_only=True))
                LOADS.append(os.getloadavg()[0])
                print(f"cold {tree.name}, English alone: {tree.cold_en[-1]:.1f} s", flush=True)
    servers = []
    try:
        for tree in trees:
            servers.append(Server(tree, workdir / f"serve-{tree.name}.log"))
        for number in range(edits):
            for server in servers if number % 2 == 0 else servers[::-1]:
                server.tree.warm.append(server.warm_rebuild())
                server.tree.edit.append(server.edit(number))
                if server.tree.editions:
                    server.tree.edit_zh.append(server.edit(number, PAGE_ZH))
                LOADS.append(os.getloadavg()[0])
                print(f"{server.tree.name}: warm {server.tree.warm[-1]:.2f} s, edit {server.tree.edit[-1]:.2f} s, "
                      f"zh edit {(server.tree.edit_zh or [float('nan')])[-1]:.2f} s", flush=True)
    finally:
        for server in servers:
            server.close()


def report(trees: list[Tree], cold_runs: int, edits: int) -> dict:
    """The results file's content."""
    results = {
        "note": NOTE,
        "cpus": os.cpu_count(),
        "load_average_1min": {"min": round(min(LOADS, default=0), 1), "max": round(max(LOADS, default=0), 1)},
        "edited_pages": [PAGE, PAGE_ZH],
        "cold_runs": cold_runs,
        "edits": edits,
    }
    for tree in trees:
        results[tree.name] = {
            "revision": tree.revision,
            "editions": ["en", "zh"] if tree.editions else ["en"],
            "cold_build_s": summary(tree.cold),
            "cold_build_en_s": summary(tree.cold_en) if tree.editions else summary(tree.cold),
            "warm_rebuild_s": summary(tree.warm),
            "edit_to_served_s": summary(tree.edit),
            "edit_zh_to_served_s": summary(tree.edit_zh),
        }
    before, after = results["before"], results["after"]
    results["after_over_before"] = {
        key: round(after[key]["median"] / before[key]["median"], 2)
        for key in METRICS
        if before[key] and after[key]
    }
    return results


def main() -> None:  # noqa: D103 - command line
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BEFORE, help="revision or directory (default: %(default)s)")
    parser.add_argument("--after", default="HEAD", help="revision or directory (default: %(default)s)")
    parser.add_argument("--cold", type=int, default=3, help="cold builds per tree")
    parser.add_argument("--edits", type=int, default=5, help="warm rebuilds and edits per tree")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="site-bench-"))
    trees = []
    try:
        trees = [checkout("before", args.before, workdir), checkout("after", args.after, workdir)]
        measure(trees, args.cold, args.edits, workdir)
        results = report(trees, args.cold, args.edits)
        args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(json.dumps(results["after_over_before"]), f"-> {args.output}")
    finally:
        for tree in trees:
            if tree.worktree:
                git("worktree", "remove", "--force", str(tree.path), cwd=ROOT)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
