"""hooks/page_notebooks.py: a question page as a notebook, and the link to it under the page title."""

from __future__ import annotations

import textwrap
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from tests.docs import blocks

SITE = "https://site.example/book/"
REPO = "https://github.com/owner/repo"

PAGE = textwrap.dedent(
    """\
    # Q1 · A question

    > **Question.** What is it?

    ## 30-second answer

    ??? success "30-second answer"

        It is a [pair](other.md#part); see [the code](#code).

        ```python
        assert 1 + 1 == 2
        ```

    ## Code

    ```python
    --8<-- "examples/__init__.py"
    x = 1
    ```

    Then one more line:

    <!--pytest-codeblocks:cont-->
    ```python
    print(x + 1)
    ```

    <!--pytest-codeblocks:expected-output-->
    ```text
    2
    ```

    !!! note

        A note, and a fence that is not Python:

        ```text
        not code
        ```

    ![A diagram](../assets/d.svg)
    """
)


@pytest.fixture(scope="module")
def hook(load_hook):
    return load_hook("page_notebooks")


@pytest.fixture
def docs(tmp_path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "d.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    return tmp_path


def build(hook, docs: Path, markdown: str = PAGE, **words):
    return hook.build_notebook(
        markdown, "round-1/q.md", site_url=SITE, repo_url=REPO, words={**hook.DEFAULT_WORDING, **words},
        docs_dir=docs,
    )


def test_cells_follow_the_page(hook, docs) -> None:
    notebook = build(hook, docs)
    nbformat.validate(notebook)
    kinds = [cell.cell_type for cell in notebook.cells]
    assert kinds == ["markdown", "code", "markdown", "markdown", "code", "markdown", "code", "markdown", "code",
                     "markdown"]
    setup, seed, title, short, first, code, include, between, cont, rest = notebook.cells
    assert title.source == "# Q1 · A question\n\n> **Question.** What is it?"
    assert short.source.startswith("## 30-second answer\n\n**30-second answer**\n\nIt is a [pair]")
    assert first.source == "assert 1 + 1 == 2"
    assert code.source == "## Code"
    assert between.source == "Then one more line:"
    assert cont.source == "print(x + 1)"
    assert rest.source.startswith("**Note**\n\nA note, and a fence that is not Python:\n\n```text\nnot code\n```")


def test_includes_are_expanded_as_the_tests_expand_them(hook, docs) -> None:
    include = build(hook, docs).cells[6]
    expanded = blocks.expand_snippets('--8<-- "examples/__init__.py"\nx = 1\n')
    assert include.source == expanded.rstrip("\n") and "--8<--" not in include.source
    assert include.metadata["page_line"] == 17  # the line of its opening fence


def test_checked_output_is_the_cells_output(hook, docs) -> None:
    cont = build(hook, docs).cells[8]
    assert [(o.output_type, o.name, o.text) for o in cont.outputs] == [("stream", "stdout", "2\n")]


def test_a_fence_in_a_list_item_ends_where_it_closes(hook, docs) -> None:
    page = (
        "# T\n\n- An item:\n\n    ```python\n    a = 1\n\n\n    assert a == 1\n    ```\n\n"
        "- Next item.\n\n<div class=\"judge\" data-judge=\"f\"></div>\n"
    )
    cells = build(hook, docs, page).cells
    assert [cell.source for cell in cells[2:]] == ["# T\n\n- An item:", "a = 1\nassert a == 1", "- Next item."]


def test_markers_and_front_matter_never_appear(hook, docs) -> None:
    text = "\n".join(cell.source for cell in build(hook, docs).cells)
    assert "pytest-codeblocks" not in text and "<!--" not in text and "???" not in text and "!!!" not in text


def test_links_point_to_the_site_and_images_travel_inside(hook, docs) -> None:
    cells = build(hook, docs).cells
    assert f"[pair]({SITE}round-1/other/#part)" in cells[3].source
    assert f"[the code]({SITE}round-1/q/#code)" in cells[3].source
    assert "![A diagram](attachment:d.svg)" in cells[-1].source
    assert set(cells[-1].attachments["d.svg"]) == {"image/svg+xml"}


def test_setup_cell_installs_the_repository_and_what_else_the_code_imports(hook, docs) -> None:
    setup = build(hook, docs).cells[0]
    assert setup.cell_type == "markdown"
    assert f"pip install git+{REPO}\n" in setup.source and f"({SITE}round-1/q/)" in setup.source
    assert "torch and einops" in setup.source
    with_pytest = PAGE.replace("x = 1\n", "x = 1\nimport pytest\nimport torch\nimport os\n")
    setup = build(hook, docs, with_pytest).cells[0]
    assert f"pip install git+{REPO} pytest\n" in setup.source


def test_seed_cell_seeds_torch_only_when_the_page_uses_it(hook, docs) -> None:
    assert "torch" not in build(hook, docs).cells[1].source
    seed = build(hook, docs, PAGE.replace("x = 1\n", "import torch\nx = 1\n")).cells[1].source
    assert "random.seed(0)" in seed and "torch.manual_seed(0)" in seed


def test_setup_text_follows_the_edition(hook, docs) -> None:
    setup = build(hook, docs, setup="在仓库外运行：`pip install {packages}`").cells[0]
    assert setup.source == f"在仓库外运行：`pip install git+{REPO}`"

    config = SimpleNamespace(extra={"page_notebook": {"download": "Get the notebook"}}, theme={"language": "en"})
    assert hook.wording(config)["download"] == "Get the notebook"
    assert hook.wording(config)["setup"] == hook.DEFAULT_WORDING["setup"]


@pytest.mark.parametrize(
    ("src", "theme", "language"),
    [("round-1/q.md", "en", "en"), ("zh/round-1/q.md", "en", "zh"), ("round-1/q.md", "zh", "zh"),
     ("zh.md", "en", "en")],
)
def test_a_chinese_page_gets_chinese_wording(hook, src, theme, language) -> None:
    config = SimpleNamespace(extra={}, theme={"language": theme})
    assert hook.page_language(src, config) == language
    assert hook.wording(config, language) == hook.WORDING[language]


def test_chinese_setup_cell(hook, docs) -> None:
    setup = build(hook, docs, **hook.WORDING["zh"]).cells[0].source
    assert setup.startswith("**Q1 · A question** 的 Notebook 版本") and "torch 和 einops" in setup


def test_admonitions_keep_one_line_per_line(hook) -> None:
    lines = ['!!! note', '', '    a', '    ??? tip "Inner"', '', '        b', '    c', 'd', '=== "Tab"', '    e']
    assert hook.dedent_admonitions(lines) == [
        "**Note**", "", "a", "**Inner**", "", "b", "c", "d", "**Tab**\n", "e"
    ]


def test_an_admonition_title_is_a_paragraph_and_heading_attributes_go(hook, docs) -> None:
    page = '# T\n\n## Why { #why }\n\n??? note "Title"\n    Body right under the title.\n'
    cells = build(hook, docs, page).cells
    assert [cell.source for cell in cells[1:]] == ["# T", "## Why\n\n**Title**\n\nBody right under the title."]


@pytest.mark.parametrize(
    ("src", "question"),
    [("round-1/r1-09-lora.md", True), ("zh/round-2/r2-04-x.md", True), ("interview.md", False),
     ("round-1/extra/x.md", False), ("reference/round-1.md", False)],
)
def test_question_pages_of_any_edition(hook, src, question) -> None:
    assert hook.is_question_page(src) is question


def test_names_and_urls(hook) -> None:
    assert hook.notebook_name("round-2/r2-04-multi-head-attention.md") == "r2-04-multi-head-attention.ipynb"
    assert hook.page_url("round-1/x.md") == "round-1/x/"
    assert hook.page_url("index.md") == "" and hook.page_url("zh/index.md") == "zh/"
    assert hook.page_url("round-1/x.md", use_directory_urls=False) == "round-1/x.html"


def test_link_goes_under_the_title(hook) -> None:
    link = hook.download_link("q.ipynb", "Download <as> notebook")
    assert 'href="q.ipynb" download' in link and "Download &lt;as&gt; notebook" in link
    assert "data-search-exclude" in link
    assert hook.add_link("<h1>T</h1><p>x</p>", link) == f"<h1>T</h1>{link}<p>x</p>"
    assert hook.add_link("<p>x</p>", link) == f"{link}<p>x</p>"


def fake_build(docs: Path, src_uri: str = "round-1/q.md"):
    """The page, config and files objects the MkDocs events receive, reduced to what the hook reads."""
    page = SimpleNamespace(file=SimpleNamespace(src_uri=src_uri, dest_uri=src_uri[:-3] + "/index.html"))
    config = SimpleNamespace(
        site_url=SITE, repo_url=REPO, extra={}, docs_dir=str(docs), theme={"language": "en"},
        site_dir=str(docs / "site"),
    )
    files = SimpleNamespace(get_file_from_path=lambda path: None)
    return page, config, files


def test_events_write_the_notebook_next_to_the_page(hook, docs) -> None:
    page, config, files = fake_build(docs)
    assert hook.on_page_markdown(PAGE, page, config, files) == PAGE
    html = hook.on_page_content("<h1>Q1</h1><h2>A</h2>", page, config, files)
    assert html.startswith('<h1>Q1</h1><p class="page-notebook"') and "Download as notebook" in html
    hook.on_post_page("<html></html>", page, config)
    written = nbformat.read(docs / "site" / "round-1" / "q" / "q.ipynb", as_version=4)
    nbformat.validate(written)

    other, _, _ = fake_build(docs, "interview.md")
    assert hook.on_page_markdown(PAGE, other, config, files) == PAGE
    assert hook.on_page_content("<h1>I</h1>", other, config, files) == "<h1>I</h1>"


def test_serving_reuses_an_unchanged_page(hook, docs, monkeypatch) -> None:
    page, config, files = fake_build(docs)
    monkeypatch.setattr(hook, "CACHE", docs / "cache")
    monkeypatch.setenv(hook.SERVING, "1")
    first = hook.notebook_json(PAGE, page, config, files)
    monkeypatch.setattr(hook, "build_notebook", lambda *args, **kwargs: pytest.fail("regenerated"))
    assert hook.notebook_json(PAGE, page, config, files) == first
    changed = PAGE.replace("What is it?", "What is it now?")
    with pytest.raises(pytest.fail.Exception, match="regenerated"):
        hook.notebook_json(changed, page, config, files)


def test_building_never_reads_the_cache(hook, docs, monkeypatch) -> None:
    page, config, files = fake_build(docs)
    monkeypatch.setattr(hook, "CACHE", docs / "cache")
    monkeypatch.setenv(hook.SERVING, "0")
    hook.notebook_json(PAGE, page, config, files)
    assert not (docs / "cache").exists()
