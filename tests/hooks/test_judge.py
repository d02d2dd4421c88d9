"""hooks/judge.py: the "Try it yourself" panel markup, its wording per language, and the Python files it ships."""

from __future__ import annotations

import html
import json
import re
from types import SimpleNamespace

import pytest

from examples.algorithms.judge_cases import PROBLEMS, seed_code


@pytest.fixture(scope="module")
def hook(load_hook):
    return load_hook("judge")


def config(language: str = "en", extra: dict | None = None, site_dir: str = "") -> SimpleNamespace:
    return SimpleNamespace(theme={"language": language}, extra=extra or {}, site_dir=site_dir)


def page(url: str = "round-2/r2-05-maximum-subarray/", question: str = "R2-5") -> SimpleNamespace:
    return SimpleNamespace(url=url, meta={"question_id": question}, file=SimpleNamespace(src_uri="x.md"))


def test_every_language_has_every_message(hook) -> None:
    english = hook.WORDING["en"]
    for language, words in hook.WORDING.items():
        assert words.keys() == english.keys(), language
        assert words["notes"].keys() == english["notes"].keys(), language
        for key, text in words.items():
            if isinstance(text, str):  # the same placeholders in every language
                assert set(re.findall(r"\{\w+\}", text)) == set(re.findall(r"\{\w+\}", english[key])), (language, key)


def test_every_edge_case_note_has_words(hook) -> None:
    notes = {note for problem in PROBLEMS.values() for note, _ in problem.edges}
    assert notes <= hook.WORDING["en"]["notes"].keys()


def test_wording_follows_the_theme_language_and_extra(hook) -> None:
    assert hook.wording(config("zh"))["run"] == "运行测试"
    assert hook.wording(config("fr"))["run"] == "Run tests"  # no table: English
    assert hook.wording(config("en", {"judge": {"run": "Check"}}))["run"] == "Check"


def test_a_marker_becomes_an_accessible_panel(hook) -> None:
    content = '<blockquote>Q</blockquote>\n<div class="judge" data-judge="max_subarray"></div>\n<h2>A</h2>'
    out = hook.on_page_content(content, page(), config(), None)
    assert 'class="judge" data-judge="max_subarray" data-question="R2-5"' in out
    assert "<summary>Try it yourself: <code>max_subarray</code></summary>" in out
    label = re.search(r'<label class="judge-label" for="([^"]+)">', out).group(1)
    box = re.search(r'<textarea class="judge-code" id="([^"]+)"[^>]*>(.*?)</textarea>', out, re.S)
    assert box.group(1) == label
    assert html.unescape(box.group(2)) == seed_code("max_subarray")
    assert '<button type="button" class="md-button md-button--primary judge-run">Run tests</button>' in out
    assert '<div class="judge-result" role="status" aria-live="polite"></div>' in out
    assert out.index("</details>") < out.index("<h2>")  # the panel stays where the page put it
    words = re.search(r'<script type="application/json" id="judge-words" data-script="([^"]+)">(.*?)</script>', out)
    assert json.loads(words.group(2)) == hook.wording(config())
    assert words.group(1) == "../../assets/javascripts/judge.js"
    assert '<script type="module">' in out  # deferred: the page is never held up by it
    assert "<script src" not in out  # no file is loaded before Run


def test_a_chinese_page_gets_chinese_panels(hook) -> None:
    out = hook.on_page_content('<div class="judge" data-judge="max_subarray"></div>', page(), config("zh"), None)
    assert "<summary>自己动手：<code>max_subarray</code></summary>" in out and ">运行测试</button>" in out
    assert '"run": "运行测试"' in out  # the messages of the script too


def test_a_page_without_marker_is_left_alone(hook) -> None:
    assert hook.on_page_content("<p>x</p>", page(), config(), None) == "<p>x</p>"


def test_an_unknown_problem_fails_the_build(hook) -> None:
    with pytest.raises(ValueError, match="unknown problem 'max_product'"):
        hook.on_page_content('<div class="judge" data-judge="max_product"></div>', page(), config(), None)


def test_the_loader_cannot_close_its_script_tag(hook) -> None:
    out = hook.page_assets("a/", {"title": "</script><b>"})
    assert out.count("</script>") == 2


def test_the_python_package_is_shipped_as_it_is(hook, tmp_path) -> None:
    hook.on_post_build(config(site_dir=str(tmp_path)))
    target = tmp_path / hook.TARGET
    files = json.loads((target / "files.json").read_text(encoding="utf-8"))
    assert "examples/__init__.py" in files and "examples/algorithms/judge_cases.py" in files
    for path in files:
        assert (target / path).read_bytes() == (hook.ROOT / path).read_bytes()
    assert not list(target.rglob("__pycache__"))
