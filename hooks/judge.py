"""MkDocs hook: "Try it yourself" panels that judge a reader's solution in the browser.

A page asks for a panel with a marker of its own, placed where the panel belongs (before the first ``##``, so
that practice mode, which hides everything from there on, leaves the panels visible)::

    <div class="judge" data-judge="max_subarray_sum"></div>

``data-judge`` names a problem of ``examples/algorithms/judge_cases.py``. The hook replaces the marker with the
panel: a labelled code box seeded with the function's signature and docstring, a "Run tests" button, a reset
button and a live region for the results. Once per page it adds the panel wording (a JSON block) and a small
inline module script (``assets/javascripts/judge-loader.js``; deferred, so it never holds up the page) that restores and keeps the reader's code in local storage
and, on the first Run, loads ``assets/javascripts/judge.js``. Only then does the browser fetch Pyodide
(``assets/vendor/pyodide/``, vendored by scripts/fetch_assets.sh) and the Python files of ``examples/algorithms``,
which ``on_post_build`` copies into ``assets/judge/`` as they are, with a list of them (``files.json``).

The wording comes from ``WORDING`` for the theme language (``theme.language``: a Chinese edition gets the ``zh``
table), with ``extra.judge`` in mkdocs.yml over it.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

from mkdocs.utils import get_relative_url

from examples.algorithms.judge_cases import PROBLEMS, seed_code

ROOT = Path(__file__).resolve().parents[1]
LOADER = ROOT / "docs" / "assets" / "javascripts" / "judge-loader.js"
MARKER = re.compile(r'<div class="judge" data-judge="([a-z_]+)">\s*</div>')
SHIPPED = ("examples/__init__.py", "examples/algorithms/*.py")  # what the browser imports, as it is in the repository
TARGET = "assets/judge"
TIME_LIMIT_MS = 4000

WORDING: dict[str, dict[str, object]] = {
    "en": {
        "title": "Try it yourself: {name}",
        "label": "Your solution in Python (Tab indents; press Esc, then Tab, to leave the box)",
        "run": "Run tests",
        "reset": "Reset",
        "loading": "Starting Python in your browser (about 6 MB, downloaded once)…",
        "running": "Running the tests…",
        "all_passed": "All {total} cases passed.",
        "some_failed": "{passed} of {total} cases passed.",
        "first_failure": "First failing case: {case}",
        "input": "Input",
        "expected": "Expected",
        "expected_raises": "raises {error}",
        "got": "Your function returned",
        "raised": "Your function raised",
        "cases": "Each case",
        "random_summary": "Random cases: {passed} of {total} passed",
        "output": "Printed output",
        "timeout": "Stopped after {seconds} s: your function did not return (input: {input}). "
                   "Python has been restarted; look for a loop that never ends.",
        "syntax_error": "Your code does not compile:",
        "load_error": "Your code raised an exception when it was run:",
        "no_function": "Your code defines no function named {name}.",
        "start_failed": "Python could not be started here: {error}",
        "passed": "passed",
        "failed": "failed",
        "groups": {"example": "worked example {note}", "edge": "edge case: {note}", "random": "random case {note}"},
        "notes": {
            "all_negative": "every number negative",
            "bound_inclusive": "a sum equal to the bound",
            "empty": "empty input",
            "negative_bound": "a negative bound",
            "negatives": "negative numbers",
            "none_fits": "no subarray qualifies",
            "s_zero": "s = 0",
            "single": "one element",
            "ties": "two maximum subarrays",
            "whole_array": "the whole array",
            "zeros": "zeros",
        },
    },
    "zh": {
        "title": "自己动手：{name}",
        "label": "你的 Python 解答（Tab 缩进；先按 Esc 再按 Tab 离开输入框）",
        "run": "运行测试",
        "reset": "重置",
        "loading": "正在浏览器中启动 Python（约 6 MB，只需下载一次）…",
        "running": "正在运行测试…",
        "all_passed": "全部 {total} 个用例通过。",
        "some_failed": "{total} 个用例中通过 {passed} 个。",
        "first_failure": "第一个未通过的用例：{case}",
        "input": "输入",
        "expected": "期望",
        "expected_raises": "抛出 {error}",
        "got": "你的函数返回",
        "raised": "你的函数抛出",
        "cases": "各用例结果",
        "random_summary": "随机用例：{total} 个中通过 {passed} 个",
        "output": "打印输出",
        "timeout": "{seconds} 秒后已停止：你的函数没有返回（输入：{input}）。Python 已重启；请检查是否有不会结束的循环。",
        "syntax_error": "代码无法编译：",
        "load_error": "代码运行时抛出异常：",
        "no_function": "代码中没有名为 {name} 的函数。",
        "start_failed": "无法在此启动 Python：{error}",
        "passed": "通过",
        "failed": "未通过",
        "groups": {"example": "示例 {note}", "edge": "边界情况：{note}", "random": "随机用例 {note}"},
        "notes": {
            "all_negative": "全为负数",
            "bound_inclusive": "和恰好等于上界",
            "empty": "空输入",
            "negative_bound": "上界为负",
            "negatives": "含负数",
            "none_fits": "没有满足条件的子数组",
            "s_zero": "s = 0",
            "single": "只有一个元素",
            "ties": "两个最大子数组",
            "whole_array": "整个数组",
            "zeros": "含 0",
        },
    },
}


def wording(config) -> dict[str, object]:
    """The panel wording for the theme language (English if there is none), with ``extra.judge`` over it."""
    language = str(config.theme.get("language") or "en")
    base = WORDING.get(language, WORDING["en"])
    return {**base, **(config.extra.get("judge") or {})}


def panel(name: str, question: str, words: dict[str, object], language: str) -> str:
    """The HTML of one panel for problem ``name`` on the page of ``question``."""
    if name not in PROBLEMS:
        raise ValueError(f"judge marker names an unknown problem {name!r}; known: {sorted(PROBLEMS)}")
    box = f"judge-code-{name}"
    esc = html.escape
    before, _, after = str(words["title"]).partition("{name}")
    return (
        f'<details class="judge" data-judge="{name}" data-question="{esc(question, quote=True)}" '
        f'data-time-limit="{TIME_LIMIT_MS}" data-search-exclude="judge">'
        f"<summary>{esc(before)}<code>{name}</code>{esc(after)}</summary>"
        f'<label class="judge-label" for="{box}">{esc(str(words["label"]))}</label>'
        f'<textarea class="judge-code" id="{box}" rows="14" spellcheck="false" autocomplete="off" '
        f'autocapitalize="off" translate="no">{esc(seed_code(name, language))}</textarea>'
        '<div class="judge-actions">'
        f'<button type="button" class="md-button md-button--primary judge-run">{esc(str(words["run"]))}</button>'
        f'<button type="button" class="md-button judge-reset">{esc(str(words["reset"]))}</button>'
        "</div>"
        '<div class="judge-result" role="status" aria-live="polite"></div>'
        "</details>"
    )


def page_assets(page_url: str, words: dict[str, object]) -> str:
    """The wording block and the inline loader, once per page with panels."""
    script = get_relative_url("assets/javascripts/judge.js", page_url)
    data = json.dumps(words, ensure_ascii=False).replace("</", "<\\/")
    loader = LOADER.read_text(encoding="utf-8").replace("</", "<\\/")
    return (
        f'<script type="application/json" id="judge-words" data-script="{html.escape(script, quote=True)}">'
        f"{data}</script>"
        f'<script type="module">{loader}</script>'  # a module: deferred, the parser does not stop for it
    )


def on_page_content(html_text, page, config, files):  # noqa: D103 - MkDocs event
    if not MARKER.search(html_text):
        return html_text
    words = wording(config)
    language = str(config.theme.get("language") or "en")
    question = page.meta.get("question_id") or page.file.src_uri
    html_text = MARKER.sub(lambda match: panel(match.group(1), question, words, language), html_text)
    return html_text + page_assets(page.url, words)


def on_post_build(config):  # noqa: D103 - MkDocs event
    target = Path(config.site_dir) / TARGET
    shutil.rmtree(target, ignore_errors=True)
    shipped = []
    for pattern in SHIPPED:
        for source in sorted(ROOT.glob(pattern)):
            relative = source.relative_to(ROOT).as_posix()
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target / relative)
            shipped.append(relative)
    (target / "files.json").write_text(json.dumps(shipped), encoding="utf-8")
