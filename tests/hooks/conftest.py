"""Load MkDocs hook modules (hooks/*.py are files, not a package) for unit tests."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

HOOKS = Path(__file__).resolve().parents[2] / "hooks"


@pytest.fixture(scope="module")
def load_hook():
    """Import ``hooks/<name>.py`` as a module."""

    def load(name: str):
        spec = importlib.util.spec_from_file_location(f"hook_{name}", HOOKS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return load
