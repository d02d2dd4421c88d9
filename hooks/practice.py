"""MkDocs hook: prepare every question page for practice mode.

On each page listed in ``docs/questions.yml`` the answer (everything from the first ``<h2>`` on) is wrapped
in ``<div class="practice-answer">``, and a bar with the practice controls is placed between the question
and the answer. The bar is shown only when scripts run (the ``practice-js`` class that overrides/main.html sets
before the first paint); ``assets/javascripts/practice.js`` wires it up. Without JavaScript the page reads as
before. ``page.meta["question_id"]`` is set for templates and other hooks.

A page that lists questions (the overview's tables, whose id cells carry ``data-question``, see
hooks/questions.py) gets a progress panel before its first ``<h2>``, filled in from local storage by the script.

The wording of the controls comes from ``extra.practice`` in mkdocs.yml when given (so a translated edition
can override it), else from ``DEFAULT_WORDING``.
"""

from __future__ import annotations

import functools
import html
from pathlib import Path

import yaml

DEFAULT_WORDING = {
    "mode": "Practice mode",
    "reveal": "Show the answer",
    "known": "I know this",
    "progress": "Known: {known} of {total} questions",
}


def question_ids(docs_dir: str) -> dict[str, str]:
    """Map each question page (path under docs/) to its question id, from questions.yml."""
    return dict(parse_questions((Path(docs_dir) / "questions.yml").read_text(encoding="utf-8")))


@functools.lru_cache(maxsize=4)  # every page asks; parse the file once per content
def parse_questions(text: str) -> tuple[tuple[str, str], ...]:
    """``(page, id)`` of each entry of the text of questions.yml."""
    return tuple((entry["page"], entry["id"]) for entry in yaml.safe_load(text))


def wording(config) -> dict[str, str]:
    """The labels of the practice controls: ``extra.practice`` over the defaults."""
    return {**DEFAULT_WORDING, **(config.extra.get("practice") or {})}


def practice_bar(question: str, words: dict[str, str]) -> str:
    """The HTML of the controls shown between a question and its answer."""
    q = html.escape(question, quote=True)
    return (
        f'<div class="practice-bar" data-question="{q}">'
        f'<label class="practice-switch"><input type="checkbox" class="practice-toggle"> '
        f"{html.escape(words['mode'])}</label>"
        f'<button type="button" class="md-button practice-reveal">{html.escape(words["reveal"])}</button>'
        f'<label class="practice-known"><input type="checkbox" class="practice-known-box"> '
        f"{html.escape(words['known'])}</label>"
        "</div>"
    )


def wrap_answer(content: str, question: str, words: dict[str, str]) -> str:
    """Insert the practice bar before the first ``<h2>`` and wrap the rest of the page as the answer."""
    start = content.find("<h2")
    if start == -1:
        return content
    return (
        content[:start]
        + practice_bar(question, words)
        + f'<div class="practice-answer" data-question="{html.escape(question, quote=True)}">'
        + content[start:]
        + "</div>"
    )


def progress_panel(words: dict[str, str]) -> str:
    """The HTML of the progress panel of a page that lists questions."""
    return (
        '<div class="practice-progress">'
        f'<label class="practice-switch"><input type="checkbox" class="practice-toggle"> '
        f"{html.escape(words['mode'])}</label>"
        f'<span class="practice-progress-text" id="practice-progress-text" '
        f'data-template="{html.escape(words["progress"], quote=True)}"></span>'
        '<progress class="practice-progress-bar" aria-labelledby="practice-progress-text" value="0" max="1"></progress>'
        "</div>"
    )


def add_progress(content: str, words: dict[str, str]) -> str:
    """Insert the progress panel before the first ``<h2>`` (or at the top) of a page that lists questions."""
    start = content.find("<h2")
    start = 0 if start == -1 else start
    return content[:start] + progress_panel(words) + content[start:]


def on_page_markdown(markdown, page, config, files):  # noqa: D103 - MkDocs event
    question = question_ids(config.docs_dir).get(page.file.src_uri)
    if question is not None:
        page.meta["question_id"] = question
    return markdown


def on_page_content(content, page, config, files):  # noqa: D103 - MkDocs event
    question = page.meta.get("question_id")
    if question:
        return wrap_answer(content, question, wording(config))
    if 'class="question-id" data-question=' in content:
        return add_progress(content, wording(config))
    return content
