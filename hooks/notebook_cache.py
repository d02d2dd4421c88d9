"""MkDocs hook: cache executed notebooks while serving, always execute them afresh otherwise.

``mkdocs serve`` rebuilds the whole site on every edit; re-running every notebook each
time would make editing a page slow. While serving, mkdocs-jupyter's cache is turned on
and keyed by the sources of the ``examples`` package (the notebook's own source is in
mkdocs-jupyter's key already), so a change to the code still re-executes the notebooks.
``mkdocs build`` (and therefore CI) never reads the cache.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

SERVING = "INTERVIEW_SITE_SERVING"


def on_startup(command, dirty):  # noqa: D103 - MkDocs event
    # Config (and this module's state) is reloaded on every rebuild; the environment is not.
    os.environ[SERVING] = "1" if command == "serve" else "0"


def examples_digest(root: Path) -> str:
    """Hash every Python source under ``root/examples``."""
    digest = hashlib.sha256()
    for path in sorted((root / "examples").rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def on_config(config):  # noqa: D103 - MkDocs event
    plugin = config.plugins.get("mkdocs-jupyter")
    if plugin is None:
        return config
    serving = os.environ.get(SERVING) == "1"
    plugin.config["cache"] = serving
    if serving:
        root = Path(config.config_file_path).parent
        plugin.config["cache_dir"] = str(root / ".cache" / "notebooks" / examples_digest(root))
    return config
