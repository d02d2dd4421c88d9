"""MkDocs hook: generate the interview overview tables from docs/questions.yml.

A page writes ``<!-- questions round=1 headers="ID|Question|中文" -->`` and gets a table of
that round's questions. The wording of the headers is a parameter, so a translated
page can pass its own, and so are the language of the linked title (``title="zh"``: the
Chinese wording is linked and the English one goes in the third column) and the note of a
question whose page does not exist yet (``pending="..."``), listed without a link, so the table
never holds a broken link.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import yaml

MARKER = re.compile(
    r'<!--\s*questions\s+round=(?P<round>\d+)\s+headers="(?P<headers>[^"]+)"'
    r'(?:\s+title="(?P<title>en|zh)")?(?:\s+pending="(?P<pending>[^"]+)")?\s*-->'
)
PENDING = "*(answer in preparation)*"


def load_questions(docs_dir: str) -> list[dict]:
    """The question list, in interview order."""
    with open(Path(docs_dir) / "questions.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def question_table(
    questions: list[dict], round_number: int, headers: list[str], page_path: str, files,
    title_language: str = "en", pending: str = PENDING,
) -> str:
    """A Markdown table of one round's questions, linking the pages that exist.

    Args:
        questions: entries of questions.yml.
        round_number: 1 or 2.
        headers: three column titles (id, English question, Chinese question).
        page_path: the source path of the page the table goes into, for relative links.
        files: MkDocs' collection of site files, to know which pages exist.
        title_language: the wording that is linked (``en`` or ``zh``); the other one fills the third column.
        pending: the note after the title of a question whose page does not exist yet.
    """
    if len(headers) != 3:
        raise ValueError(f"headers must name 3 columns, got {headers}")
    rows = [f"| {' | '.join(headers)} |", "|---|---|---|"]
    here = posixpath.dirname(page_path)
    for question in questions:
        if question["round"] != round_number:
            continue
        title, other = question[title_language], question["zh" if title_language == "en" else "en"]
        if files.get_file_from_path(question["page"]) is not None:
            title = f"[{title}]({posixpath.relpath(question['page'], here or '.')})"
        else:
            title = f"{title} {pending}"
        # The id cell carries data-question, so practice mode (assets/javascripts/practice.js) can mark the row.
        cell = f'<span class="question-id" data-question="{question["id"]}">{question["id"]}</span>'
        rows.append(f"| {cell} | {title} | {other} |")
    return "\n".join(rows)


def on_page_markdown(markdown, page, config, files):  # noqa: D103 - MkDocs event
    if "<!-- questions" not in markdown:
        return markdown
    questions = load_questions(config.docs_dir)

    def table(match: re.Match) -> str:
        headers = [part.strip() for part in match.group("headers").split("|")]
        return question_table(
            questions, int(match.group("round")), headers, page.file.src_path, files,
            title_language=match.group("title") or "en", pending=match.group("pending") or PENDING,
        )

    return MARKER.sub(table, markdown)
