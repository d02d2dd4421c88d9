"""Build one edition of the site again and again in one process: the other edition's builder while serving.

``mkdocs serve`` rebuilds the English edition in its own process, where hooks/serve_cache.py, mkdocs-jupyter's
cache and the KaTeX process keep what did not change. hooks/editions.py starts this worker once per server for
the Chinese edition (``python hooks/edition_worker.py mkdocs.zh.yml [--strict]``), so its rebuilds keep the same
caches instead of starting from nothing in a new process each time.

Protocol, one line each way per build: the server writes ``<site_dir>\\t<log file>\\n`` on the worker's standard
input; the worker builds the edition into ``site_dir`` as ``mkdocs serve`` would (configuration read afresh,
plugins' ``on_startup`` once, ``serve`` as the command), writes MkDocs' log to the log file in the CLI's
``LEVEL    -  message`` form and answers ``0`` (built) or ``1`` (failed; the reason is in the log) on standard
output. It stops at the end of its input (when the server exits); Ctrl-C in the server's terminal is left
to the server.
"""

from __future__ import annotations

import logging
import signal
import sys
import traceback

FORMAT = "%(levelname)-8s-  %(message)s"


def build_once(config_file: str, site_dir: str, strict: bool, started: bool) -> None:
    """One build of the edition ``config_file`` into ``site_dir``, as a rebuild of ``mkdocs serve`` does it."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file=config_file, site_dir=site_dir, strict=strict)
    if not started:
        config.plugins.on_startup(command="serve", dirty=False)
    build(config)


def serve_builds(config_file: str, strict: bool, requests=sys.stdin, answers=sys.stdout) -> None:
    """Answer each request line (``<site_dir>\\t<log file>``) with a build and its result (0 or 1)."""
    logger = logging.getLogger("mkdocs")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    started = False
    for line in requests:
        site_dir, log_file = line.rstrip("\n").split("\t")
        with open(log_file, "w", encoding="utf-8") as log:
            handler = logging.StreamHandler(log)
            handler.setFormatter(logging.Formatter(FORMAT))
            logger.addHandler(handler)
            try:
                build_once(config_file, site_dir, strict, started)
                result = 0
            except BaseException as error:  # noqa: BLE001 - reported to the server, which shows it
                logger.error("%s", str(error) or type(error).__name__)
                log.write(traceback.format_exc() if not hasattr(error, "exit_code") else "")
                result = 1
            finally:
                started = True
                logger.removeHandler(handler)
        answers.write(f"{result}\n")
        answers.flush()


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, whose exit ends our input
    serve_builds(sys.argv[1], "--strict" in sys.argv[2:])
