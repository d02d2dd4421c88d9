"""MkDocs hook: execute the notebooks side by side while the rest of the site builds; cache them while serving.

mkdocs-jupyter executes each notebook when MkDocs renders its page, one after another, each in a newly
started kernel, while the build waits. This hook starts every notebook the plugin would execute as soon as the
files are known (``on_nav``), one after another in one kernel in a background thread (put back to a new
kernel's state between notebooks: :func:`start_executions`), and moves the notebook pages to the end of the files' reading order so the
Markdown pages are read and rendered meanwhile; the original order is put back before pages are written
(``on_env``), so the built site is the same. When a notebook page is rendered, mkdocs-jupyter converts it as
before, but its ``ExecutePreprocessor`` hands back the notebook executed in the background (same cells, checked)
instead of starting a kernel. A notebook that failed in the background is executed again by the plugin itself,
which stops the build with the usual error.

Executed notebooks are cached only while serving (``mkdocs serve`` rebuilds the whole site on every edit): the
plugin's cache is turned on and keyed by the sources of the ``examples`` package (the notebook's own source is
in the plugin's key already), one folder per edition (config file), so a second edition does not evict the
first one's entries, and the other edition's build that the server starts uses it too. ``mkdocs build`` (and
therefore CI) never reads the cache and executes every notebook.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import functools
import hashlib
import os
import threading
from concurrent.futures import Future
from pathlib import Path

SERVING = "INTERVIEW_SITE_SERVING"

_executions: dict[str, Future] = {}  # notebook path -> Future of its executed NotebookNode
_moved: list[str] = []  # src_uris of the documentation files, in MkDocs' order, when notebook pages were moved


def on_startup(command, dirty):  # noqa: D103 - MkDocs event
    # The environment outlives a rebuild, and a build that `mkdocs serve` starts in a subprocess (the other
    # edition's, hooks/editions.py) inherits it: that build serves too, and uses the caches.
    if os.environ.get(SERVING) != "1":
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
        edition = Path(config.config_file_path).stem  # mkdocs.yml -> "mkdocs"; an edition's own config elsewise
        plugin.config["cache_dir"] = str(root / ".cache" / "notebooks" / f"{edition}-{examples_digest(root)}")
    if hasattr(plugin, "should_include") and not getattr(plugin.should_include, "quick", False):
        plugin.should_include = quick_should_include(plugin.should_include)
    return config


def quick_should_include(should_include):
    """``should_include`` that answers no at once for a Markdown file without a kernelspec.

    mkdocs-jupyter parses every ``.md`` file with jupytext (several times per build) to find a kernelspec in its
    front matter; a file whose text never mentions ``kernelspec`` cannot have one.
    """

    def quick(file) -> bool:
        path = getattr(file, "abs_src_path", None)
        if path and str(path).endswith(".md"):
            with contextlib.suppress(OSError):
                if not mentions_kernelspec(str(path), os.stat(path).st_mtime_ns):
                    return False
        return should_include(file)

    quick.quick = True
    return quick


@functools.lru_cache(maxsize=1024)
def mentions_kernelspec(path: str, mtime_ns: int) -> bool:
    """Whether the file at ``path`` (as of ``mtime_ns``) has the word ``kernelspec``."""
    return b"kernelspec" in Path(path).read_bytes()


def notebooks_to_execute(plugin, files) -> list:
    """The files mkdocs-jupyter will render by executing them (not served from its cache)."""
    if not plugin.config.get("execute"):
        return []
    chosen = []
    for file in files.documentation_pages():
        if not plugin.should_include(file):
            continue
        path = Path(file.abs_src_path)
        if any(path.match(pattern) for pattern in plugin.config.get("execute_ignore") or []):
            continue
        if plugin.config.get("cache") and cached(plugin, path):
            continue
        chosen.append(file)
    return chosen


def cached(plugin, path: Path) -> bool:
    """Whether mkdocs-jupyter's own cache already holds this notebook (serving only)."""
    try:
        from mkdocs_jupyter.plugin import _compute_cache_key, _get_cache_path

        return _get_cache_path(plugin.config["cache_dir"], _compute_cache_key(str(path), plugin.config, True)).exists()
    except Exception:  # noqa: BLE001 - a private helper changed: execute it, as without a cache
        return False


def read_notebook(path: str):
    """The notebook mkdocs-jupyter converts for ``path``: jupytext's reading, through ipynb and nbformat."""
    import io

    import jupytext
    import nbformat

    if path.endswith((".py", ".md")):
        return nbformat.read(io.StringIO(jupytext.writes(jupytext.read(path), fmt="ipynb")), as_version=4)
    return nbformat.read(path, as_version=4)


