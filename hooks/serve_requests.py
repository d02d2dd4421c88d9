"""MkDocs hook: ``mkdocs serve`` keeps serving whatever a browser requests while a rebuild runs.

MkDocs' development server logs every answer other than 200 (the 302 from the bare ``http://127.0.0.1:8000/``
to the site's path, a 404 for ``/favicon.ico``) at WARNING on the ``mkdocs.livereload`` logger. With
``strict: true`` a rebuild counts every WARNING logged under ``mkdocs`` while it runs, request logs included,
so a browser opening ``/`` during a rebuild aborted it ("Aborted with N warnings in strict mode!") with no real
warning shown, and the server then served nothing new until restarted (MkDocs issue #2557, open upstream;
``mkdocs/livereload/__init__.py``, ``_Handler.log_request``; ``mkdocs/commands/build.py``, ``CountHandler``).

This hook, when serving, lowers those request records to INFO: they still print, and a build's count sees only
the build's own warnings. ``mkdocs build`` (and CI) stay strict and are untouched. When a rebuild does fail,
the warnings that failed it are listed again right after the failure, where the author looks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

REQUEST_LOGGER = "mkdocs.livereload"
REQUEST_FUNCTIONS = frozenset({"log_request", "serve_request"})  # _Handler.log_request, LiveReloadServer's 500
log = logging.getLogger("mkdocs.hooks.serve_requests")


class RequestLogsAsInfo(logging.Filter):
    """Lower the development server's per-request WARNING/ERROR records to INFO."""

    def filter(self, record: logging.LogRecord) -> bool:  # noqa: D102 - logging API
        if record.levelno > logging.INFO and record.funcName in REQUEST_FUNCTIONS:
            record.levelno, record.levelname = logging.INFO, logging.getLevelName(logging.INFO)
        return True


class WarningRecorder(logging.Handler):
    """Keep the WARNING (and worse) messages logged under ``mkdocs`` while it is attached."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:  # noqa: D102 - logging API
        self.messages.append(f"{record.levelname}: {record.getMessage()}")


def demote_request_logs() -> None:
    """Install :class:`RequestLogsAsInfo` on the server's logger (once per process)."""
    logger = logging.getLogger(REQUEST_LOGGER)
    if not any(isinstance(f, RequestLogsAsInfo) or type(f).__name__ == "RequestLogsAsInfo" for f in logger.filters):
        logger.addFilter(RequestLogsAsInfo())


def reporting_failures(builder: Callable[..., None]) -> Callable[..., None]:
    """``builder`` that, when a rebuild fails, logs the warnings that made it fail, then re-raises."""

    def build(*args, **kwargs) -> None:
        recorder = WarningRecorder()
        logger = logging.getLogger("mkdocs")
        logger.addHandler(recorder)
        try:
            builder(*args, **kwargs)
        except BaseException:
            if recorder.messages:
                log.error(
                    "The rebuild failed on these %d warning(s); pages are served again after a clean rebuild:\n  %s",
                    len(recorder.messages),
                    "\n  ".join(recorder.messages),
                )
            raise
        finally:
            logger.removeHandler(recorder)

    return build


def on_startup(command, dirty):  # noqa: D103 - MkDocs event
    if command == "serve":
        demote_request_logs()


def on_serve(server, config, builder):  # noqa: D103 - MkDocs event
    demote_request_logs()  # also when the config was loaded without on_startup (e.g. `mkdocs serve --clean`)
    server.builder = reporting_failures(server.builder)
    return server
