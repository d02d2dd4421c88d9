"""Every question page's notebook (hooks/page_notebooks.py) runs top to bottom as in a new kernel.

The notebooks are generated directly by the hook's functions (no site build), written to files and executed by the
build's own runner (hooks/notebook_cache.py ``start_executions``): one kernel, started in an empty working directory
outside the repository, running the notebooks one after another in page order. (A second kernel for half of them cut
this module's time run alone from about 14 to 12 s, for about 4 CPU-s more, 17.5 instead of 13.5; in the whole suite
both cores are busy with the site's build and the other pytest-xdist worker meanwhile, so CPU counts, not the wait.)
Before each notebook but the first, the kernel is put back to a new kernel's state (namespace, execution counts,
figures, rc settings, random states, torch's settings, working directory, sys.path, environment, warning filters,
the site's own modules; tests/hooks/test_notebook_cache.py checks each), so a notebook that relies on something it
did not make itself fails as it would for a reader. Starting a kernel and importing torch and matplotlib in it costs
about 2.4 s of CPU, more than most notebooks' own cells: paid once instead of once per notebook. A cell that fails
is recorded and the notebook's test names it; a cell whose output the page checks (``expected-output``) must print
exactly that again. The last test checks the built site: every question page links its notebook under its title, and
the file is valid nbformat.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import posixpath
import re
from concurrent.futures import Future, wait
from pathlib import Path

import nbformat
import pytest

from tests.docs import blocks
from tests.docs.test_build import built_path

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def load_hook(name: str):
    """hooks/<name>.py as a module (hooks are files, not a package)."""
    path = blocks.ROOT / "hooks" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"{name}_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HOOK = load_hook("page_notebooks")
RUNNER = load_hook("notebook_cache")
QUESTION_PAGES = [page for page in blocks.pages() if HOOK.is_question_page(page.relative_to(blocks.DOCS).as_posix())]


def source(page: Path) -> str:
    """The page's path relative to the docs directory."""
    return page.relative_to(blocks.DOCS).as_posix()


@functools.cache
def rendered(page: Path) -> str:
    """The page's Markdown as the hook receives it in the build."""
    return HOOK.render_page(page)


@functools.cache
def generate(page: Path):
    """The page's notebook, as the build generates it (links point to a placeholder site); do not modify it."""
    return HOOK.build_notebook(
        rendered(page), source(page), site_url="https://site.invalid/", repo_url="https://repo.invalid/x",
        words=HOOK.DEFAULT_WORDING, docs_dir=blocks.DOCS,
    )


def printed_by_block(cells: list, index: int, continued: set[int]) -> str:
    """What cell ``index`` and the cells its block continues (``cont`` markers) printed: what the page checks."""
    code = [i for i in range(index + 1) if cells[i].cell_type == "code"]
    start = len(code) - 1
    while start > 0 and cells[code[start]].metadata.get("page_line") in continued:
        start -= 1
    return "".join(
        output.text for i in code[start:] for output in cells[i].outputs
        if output.output_type == "stream" and output.name == "stdout"
    )


def cell_name(notebook_name: str, index: int, cell, page: Path) -> str:
    """A failing cell, named by its notebook, its index and the page line of its block."""
    line = cell.metadata.get("page_line")
    where = f" (the block at {blocks.relative(page)}:{line})" if line else ""
    return f"{notebook_name}, cell {index}{where}"


ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+>")  # an object shown as its repr with a memory address


def problem(page: Path, notebook) -> str | None:
    """A description of the first problem of the page's executed ``notebook``, or None."""
    name = HOOK.notebook_name(source(page))
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            shown = output.get("data", {}).get("text/plain", "") if output.output_type == "execute_result" else ""
            if ADDRESS.search(shown):
                return f"{cell_name(name, index, cell, page)} shows {shown!r}: a value a reader has no use for"
            if output.output_type == "error":
                trace = ANSI.sub("", "\n".join(output.traceback))
                return (
                    f"{cell_name(name, index, cell, page)} raised {output.ename}: {output.evalue}\n"
                    f"--- cell ---\n{cell.source}\n--- traceback ---\n{trace}"
                )
    expected = {
        index: cell.outputs[0].text for index, cell in enumerate(generate(page).cells)
        if cell.cell_type == "code" and cell.outputs
    }
    continued = blocks.continuation_lines(rendered(page))
    for index, text in expected.items():
        cell = notebook.cells[index]
        printed = printed_by_block(notebook.cells, index, continued)
        if cell.metadata.get("expected_output_ignore_whitespace"):
            printed, text = re.sub(r"\s+", "", printed), re.sub(r"\s+", "", text)
        if printed != text:
            return f"{cell_name(name, index, cell, page)} printed\n{printed}\ninstead of the page's\n{text}"
    return None