# Run in the kernel before its first notebook: what a newly started kernel looks like, kept in a module of its
# own (not in the notebooks' namespace), with the modules every notebook imports loaded once. Their objects are
# then frozen (gc.freeze): the reset between notebooks (%reset collects garbage twice) took 0.22 s instead of 0.01 s
# when each collection walked torch's and matplotlib's objects.
BASELINE = """
def _baseline():
    import copy, os, random, sys, types, warnings
    import matplotlib, matplotlib.pyplot, torch
    from matplotlib_inline.config import InlineBackend
    state = types.ModuleType("_interview_site_fresh_kernel")
    state.__dict__.update(
        cwd=os.getcwd(), path=list(sys.path), environ=dict(os.environ), filters=list(warnings.filters),
        rc=copy.deepcopy(dict(matplotlib.rcParams)), random=random.getstate(), torch_rng=torch.get_rng_state(),
        threads=torch.get_num_threads(), dtype=torch.get_default_dtype(), modules=set(sys.modules),
        figure_formats=set(InlineBackend.instance(parent=get_ipython()).figure_formats),
    )
    sys.modules[state.__name__] = state
    import gc
    gc.freeze()  # what the kernel holds now lives as long as it: kept out of every later garbage collection
_baseline()
del _baseline
"""
# Run between two notebooks: the namespace, history and execution count, figures and how they are displayed,
# rc settings, random states,
# torch's global settings, working directory, sys.path, environment, warning filters and the site's own
# modules as a new kernel has them. Leaves no name behind.
FRESH = """
get_ipython().run_line_magic("reset", "-f")
get_ipython().execution_count = 1
def _fresh():
    import os, random, sys, warnings
    import matplotlib, matplotlib.pyplot, torch
    from IPython.core.pylabtools import select_figure_formats
    from matplotlib.figure import Figure
    from matplotlib_inline.config import InlineBackend
    state = sys.modules["_interview_site_fresh_kernel"]
    matplotlib.pyplot.close("all")
    shell, backend = get_ipython(), InlineBackend.instance(parent=get_ipython())
    backend.figure_formats = set(state.figure_formats)  # how figures are displayed (PNG in a new kernel)
    select_figure_formats(shell, state.figure_formats, **backend.print_figure_kwargs)
    shell.display_formatter.formatters["text/html"].pop(Figure, None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        matplotlib.rcParams.update(state.rc)
    random.setstate(state.random)
    torch.set_rng_state(state.torch_rng)
    torch.set_num_threads(state.threads)
    torch.set_default_dtype(state.dtype)
    torch.set_grad_enabled(True)
    if torch.are_deterministic_algorithms_enabled() or torch.is_deterministic_algorithms_warn_only_enabled():
        torch.use_deterministic_algorithms(False)  # only when set: the call imports about 800 modules (1 s)
    os.chdir(state.cwd)
    sys.path[:] = state.path
    os.environ.clear()
    os.environ.update(state.environ)
    warnings.filters[:] = state.filters
    for name in [m for m in sys.modules if m not in state.modules]:
        if name.split(".")[0] in ("examples", "benchmarks"):  # the site's own code: imported afresh
            del sys.modules[name]
    import gc
    gc.freeze()  # what outlived the reset's collections: left out of the next ones, as in the baseline
_fresh()
del _fresh
"""


async def run_quietly(client, code: str) -> None:
    """Run ``code`` in the client's kernel, outside the notebook (no output, no history); raise if it fails."""
    message = client.kc.execute(code, silent=True, store_history=False)
    reply = await client.async_wait_for_reply(message)
    if reply is None or reply["content"]["status"] != "ok":
        content = reply["content"] if reply else {}
        raise RuntimeError(f"resetting the notebook kernel failed: {content.get('ename')}: {content.get('evalue')}")


