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


def documentation_files(*uris: str):
    from mkdocs.structure.files import File, Files

    return Files([File(uri, "/docs", "/site", use_directory_urls=True) for uri in uris])


def test_notebook_pages_are_read_last_and_written_in_mkdocs_order(hook, monkeypatch) -> None:
    # (notebooks are .py files the plugin turns into pages; plain Markdown pages stand in for them here)
    files = documentation_files("index.md", "notebooks/a.md", "notebooks/b.md", "z.md")
    chosen = [files.get_file_from_path("notebooks/a.md")]
    monkeypatch.setattr(hook, "notebooks_to_execute", lambda plugin, files: chosen)
    monkeypatch.setattr(hook, "start_executions", lambda paths, kernel, errors: dict.fromkeys(paths))
    config = SimpleNamespace(plugins={"mkdocs-jupyter": SimpleNamespace(config={})})
    hook.on_nav(None, config, files)
    assert [f.src_uri for f in files.documentation_pages()] == ["index.md", "notebooks/b.md", "z.md", "notebooks/a.md"]
    hook.on_env(None, config, files)
    assert [f.src_uri for f in files.documentation_pages()] == ["index.md", "notebooks/a.md", "notebooks/b.md", "z.md"]


def test_the_page_gets_the_background_execution_of_the_same_cells(hook, tmp_path) -> None:
    from concurrent.futures import Future

    import nbformat
    from nbconvert.preprocessors import ExecutePreprocessor

    def notebook(output: str | None):
        cell = nbformat.v4.new_code_cell("print('hi')")
        if output is not None:
            cell.outputs, cell.execution_count = [nbformat.v4.new_output("stream", text=output)], 1
        return nbformat.v4.new_notebook(cells=[cell])

    path = str(tmp_path / "n.py")
    done = Future()
    done.set_result(notebook("hi\n"))
    hook._executions[path] = done
    original = ExecutePreprocessor.preprocess
    with hook.executed_in_background(path):
        executed, _ = ExecutePreprocessor().preprocess(notebook(None), {})
    assert ExecutePreprocessor.preprocess is original
    assert executed.cells[0].outputs[0].text == "hi\n" and executed.cells[0].execution_count == 1
    assert path not in hook._executions  # used once


def test_a_markdown_page_without_kernelspec_is_not_parsed_as_a_notebook(hook, tmp_path) -> None:
    page, notebook = tmp_path / "page.md", tmp_path / "nb.md"
    page.write_text("# Page\n")
    notebook.write_text("---\njupyter:\n  kernelspec:\n    language: python\n---\n")
    asked = []
    quick = hook.quick_should_include(lambda file: asked.append(file.abs_src_path) or True)
    assert quick(SimpleNamespace(abs_src_path=str(page))) is False
    assert quick(SimpleNamespace(abs_src_path=str(notebook))) is True
    assert asked == [str(notebook)]


def test_a_build_started_by_the_server_uses_the_cache(hook) -> None:
    hook.on_startup(command="serve", dirty=False)
    hook.on_startup(command="build", dirty=False)  # the other edition's build, a subprocess of `mkdocs serve`
    config = hook.on_config(config_with_plugin(ROOT))
    assert config.plugins["mkdocs-jupyter"].config["cache"] is True


def write_notebook(path: Path, *sources: str) -> str:
    import nbformat

    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources]), path)
    return str(path)


FIRST_DRAWS = "import torch\nprint(torch.rand(3).tolist())"
# Everything a notebook could leave behind for the next one in the same kernel.
LITTER = """
import os, sys, warnings
import matplotlib.pyplot as plt
import torch
import examples.attention
import examples.figures
examples.figures.use_svg_figures()
litter = 1
examples.attention.litter = 1
torch.manual_seed(5); torch.rand(7)
torch.set_default_dtype(torch.float64)
torch.set_grad_enabled(False)
torch.set_num_threads(3)
torch.use_deterministic_algorithms(True, warn_only=True)
plt.rcParams["lines.linewidth"] = 9
plt.figure()
sys.path.insert(0, "/litter")
os.environ["LITTER"] = "1"
os.chdir("/")
warnings.simplefilter("error")
"""
FRESH_CHECKS = """
import os, sys, warnings
import matplotlib.pyplot as plt
import torch
import examples.attention
assert "litter" not in globals() and not hasattr(examples.attention, "litter")
assert torch.get_default_dtype() is torch.float32 and torch.is_grad_enabled() and torch.get_num_threads() != 3
assert not torch.are_deterministic_algorithms_enabled() and not torch.is_deterministic_algorithms_warn_only_enabled()
assert plt.rcParams["lines.linewidth"] != 9 and plt.get_fignums() == []
from matplotlib.figure import Figure
formatters = get_ipython().display_formatter.formatters
assert Figure in formatters["image/png"].type_printers and Figure not in formatters["image/svg+xml"].type_printers
assert Figure not in formatters["text/html"].type_printers
assert "/litter" not in sys.path and "LITTER" not in os.environ and os.getcwd() != "/"
assert ("error", None, Warning, None, 0) not in warnings.filters
print(torch.rand(3).tolist())
"""


def test_notebooks_share_a_kernel_reset_to_a_new_kernels_state(hook, tmp_path) -> None:
    paths = [
        write_notebook(tmp_path / "draws.ipynb", FIRST_DRAWS),
        write_notebook(tmp_path / "litter.ipynb", LITTER, "1 + 1"),
        str(tmp_path / "unreadable.ipynb"),
        write_notebook(tmp_path / "checks.ipynb", "torch", "x = 1", FRESH_CHECKS, "x + 1"),
    ]
    Path(paths[2]).write_text("not a notebook")
    futures = hook.start_executions(paths, "python3", allow_errors=True)
    fresh_draws = futures[paths[0]].result(timeout=120).cells[0].outputs[0].text
    litter = futures[paths[1]].result(timeout=120)
    assert [cell.execution_count for cell in litter.cells] == [1, 2]
    assert litter.cells[1].outputs[0].execution_count == 2  # Out[2], as in a new kernel
    with pytest.raises(Exception):  # noqa: B017, PT011 - a notebook that fails fails alone
        futures[paths[2]].result(timeout=120)
    checks = futures[paths[3]].result(timeout=120)
    assert checks.cells[0].outputs[0].ename == "NameError"  # an earlier notebook's imports are gone
    assert checks.cells[2].outputs[0].text == fresh_draws  # torch's random state is the new kernel's again
    assert checks.cells[3].execution_count == 4 and checks.cells[3].outputs[0].data["text/plain"] == "2"
