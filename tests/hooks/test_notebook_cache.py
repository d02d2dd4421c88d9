"""hooks/notebook_cache.py: cached notebooks while serving, fresh execution for every other command."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def hook(load_hook, monkeypatch):
    module = load_hook("notebook_cache")
    monkeypatch.delenv(module.SERVING, raising=False)
    return module


def config_with_plugin(root: Path) -> SimpleNamespace:
    plugin = SimpleNamespace(config={"cache": True, "cache_dir": ".cache/mkdocs-jupyter"})
    return SimpleNamespace(plugins={"mkdocs-jupyter": plugin}, config_file_path=str(root / "mkdocs.yml"))


def test_build_never_reads_the_cache(hook) -> None:
    hook.on_startup(command="build", dirty=False)
    config = hook.on_config(config_with_plugin(ROOT))
    assert config.plugins["mkdocs-jupyter"].config["cache"] is False


def test_serve_caches_keyed_by_the_examples_sources(hook, tmp_path) -> None:
    (tmp_path / "examples").mkdir()
    source = tmp_path / "examples" / "module.py"
    source.write_text("x = 1\n")
    hook.on_startup(command="serve", dirty=False)
    first = hook.on_config(config_with_plugin(tmp_path)).plugins["mkdocs-jupyter"].config
    assert first["cache"] is True
    source.write_text("x = 2\n")  # the code the notebooks import changed: a new cache folder
    second = hook.on_config(config_with_plugin(tmp_path)).plugins["mkdocs-jupyter"].config
    assert Path(first["cache_dir"]).parent == Path(second["cache_dir"]).parent == tmp_path / ".cache" / "notebooks"
    assert first["cache_dir"] != second["cache_dir"]
