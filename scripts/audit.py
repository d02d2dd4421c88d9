"""Lighthouse audit of a built site: serve it like a static host (gzip), run Lighthouse on a few pages, check scores.

Usage: ``python scripts/audit.py SITE_DIR [--min 0.95] [--page /path/ ...] [--preset mobile|desktop ...]``
(``scripts/audit.sh`` wraps it, for ``make audit``). The site is served on a free port of 127.0.0.1 with gzip for
text files and the cache headers GitHub Pages sends (``Last-Modified``, ``max-age=600``). Lighthouse
(``node_modules/.bin/lighthouse``, pinned in package.json) runs with simulated throttling, under its default mobile
settings (a mid-range phone on a slow 4G network: CPU time observed is multiplied by 4) and under its desktop
preset; both must pass.

Scores vary from run to run, so each page is audited ``--runs`` times and the median score of each category is
checked, as Lighthouse's documentation recommends; JSON reports go to ``--reports``. Lighthouse connects to one
headless ``$CHROME_PATH`` that stays open for the whole audit and has drawn a page before the first run. Left to
launch a fresh browser per run, about half of the runs saw the first frame reach the screen only after
about 1.25 s (the traces show no compositor frame before then, on the home page as on the answer page), and the
simulation then charged the page with all the work done until that moment: the same page scored 0.75 in one
run and 0.97 in the next.
"""

from __future__ import annotations

import argparse
import email.utils
import functools
import gzip
import http.server
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
PRESETS = ["mobile", "desktop"]
DEFAULT_PAGES = [
    "/", "/round-2/r2-04-multi-head-attention/", "/notebooks/attention-step-by-step/",
    "/zh/round-2/r2-04-multi-head-attention/",  # the Chinese edition (mkdocs.zh.yml)
]
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
COMPRESSIBLE = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map", ".py"}


# What GitHub Pages sends with every file: a browser reuses what it fetched for the last page (the stylesheets,
# Material's bundle and the code V8 compiled from it) instead of fetching and compiling it again on every page.
CACHE_CONTROL = "max-age=600"


@functools.lru_cache(maxsize=None)
def compressed(path: str, mtime_ns: int) -> bytes:
    """The gzip-compressed bytes of the file at ``path``, as last modified at ``mtime_ns`` (compressed once)."""
    return gzip.compress(Path(path).read_bytes(), compresslevel=6)


class StaticHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files quietly as a static host does: text gzip-compressed when the client accepts it, and every file
    with ``Last-Modified`` (a request ``If-Modified-Since`` then gets 304) and :data:`CACHE_CONTROL`."""

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass

    def end_headers(self):
        self.send_header("Cache-Control", CACHE_CONTROL)
        super().end_headers()

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()  # redirects to the URL with a slash
            path = path / "index.html"
        if path.suffix not in COMPRESSIBLE or not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()  # with Last-Modified, and 304 when not modified since
        stat = path.stat()
        if self.unchanged_since_asked(stat.st_mtime):
            self.send_response(304)
            self.end_headers()
            return None
        body = compressed(str(path), stat.st_mtime_ns)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(int(stat.st_mtime)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return None

    def unchanged_since_asked(self, mtime: float) -> bool:
        """Whether the request's ``If-Modified-Since`` date is no earlier than ``mtime`` (whole seconds)."""
        asked = self.headers.get("If-Modified-Since")
        if not asked:
            return False
        try:
            since = email.utils.parsedate_to_datetime(asked)
        except (TypeError, ValueError):
            return False
        return since.tzinfo is not None and int(mtime) <= since.timestamp()


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``directory`` on a free port of 127.0.0.1; return the server and its base URL (no trailing slash)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(StaticHandler, directory=str(directory)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@contextmanager
def chrome(first_url: str) -> Iterator[int]:
    """A headless Chromium that has opened ``first_url``, for Lighthouse to drive; yields its DevTools port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with tempfile.TemporaryDirectory(prefix="audit-chrome-") as profile:
        process = subprocess.Popen(
            [os.environ["CHROME_PATH"], *CHROME_FLAGS, f"--remote-debugging-port={port}", f"--user-data-dir={profile}",
             first_url],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/json/version", timeout=2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise RuntimeError(f"{os.environ['CHROME_PATH']} did not start its DevTools server") from None
                    time.sleep(0.2)
            time.sleep(2)  # let it draw the first page
            yield port
        finally:
            process.terminate()
            process.wait(timeout=30)


def lighthouse(url: str, report: Path, preset: str, port: int) -> dict:
    """Run Lighthouse with ``preset`` (mobile or desktop) on ``url``, write its JSON report to ``report``, return it."""
    command = [
        str(ROOT / "node_modules" / ".bin" / "lighthouse"),
        url,
        "--quiet",
        f"--port={port}",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
    ]
    if preset != "mobile":
        command.append(f"--preset={preset}")
    subprocess.run(command, check=True)
    return json.loads(report.read_text(encoding="utf-8"))


def weak_audits(report: dict, category: str) -> list[str]:
    """The weighted audits of ``category`` that scored below 0.9, to explain a low score."""
    lines = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] > 0 and audit["score"] is not None and audit["score"] < 0.9:
            lines.append(f"    {audit['id']}: {audit['title']} ({audit['score']}; {audit.get('displayValue', '')})")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the built site (mkdocs build --site-dir)")
    parser.add_argument("--min", type=float, default=0.95, help="lowest acceptable median score per category")
    parser.add_argument("--page", action="append", help="a page path to audit (repeatable)")
    parser.add_argument("--runs", type=int, default=5, help="Lighthouse runs per page and preset (the median counts)")
    parser.add_argument("--preset", action="append", choices=PRESETS, help="mobile, desktop or both (default)")
    parser.add_argument("--reports", type=Path, default=ROOT / ".cache" / "lighthouse")
    args = parser.parse_args()
    if not (args.site / "index.html").is_file():
        parser.error(f"no built site in {args.site}: run make build")
    os.environ.setdefault("CHROME_PATH", os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    args.reports.mkdir(parents=True, exist_ok=True)
    server, base = serve(args.site)
    failed = False
    try:
        with chrome(base + "/") as port:
            for preset in args.preset or PRESETS:
                print(f"\nLighthouse {preset}, median of {args.runs} runs")
                print(f"{'page':42}" + "".join(f"{c:>16}" for c in CATEGORIES), flush=True)
                for page in args.page or DEFAULT_PAGES:
                    name = f"{preset}-{page.strip('/').replace('/', '_') or 'home'}"
                    reports = [
                        lighthouse(base + page, args.reports / f"{name}-{run}.json", preset, port)
                        for run in range(args.runs)
                    ]
                    scores = {c: statistics.median(r["categories"][c]["score"] or 0 for r in reports) for c in CATEGORIES}
                    print(f"{page:42}" + "".join(f"{scores[c]:>16.2f}" for c in CATEGORIES), flush=True)
                    for category in CATEGORIES:
                        if scores[category] < args.min:
                            failed = True
                            worst = min(reports, key=lambda r: r["categories"][category]["score"] or 0)
                            print(f"  {category} below {args.min}:", *weak_audits(worst, category), sep="\n", flush=True)
    finally:
        server.shutdown()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