@pytest.fixture(scope="module")
def executions(request, tmp_path_factory):
    """The selected pages' notebooks, generated here, then run in the kernel while the tests wait."""
    selected = [
        item.callspec.params["page"] for item in request.session.items
        if getattr(item, "originalname", "") == "test_notebook_runs_top_to_bottom"
    ]
    files, futures = tmp_path_factory.mktemp("page-notebooks"), {}
    paths = {}
    for number, page in enumerate(selected):
        try:
            notebook = generate(page)
        except Exception as error:  # the page's own test reports it
            futures[page] = Future()
            futures[page].set_exception(error)
            continue
        paths[page] = files / f"{number:02d}-{HOOK.notebook_name(source(page))}"
        nbformat.write(notebook, paths[page])
    # The kernel imports this checkout's `examples` (as after `pip install` of it), from an empty directory;
    # one thread, as tests/conftest.py sets for torch in the test process.
    python_path = os.pathsep.join(filter(None, [str(blocks.ROOT), os.environ.get("PYTHONPATH")]))
    env = dict(os.environ, PYTHONPATH=python_path, OMP_NUM_THREADS="1")
    started = RUNNER.start_executions(
        [str(file) for file in paths.values()], "python3", allow_errors=True,
        cwd=str(tmp_path_factory.mktemp("page-notebook-cwd")), env=env,
    )
    futures.update({page: started[str(file)] for page, file in paths.items()})
    try:
        yield futures
    finally:
        wait(futures.values())  # the kernel is done when the module is


@pytest.mark.xdist_group("page-notebooks")  # one worker runs the kernel for every page (executions)
@pytest.mark.parametrize("page", QUESTION_PAGES, ids=blocks.relative)
def test_notebook_runs_top_to_bottom(executions: dict[Path, Future], page: Path) -> None:
    found = problem(page, executions[page].result(timeout=900))
    assert found is None, found


@pytest.mark.parametrize("page", QUESTION_PAGES, ids=blocks.relative)
def test_notebook_code_is_the_tested_code(page: Path) -> None:
    """The code cells are exactly the blocks tests/docs/test_pages.py runs, includes expanded, in page order."""
    notebook = generate(page)
    cells = [cell.source for cell in notebook.cells if cell.cell_type == "code"][1:]  # after the seed cell
    tested = [blocks.expand_snippets(block.code) for block in blocks.python_blocks(page)]
    assert "\n".join(cells).split() == "".join(tested).split(), f"{blocks.relative(page)}: notebook != tested blocks"
    assert notebook.cells[0].cell_type == "markdown" and "pip install" in notebook.cells[0].source
    assert notebook.cells[2].source.startswith("# "), "the page (front matter dropped) starts with its title"
    markdown = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    for cell in notebook.cells:
        fences = [line for line in cell.source.splitlines() if blocks.FENCE.match(line)]
        assert cell.cell_type == "code" or len(fences) % 2 == 0, f"a fence cut in two:\n{cell.source}"
    assert "--8<--" not in markdown and "pytest-codeblocks" not in markdown and "{{" not in markdown


def test_every_question_page_links_its_notebook(built_site) -> None:
    assert QUESTION_PAGES, "no question pages found: is the pattern of hooks/page_notebooks.py wrong?"
    for page in QUESTION_PAGES:
        built = built_path(source(page))
        name = HOOK.notebook_name(source(page))
        html = (built_site.directory / built).read_text(encoding="utf-8")
        link = html.find(f'<a class="md-button" href="{name}" download')
        assert link != -1, f"{blocks.relative(page)}: no download link to {name}"
        title, practice = html.find("</h1>"), html.find('class="practice-bar"')
        assert title < link and (practice == -1 or link < practice), f"{built}: the link is not under the title"
        notebook = nbformat.read(built_site.directory / posixpath.dirname(built) / name, as_version=4)
        nbformat.validate(notebook)
        assert sum(cell.cell_type == "code" for cell in notebook.cells) == 1 + len(
            blocks.python_fences(page.read_text(encoding="utf-8"), blocks.relative(page))
        ), f"{name}: one code cell per Python block of the page, after the seed cell"


def test_checked_output_counts_what_the_blocks_continued_printed() -> None:
    """A page checks what a block and the blocks it continues printed together; so does the notebook test."""
    new = nbformat.v4
    cells = [new.new_code_cell("a"), new.new_markdown_cell("m"), new.new_code_cell("b"), new.new_code_cell("c")]
    for index, line in ((0, 1), (2, 5), (3, 9)):
        cells[index].metadata["page_line"] = line
        cells[index].outputs = [new.new_output("stream", name="stdout", text=f"{index}\n")]
    assert printed_by_block(cells, 3, continued={9}) == "2\n3\n"
    assert printed_by_block(cells, 3, continued={5, 9}) == "0\n2\n3\n"
    assert printed_by_block(cells, 3, continued=set()) == "3\n"
