"""MkDocs hook: the light/dark switch in the header, without Material's palette component.

Material's palette toggle re-applies the colour attributes to ``<body>`` when its script starts, twice, each time
restyling the whole page; on a long answer page on a phone that was the largest single cost of loading. The site
keeps one Material palette in mkdocs.yml (so ``<body>`` carries the light scheme from the server) and instead:

* a small inline script at the top of ``<body>`` (overrides/main.html) picks the scheme before anything is laid
  out: the reader's choice from local storage, else the system's ``prefers-color-scheme``, and follows later
  changes of either;
* this hook puts two buttons before the search button of the header, one per scheme to switch to; CSS shows the
  one that applies (assets/stylesheets/reader.css) and the inline script handles their clicks.

Material's own slate scheme supplies the dark colours. The buttons' wording comes from ``extra.color_scheme`` in
mkdocs.yml when given (so a translated edition can override it), else from ``DEFAULT_WORDING``.
"""

from __future__ import annotations

import html
from pathlib import Path

import material
from mkdocs.exceptions import PluginError

DEFAULT_WORDING = {"slate": "Switch to dark mode", "default": "Switch to light mode"}
ICONS = {"slate": "material/weather-night", "default": "material/weather-sunny"}
SEARCH_BUTTON = '<label class="md-header__button md-icon" for="__search">'


def icon(name: str) -> str:
    """The SVG markup of one of the icons that ship with Material (``material/weather-night``)."""
    return (Path(material.__file__).parent / "templates" / ".icons" / f"{name}.svg").read_text(encoding="utf-8")


def toggle_buttons(words: dict[str, str]) -> str:
    """The two header buttons, each switching to the scheme in its ``data-scheme``."""
    buttons = []
    for scheme in ("slate", "default"):
        label = html.escape(words[scheme], quote=True)
        buttons.append(
            f'<button type="button" class="md-header__button md-icon color-scheme-toggle" data-scheme="{scheme}" '
            f'aria-label="{label}" title="{label}">{icon(ICONS[scheme])}</button>'
        )
    return "".join(buttons)


def add_switch(output: str, where: str, config) -> str:
    """``output`` with the switch buttons before the header's search button."""
    if SEARCH_BUTTON not in output:
        raise PluginError(f"color_scheme: no search button in the header of {where} to put the switch by")
    words = {**DEFAULT_WORDING, **(config.extra.get("color_scheme") or {})}
    return output.replace(SEARCH_BUTTON, toggle_buttons(words) + SEARCH_BUTTON, 1)


def on_post_page(output, page, config):  # noqa: D103 - MkDocs event
    return add_switch(output, page.file.src_uri, config)


def on_post_template(output_content, template_name, config):  # noqa: D103 - MkDocs event (404.html)
    if template_name != "404.html":
        return output_content
    return add_switch(output_content, template_name, config)
