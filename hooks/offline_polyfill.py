"""MkDocs hook: serve the iframe-worker shim of the offline build from the site itself.

Material's offline plugin (enabled by ``make offline``) makes search work from ``file://`` with the
iframe-worker shim, which it loads from unpkg.com unless ``extra.polyfills`` already names a copy. This hook
names the copy that ``scripts/fetch_assets.sh`` vendors, so the offline site makes no request to
any other origin. Normal builds are left alone (the shim only matters on ``file://``).
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

SHIM = "assets/vendor/iframe-worker/shim.js"


def offline_enabled(config) -> bool:
    """Whether Material's offline plugin is configured and enabled."""
    for name in ("material/offline", "offline"):
        plugin = config.plugins.get(name)
        if plugin is not None:
            return bool(plugin.config.enabled)
    return False


@event_priority(100)  # before the offline plugin adds its CDN default
def on_config(config):  # noqa: D103 - MkDocs event
    if not offline_enabled(config):
        return config
    if not (Path(config.docs_dir) / SHIM).is_file():
        raise PluginError(f"docs/{SHIM} is missing: run scripts/fetch_assets.sh (make assets)")
    polyfills = [url for url in config.extra.get("polyfills", []) if "iframe-worker" not in str(url)]
    config.extra["polyfills"] = [*polyfills, SHIM]
    return config
