"""MkDocs hook: small accessibility fixes to the HTML that Material renders.

Material's search dialog (``<div class="md-search" role="dialog">``) has no accessible name, which screen
readers announce as an anonymous dialog (and Lighthouse's accessibility audit flags). It gets the label of the
search box inside it, so the wording follows the theme language.
"""

from __future__ import annotations

import re

DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
SEARCH_LABEL = re.compile(r'<input[^>]*class="md-search__input"[^>]*aria-label="([^"]*)"')


def on_post_page(output, page, config):  # noqa: D103 - MkDocs event
    if DIALOG not in output:
        return output
    match = SEARCH_LABEL.search(output)
    label = match.group(1) if match else "Search"
    return output.replace(DIALOG, DIALOG[:-1] + f' aria-label="{label}">', 1)


def on_post_template(output_content, template_name, config):  # noqa: D103 - MkDocs event (404.html)
    return on_post_page(output_content, None, config) if template_name == "404.html" else output_content