def start_executions(
    paths: list[str], kernel_name: str, allow_errors: bool, **kernel_options
) -> dict[str, Future]:
    """Execute the notebooks at ``paths`` one after another in one kernel, in a background thread.

    Starting a kernel and importing torch and matplotlib in it costs about 2 s of CPU, more than most notebooks'
    own cells; a build pays it once per edition. Before each notebook but the first, the kernel is put back to
    how a new one starts (:data:`FRESH`): a notebook that uses a name, seed or setting it did not make itself
    fails (or differs) as it would for a reader. tests/hooks/test_notebook_cache.py checks each reset item.
    ``kernel_options`` go to the kernel manager's ``start_kernel`` (e.g. ``cwd``, ``env``).
    """
    futures = {path: Future() for path in paths}

    async def execute_all() -> None:
        from nbclient import NotebookClient

        kernel = NotebookClient(nbformat_empty(), kernel_name=kernel_name)
        kernel.km = kernel.create_kernel_manager()
        try:
            await kernel.async_start_new_kernel(**kernel_options)
            await kernel.async_start_new_kernel_client()
            await run_quietly(kernel, BASELINE)
            for number, path in enumerate(paths):
                try:
                    if number:
                        await run_quietly(kernel, FRESH)
                    notebook = read_notebook(path)
                    client = NotebookClient(
                        notebook, km=kernel.km, kernel_name=kernel_name, allow_errors=allow_errors,
                        store_widget_state=True,
                    )
                    client.kc = kernel.kc
                    await client.async_execute()
                    atexit.unregister(client._cleanup_kernel)
                    futures[path].set_result(number_results(notebook))
                except BaseException as error:  # noqa: BLE001 - reported when the page is rendered
                    futures[path].set_exception(error)
        except BaseException as error:  # noqa: BLE001 - the kernel did not start: each page reports it
            for future in futures.values():
                if not future.done():
                    future.set_exception(error)
        finally:
            await kernel._async_cleanup_kernel()

    threading.Thread(target=asyncio.run, args=(execute_all(),), name="notebooks", daemon=True).start()
    return futures


def nbformat_empty():
    """An empty notebook (the kernel's own client needs one)."""
    import nbformat

    return nbformat.v4.new_notebook()


def number_results(notebook):
    """The notebook with each result's ``Out[n]`` number equal to its cell's ``In[n]``, as in a new kernel."""
    for cell in notebook.cells:
        for output in cell.get("outputs", ()):
            if output.get("output_type") == "execute_result":
                output["execution_count"] = cell.execution_count
    return notebook


def on_nav(nav, config, files):  # noqa: D103 - MkDocs event (every hook's on_files has run: all files known)
    _executions.clear()
    _moved.clear()
    plugin = config.plugins.get("mkdocs-jupyter")
    if plugin is None:
        return nav
    chosen = notebooks_to_execute(plugin, files)
    if not chosen:
        return nav
    _executions.update(
        start_executions(
            [file.abs_src_path for file in chosen],
            plugin.config.get("kernel_name") or "",
            bool(plugin.config.get("allow_errors")),
        )
    )
    # Read the notebook pages last, so the other pages are rendered while the kernels work.
    _moved.extend(file.src_uri for file in files.documentation_pages())
    for file in chosen:
        files.remove(file)
        files.append(file)
    return nav


def on_env(env, config, files):  # noqa: D103 - MkDocs event
    if _moved:  # put the files back in MkDocs' order: pages are written, and indexed, as without this hook
        by_uri = {file.src_uri: file for file in files.documentation_pages()}
        for src_uri in _moved:
            if src_uri in by_uri:
                files.remove(by_uri[src_uri])
                files.append(by_uri[src_uri])
        _moved.clear()
    return env


@contextlib.contextmanager
def executed_in_background(path: str):
    """While rendering ``path``, nbconvert's ExecutePreprocessor returns the background execution's outputs."""
    from nbconvert.preprocessors import ExecutePreprocessor

    future = _executions.pop(path, None)
    executed = None
    if future is not None:
        with contextlib.suppress(Exception):  # failed: the plugin executes it again and reports the error
            executed = future.result()
    if executed is None:
        yield
        return
    original = ExecutePreprocessor.preprocess

    def preprocess(self, nb, resources=None, km=None):
        if [cell.source for cell in nb.cells] != [cell.source for cell in executed.cells]:
            return original(self, nb, resources, km)
        for cell, done in zip(nb.cells, executed.cells):
            cell.metadata = done.metadata
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = done.outputs, done.execution_count
        nb.metadata = executed.metadata
        return nb, resources

    ExecutePreprocessor.preprocess = preprocess
    try:
        yield
    finally:
        ExecutePreprocessor.preprocess = original


def on_pre_page(page, config, files):  # noqa: D103 - MkDocs event (after mkdocs-jupyter's, which sets render)
    path = page.file.abs_src_path
    if path not in _executions:
        return page
    render = page.render

    def render_with_background_result(config, files):
        with executed_in_background(path):
            render(config, files)

    page.render = render_with_background_result
    return page
