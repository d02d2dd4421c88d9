"""hooks/questions.py: the overview tables link the pages that exist and never a missing one."""

from __future__ import annotations

import pytest

QUESTIONS = [
    {"id": "R1-1", "round": 1, "en": "First?", "zh": "第一", "page": "round-1/a.md"},
    {"id": "R1-2", "round": 1, "en": "Second?", "zh": "第二", "page": "round-1/b.md"},
    {"id": "R2-1", "round": 2, "en": "Third?", "zh": "第三", "page": "round-2/c.md"},
]


class Files:
    """Stands in for MkDocs' Files: only round-1/a.md exists."""

    def get_file_from_path(self, path: str):
        return object() if path == "round-1/a.md" else None


def test_links_only_existing_pages_with_given_headers(load_hook) -> None:
    hook = load_hook("questions")
    table = hook.question_table(QUESTIONS, 1, ["ID", "Question", "中文"], "interview.md", Files())
    lines = table.splitlines()
    assert lines[0] == "| ID | Question | 中文 |"
    assert "[First?](round-1/a.md)" in lines[2]
    assert "Second? *(answer in preparation)*" in lines[3] and "](" not in lines[3]
    assert len(lines) == 4  # header, rule, two round-1 questions


def test_the_real_list_has_all_sixteen_questions_in_order(load_hook) -> None:
    from tests.docs.blocks import DOCS

    questions = load_hook("questions").load_questions(str(DOCS))
    ids = [q["id"] for q in questions]
    assert ids == [f"R1-{i}" for i in range(1, 12)] + [f"R2-{i}" for i in range(1, 6)]
    assert all((DOCS / q["page"]).exists() for q in questions)


def test_headers_must_name_three_columns(load_hook) -> None:
    with pytest.raises(ValueError, match="headers"):
        load_hook("questions").question_table(QUESTIONS, 1, ["ID", "Question"], "interview.md", Files())


def test_a_translated_page_links_its_own_wording_and_passes_its_labels(load_hook) -> None:
    hook = load_hook("questions")
    marker = hook.MARKER.search('<!-- questions round=1 headers="编号|题目|English" title="zh" pending="（撰写中）" -->')
    assert (marker.group("title"), marker.group("pending")) == ("zh", "（撰写中）")
    table = hook.question_table(
        QUESTIONS, 1, ["编号", "题目", "English"], "interview.md", Files(), title_language="zh", pending="（撰写中）"
    )
    lines = table.splitlines()
    assert lines[0] == "| 编号 | 题目 | English |"
    assert "[第一](round-1/a.md) | First? |" in lines[2]
    assert "第二 （撰写中） | Second? |" in lines[3] and "](" not in lines[3]
