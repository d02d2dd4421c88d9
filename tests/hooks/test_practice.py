"""hooks/practice.py and the overview rows of hooks/questions.py: the markup practice mode relies on."""

from __future__ import annotations

import pytest

WORDS = {"mode": "Practice mode", "reveal": "Show the answer", "known": "I know this", "progress": "{known}/{total}"}


@pytest.fixture(scope="module")
def hook(load_hook):
    return load_hook("practice")


def test_the_answer_is_everything_from_the_first_section_on(hook) -> None:
    page = "<h1>R1-9 · LoRA</h1><blockquote>Q</blockquote><h2 id='a'>30-second answer</h2><p>A</p>"
    html = hook.wrap_answer(page, "R1-9", WORDS)
    question, rest = html.split('<div class="practice-bar"', 1)
    assert question == "<h1>R1-9 · LoRA</h1><blockquote>Q</blockquote>"
    assert 'data-question="R1-9"' in rest
    bar, answer = rest.split('<div class="practice-answer" data-question="R1-9">', 1)
    assert "I know this" in bar and "Show the answer" in bar and "Practice mode" in bar
    assert answer == "<h2 id='a'>30-second answer</h2><p>A</p></div>"


def test_a_page_without_sections_is_left_alone(hook) -> None:
    assert hook.wrap_answer("<h1>x</h1><p>y</p>", "R1-1", WORDS) == "<h1>x</h1><p>y</p>"


def test_wording_is_escaped_and_overridable(hook) -> None:
    html = hook.practice_bar('R1-1"', {**WORDS, "known": "<我会了>"})
    assert "&lt;我会了&gt;" in html and 'data-question="R1-1&quot;"' in html

    class Config:
        extra = {"practice": {"known": "我会了"}}

    assert hook.wording(Config())["known"] == "我会了"
    assert hook.wording(Config())["mode"] == "Practice mode"


def test_progress_panel_goes_before_the_first_section(hook) -> None:
    html = hook.add_progress("<h1>Overview</h1><p>intro</p><h2>Round 1</h2>", WORDS)
    assert html.index('class="practice-progress"') < html.index("<h2>")
    assert 'data-template="{known}/{total}"' in html


def test_overview_rows_carry_the_question_id(load_hook) -> None:
    questions = load_hook("questions")

    class Files:
        def get_file_from_path(self, path):
            return object() if path == "round-1/r1-09-lora.md" else None

    entries = [
        {"id": "R1-9", "round": 1, "en": "How does LoRA work?", "zh": "LoRA 原理", "page": "round-1/r1-09-lora.md"},
        {"id": "R1-10", "round": 1, "en": "Init?", "zh": "初始化", "page": "round-1/r1-10-lora-initialisation.md"},
    ]
    table = questions.question_table(entries, 1, ["ID", "Question", "中文"], "interview.md", Files())
    assert '<span class="question-id" data-question="R1-9">R1-9</span>' in table
    assert '<span class="question-id" data-question="R1-10">R1-10</span>' in table
