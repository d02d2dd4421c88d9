"""pyproject.toml names the pytest plugins to load (``--disable-plugin-autoload``): all of requirements.txt."""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

REQUIREMENTS = Path(__file__).resolve().parents[1] / "requirements.txt"


def normalised(name: str) -> str:
    """A distribution's name as packaging compares names (PEP 503): ``pytest_xdist`` is ``pytest-xdist``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def required_distributions() -> set[str]:
    """The normalised names of the distributions pinned in requirements.txt."""
    names = set()
    for line in REQUIREMENTS.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", line.split("#")[0])
        if match:
            names.add(normalised(match.group(1)))
    return names


def test_every_required_pytest_plugin_is_loaded(pytestconfig) -> None:
    required = required_distributions()
    assert {"pytest-xdist", "hypothesis"} <= required, required
    plugins = {
        entry.name for dist in importlib.metadata.distributions()
        if normalised(dist.metadata["Name"]) in required
        for entry in dist.entry_points if entry.group == "pytest11"
    }
    assert {"xdist", "hypothesispytest"} <= plugins, plugins
    manager = pytestconfig.pluginmanager  # a plugin turned off for a run (-p no:xdist) is blocked, not missing
    missing = {name for name in plugins if not manager.hasplugin(name) and not manager.is_blocked(name)}
    assert not missing, f"add -p {' -p '.join(sorted(missing))} to addopts in pyproject.toml"
