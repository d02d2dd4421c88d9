"""MkDocs hook: the English and the Simplified-Chinese editions, built together and linked page to page.

The Chinese edition is its own MkDocs config, ``mkdocs.zh.yml`` (docs/zh/ -> <site>/zh/), inheriting mkdocs.yml:
its own theme language, nav and search index (segmented by jieba with search/userdict.txt). This hook

- builds it with every build of the English edition (``mkdocs build``, ``mkdocs serve``, the tests' build,
  ``make offline``), on the other core while the English pages build, starting at ``on_pre_build``:
  ``mkdocs build -f mkdocs.zh.yml`` in a new process, except while serving, where one worker process
  (hooks/edition_worker.py) does every rebuild and keeps its caches (hooks/serve_cache.py, the notebooks' cache),
  and is not asked at all when nothing the Chinese build reads has changed (:func:`zh_inputs_digest`);
  ``on_post_build`` waits for it, logs its output through MkDocs' logger (so its warnings fail a ``--strict``
  build) and puts it in ``<site>/zh/``;
- gives every page of either edition its twin (same path in the other edition): ``<link rel="alternate"
  hreflang>`` for itself, its twin and ``x-default`` (Material writes ``extra.alternate``, set here per page to
  absolute URLs; written ``rel="alternate "``, the same link type for crawlers, because Material's script fetches
  ``sitemap.xml`` beside the URL of every ``link[rel=alternate]``, which for a page URL is a request to the
  production host or a 404), and ``page.meta["editions"]`` for the header's language switch (overrides/partials/alternate.html,
  relative links, so serving and file:// work); a page without a twin switches to the other edition's home;
- on the English home only, sends a reader whose stored choice (the switch, local storage) is Chinese to the
  Chinese home before the page paints; nothing happens without a stored choice (crawlers, first visits);
- in the Chinese edition, points references to the vendored assets (KaTeX fonts, Pyodide and the judge that loads
  it, the offline shim) at the English edition's copy, which mkdocs.zh.yml does not copy a second time, and
  ranks the API reference (English docstrings) and the notebooks below the question pages in its search
  (``SECONDARY_BOOST``, unless a page sets its own ``search.boost``), leaves out nav entries whose page is not
  translated yet, and points a link to a page that is not translated
  yet at the English page (checked: it must exist), so the edition builds strictly while it is being translated
  (tests/docs/test_twins.py fails for the missing pages instead).
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import logging
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import types
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

log = logging.getLogger("mkdocs.hooks.editions")

ROOT = Path(__file__).resolve().parents[1]
ZH_CONFIG = ROOT / "mkdocs.zh.yml"
DOCS = {"en": ROOT / "docs", "zh": ROOT / "docs" / "zh"}
PREFIX = {"en": "", "zh": "zh/"}  # where each edition lives in the built site
HREFLANG = {"en": "en", "zh": "zh-Hans"}
STORAGE_KEY = "interview-answers.edition"
SECONDARY = ("reference/", "notebooks/")  # zh pages a question page must outrank for its own words
SECONDARY_BOOST = 0.1
# References, from a Chinese page, to the assets mkdocs.zh.yml excludes (and judge.js, which finds Pyodide beside it).
SHARED_ASSET = re.compile(r"""(?<=["'(])((?:\.\./)*)(assets/(?:vendor/|javascripts/judge[.\-]))""")
HREFLANG_LINK = re.compile(r'<link rel="alternate" (href="[^"]*" )hreflang=')
LEVEL = {"DEBUG": logging.DEBUG, "INFO": logging.INFO, "WARNING": logging.WARNING, "ERROR": logging.ERROR}
# A Markdown link or image to a file of the site: [text](path.md#anchor), ![alt](../assets/x.svg)
PAGE_LINK = re.compile(r"\]\((?P<target>[^()\s#:<>]+)(?P<anchor>#[^()\s]*)?\)")
ENGLISH_LINK = "english-edition:"  # a link to an English page, turned into a relative URL once the page is HTML
ENGLISH_HREF = re.compile(r'(?P<attribute>href|src)="english-edition:(?P<path>[^"#]+)(?P<anchor>#[^"]*)?"')
LOG_LINE = re.compile(r"^(?P<level>DEBUG|INFO|WARNING|ERROR)\s+-\s+(?P<message>.*)$")

_zh_build: dict[str, object] = {}  # the running subprocess of the Chinese edition, its log and output directory
ZH_SWITCH = "ZH_EDITION"  # ZH_EDITION=false: the English edition alone (a quicker look, or to time it alone)
SERVING = "INTERVIEW_SITE_SERVING"  # set by hooks/notebook_cache.py and hooks/serve_cache.py on startup
# What the Chinese build reads besides docs/zh (whose assets link to docs/assets): while serving, an edit
# outside these (an English page) leaves the Chinese edition as it was, and its last build is reused.
ZH_INPUTS = ("docs/zh", "docs/assets", "docs/questions.yml", "examples", "hooks", "overrides", "benchmarks",
             "search", "mkdocs.yml", "mkdocs.zh.yml")


def edition(config) -> str:
    """``zh`` for the Chinese edition's config, else ``en``."""
    return "zh" if str(config.theme.get("language") or "en").startswith("zh") else "en"


def twin_exists(src_uri: str, language: str) -> bool:
    """Whether the page ``src_uri`` exists in the edition ``language``."""
    return (DOCS[language] / src_uri).is_file()


def site_path(language: str, url: str) -> str:
    """The path of a page in the whole built site (``zh/round-1/x/``), from its URL within its edition."""
    return PREFIX[language] + ("" if url in ("", "./", ".") else url)


def editions_of(
    src_uri: str, url: str, here: str, site_url: str | None, names: dict[str, str], home: str = ""
) -> list[dict]:
    """The page in each edition: name, language, relative and absolute URL, whether it is this page's twin.

    Args:
        src_uri: the page's path in its docs directory (the same in both editions).
        url: the page's URL within its edition (the same in both editions).
        here: the edition of the page (``en`` or ``zh``).
        site_url: this edition's ``site_url`` (absolute URLs need it), or None.
        names: the switch label of each edition.
        home: the URL of an edition's home within it (``index.html`` without directory URLs), where the switch
            of a page without a twin goes.
    """
    this = site_path(here, url)
    english_root = urljoin(site_url, "../" * PREFIX[here].count("/")) if site_url else None
    result = []
    for language, name in names.items():
        exists = language == here or twin_exists(src_uri, language)
        target = site_path(language, url if exists else home)
        href = get_relative_url(target, this) if target != this else "./"
        if target.endswith("/") or not target:
            href = href.rstrip("/") + "/"  # a folder: its index page, also from file://
        result.append({
            "key": language,
            "name": name,
            "lang": HREFLANG[language],
            "twin": exists,
            "current": language == here,
            "href": href,
            "absolute": urljoin(english_root, target) if english_root else None,
        })
    return result


def hide_from_material(html: str) -> str:
    """The page's hreflang links as ``rel="alternate "``: out of Material's ``link[rel=alternate]`` sitemap fetch."""
    return HREFLANG_LINK.sub(r'<link rel="alternate " \1hreflang=', html)


def hreflang_links(editions: list[dict]) -> list[dict]:
    """``extra.alternate`` entries for Material's ``<link rel="alternate" hreflang>``: the page, its twin, x-default."""
    twins = [entry for entry in editions if entry["twin"]]
    if len(twins) < 2:
        return []
    links = [{"name": e["name"], "lang": e["lang"], "link": e["absolute"] or e["href"]} for e in twins]
    english = next(entry for entry in twins if entry["key"] == "en")
    return [*links, {"name": english["name"], "lang": "x-default", "link": english["absolute"] or english["href"]}]


def drop_missing(nav, docs_dir: Path, missing: list[str]):
    """The nav without the entries whose page does not exist in ``docs_dir`` (appended to ``missing``)."""
    if isinstance(nav, str):
        if nav.startswith(("http://", "https://")) or (docs_dir / nav).is_file():
            return nav
        missing.append(nav)
        return None
    if isinstance(nav, list):
        kept = [item for item in (drop_missing(entry, docs_dir, missing) for entry in nav) if item is not None]
        return kept or None
    if isinstance(nav, dict):
        kept = {title: value for title, value in ((t, drop_missing(v, docs_dir, missing)) for t, v in nav.items())
                if value is not None}
        return kept or None
    return nav


def home_redirect(target: str) -> str:
    """A script for the English home: go to the Chinese home at once if the reader chose Chinese before."""
    return (
        f'<script>try{{if(localStorage.getItem("{STORAGE_KEY}")==="zh")location.replace("{target}")}}'
        "catch(e){}</script>"
    )


def zh_inputs_digest() -> str:
    """A digest of the files the Chinese build reads (path, size, modification time) and of which English pages
    exist (a link to an untranslated page goes to its English page)."""
    digest = hashlib.sha256()
    for top in ZH_INPUTS:
        path = ROOT / top
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        for file in sorted(f for f in files if "__pycache__" not in f.parts):
            stat = file.stat()
            digest.update(f"{file.relative_to(ROOT)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    for page in sorted(DOCS["en"].rglob("*.md")):
        digest.update(page.relative_to(ROOT).as_posix().encode() + b"\n")
    return digest.hexdigest()


def serving_state() -> dict:
    """While serving: the Chinese edition's worker, its output and the digest of its last build (outlives MkDocs'
    reloading of the hooks on each rebuild)."""
    holder = sys.modules.setdefault("interview_site_caches", types.ModuleType("interview_site_caches"))
    return holder.__dict__.setdefault("zh_edition", {})


def zh_build_command(config) -> tuple[list[str], dict[str, str]]:
    """The environment of the Chinese edition's build, and the strict flag as a list (empty or ``--strict``)."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    if config.site_url:
        env["ZH_SITE_URL"] = urljoin(config.site_url, PREFIX["zh"])
    return (["--strict"] if config.strict else []), env


def start_zh_build(config) -> None:
    """Start the Chinese edition's build in a new process, into a temporary directory (``mkdocs build``)."""
    output = Path(tempfile.mkdtemp(prefix="site-zh-"))
    log_file = output.with_suffix(".log")
    strict, env = zh_build_command(config)
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(ZH_CONFIG), "--site-dir", str(output / "zh"), *strict]
    with open(log_file, "w", encoding="utf-8") as handle:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
    _zh_build.update(process=process, log=log_file, output=output)


def zh_worker(config) -> dict:
    """While serving: the worker process that builds the Chinese edition on request (hooks/edition_worker.py),
    started on first use and again if it has exited. Its builds keep their caches between rebuilds."""
    state = serving_state()
    worker = state.get("worker")
    if worker is None or worker.poll() is not None:
        strict, env = zh_build_command(config)
        directory = Path(tempfile.mkdtemp(prefix="site-zh-worker-"))
        worker = subprocess.Popen(
            [sys.executable, str(ROOT / "hooks" / "edition_worker.py"), str(ZH_CONFIG), *strict],
            cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        atexit.register(stop_worker, worker, directory)
        state.update(worker=worker, directory=directory, digest=None, pending=False)
    return state


def stop_worker(worker: subprocess.Popen, directory: Path) -> None:
    """End the worker (its input closes) and remove its output."""
    with contextlib.suppress(OSError):
        worker.stdin.close()
    try:
        worker.wait(timeout=10)
    except subprocess.TimeoutExpired:
        worker.kill()
    shutil.rmtree(directory, ignore_errors=True)


def request_zh_build(config, digest: str) -> None:
    """While serving: ask the worker for a build of the Chinese edition (answered in :func:`finish_zh_build`)."""
    state = zh_worker(config)
    if state["pending"]:  # the last English rebuild failed before it collected the answer
        state["worker"].stdout.readline()
    directory = state["directory"]
    state["worker"].stdin.write(f"{directory / 'zh'}\t{directory / 'build.log'}\n")
    state["worker"].stdin.flush()
    state.update(pending=True, digest=None)
    _zh_build.update(worker=state, digest=digest)


def link_tree(source: Path, target: Path) -> None:
    """``target`` as a copy of the directory ``source``, by hard links where the file system allows."""

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, symlinks=True, copy_function=link)


def relog(text: str) -> None:
    """Log the Chinese build's output through MkDocs' logger, each line at its own level."""
    for line in text.splitlines():
        match = LOG_LINE.match(line.strip())
        if match is None:
            continue
        level, message = LEVEL[match.group("level")], match.group("message")
        if level >= logging.WARNING or message.startswith("Documentation built"):
            log.log(level, "[zh] %s", message)


def finish_zh_build(site_dir: str) -> None:
    """Wait for the Chinese build, report its output and put it in ``<site_dir>/zh``."""
    target = Path(site_dir) / "zh"
    if "reuse" in _zh_build:  # serving, and nothing the Chinese build reads has changed
        link_tree(_zh_build.pop("reuse"), target)
        return
    if "worker" in _zh_build:  # serving: the worker's answer
        state, digest = _zh_build.pop("worker"), _zh_build.pop("digest")
        answer = state["worker"].stdout.readline().strip()
        state["pending"] = False
        log_file = state["directory"] / "build.log"
        text = log_file.read_text(encoding="utf-8") if log_file.is_file() else ""
        relog(text)
        if answer != "0":
            raise PluginError(f"the Chinese edition (mkdocs.zh.yml) did not build:\n{text[-4000:]}")
        state["digest"] = digest
        link_tree(state["directory"] / "zh", target)
        return
    process, log_file, output = _zh_build["process"], _zh_build["log"], _zh_build["output"]
    _zh_build.clear()
    try:
        returncode = process.wait(timeout=900)
        text = log_file.read_text(encoding="utf-8")
        relog(text)
        if returncode != 0:
            raise PluginError(f"the Chinese edition (mkdocs.zh.yml) did not build:\n{text[-4000:]}")
        shutil.rmtree(target, ignore_errors=True)
        shutil.move(str(output / "zh"), target)
    finally:
        shutil.rmtree(output, ignore_errors=True)
        log_file.unlink(missing_ok=True)


def on_config(config):  # noqa: D103 - MkDocs event
    if edition(config) == "zh":
        missing: list[str] = []
        config.nav = drop_missing(config.nav, Path(config.docs_dir), missing)  # pages written later: next build
        if missing:
            log.info("Not translated yet, left out of the nav: %s", ", ".join(missing))
    return config


def english_url(path: str, use_directory_urls: bool) -> str:
    """The URL of a file of the English edition: a page's (notebooks are pages too) or the file's own path."""
    if path.endswith(".md") or (path.startswith("notebooks/") and path.endswith(".py")):
        return File(path.rsplit(".", 1)[0] + ".md", "", "", use_directory_urls).url
    return path


def english_fallbacks(markdown: str, src_uri: str, use_directory_urls: bool, translated=None) -> str:
    """A Chinese page's links into the English edition, marked to become relative URLs once the page is HTML.

    A link that leaves docs/zh/ (``../../assets/x.svg`` from ``round-1/``) names a file of the English edition;
    a link to a page that is not translated yet stands for the English page (its anchor, a Chinese heading's,
    is dropped). Links whose target exists in neither edition are left alone, so MkDocs reports them.
    ``translated(path)`` says whether the Chinese edition has a page (default: the file exists); the build asks
    its own file list, which does not change while the pages are written.
    """
    translated = translated or (lambda path: twin_exists(path, "zh"))

    def replace(match: re.Match) -> str:
        path = posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), match.group("target")))
        anchor = match.group("anchor") or ""
        if path.startswith("../"):  # out of docs/zh/
            path = path[3:]
        elif not path.endswith((".md", ".py")) or translated(path):
            return match.group(0)
        else:
            anchor = ""
        if path.startswith("../") or not twin_exists(path, "en"):
            return match.group(0)
        return f"]({ENGLISH_LINK}{english_url(path, use_directory_urls)}{anchor})"

    return PAGE_LINK.sub(replace, markdown)


def on_page_markdown(markdown, page, config, files):  # noqa: D103 - MkDocs event
    if edition(config) != "zh":
        return markdown
    if page.file.src_uri.startswith(SECONDARY):
        page.meta.setdefault("search", {}).setdefault("boost", SECONDARY_BOOST)
    markdown = english_fallbacks(
        markdown, page.file.src_uri, config.use_directory_urls, lambda path: files.get_file_from_path(path) is not None
    )
    if ENGLISH_LINK in markdown:
        log.info("%s links to the English edition (pages not translated yet stand in)", page.file.src_uri)
    return markdown


def on_page_content(html, page, config, files):  # noqa: D103 - MkDocs event
    if ENGLISH_LINK not in html:
        return html
    this = site_path("zh", page.url)

    def relative(match: re.Match) -> str:
        url = get_relative_url(site_path("en", match.group("path")), this)
        return f'{match.group("attribute")}="{url}{match.group("anchor") or ""}"'

    return ENGLISH_HREF.sub(relative, html)


def on_pre_build(config):  # noqa: D103 - MkDocs event
    if edition(config) != "en" or not ZH_CONFIG.is_file():
        return
    if os.environ.get(ZH_SWITCH, "true").lower() in ("0", "false", "no"):
        log.info("[zh] not built (%s=%s): the language switch's Chinese pages are missing", ZH_SWITCH,
                 os.environ[ZH_SWITCH])
        return
    if os.environ.get(SERVING) != "1":
        start_zh_build(config)  # mkdocs build, CI, the tests: always a fresh build in a new process
        return
    digest, state = zh_inputs_digest(), serving_state()
    if state.get("digest") == digest and (state["directory"] / "zh").is_dir():
        _zh_build["reuse"] = state["directory"] / "zh"
        log.info("[zh] unchanged since the last build: reused")
        return
    request_zh_build(config, digest)


def on_env(env, config, files):  # noqa: D103 - MkDocs event
    config.extra["alternate_names"] = {e["lang"]: e["name"] for e in config.extra.get("alternate") or []}
    config.extra["alternate"] = []  # set per page (on_page_context); none on the 404 page
    return env


def on_page_context(context, page, config, nav):  # noqa: D103 - MkDocs event
    names = {key: config.extra["alternate_names"].get(HREFLANG[key], key) for key in PREFIX}
    here = edition(config)
    home = "" if config.use_directory_urls else "index.html"
    editions = editions_of(page.file.src_uri, page.url, here, config.site_url, names, home)
    page.meta["editions"] = editions
    config.extra["alternate"] = hreflang_links(editions)
    return context


def on_post_page(output, page, config):  # noqa: D103 - MkDocs event
    output = hide_from_material(output)
    if edition(config) == "zh":
        return SHARED_ASSET.sub(r"\1../\2", output)
    if page.file.src_uri == "index.md":
        chinese = next(e for e in page.meta["editions"] if e["key"] == "zh")
        return output.replace("<head>", "<head>" + home_redirect(chinese["href"]), 1)
    return output


def on_serve(server, config, builder):  # noqa: D103 - MkDocs event
    # docs/zh/ is under the watched docs/; the Chinese config is not
    if edition(config) == "en" and ZH_CONFIG.is_file():
        server.watch(str(ZH_CONFIG))
    return server


def on_post_template(output_content, template_name, config):  # noqa: D103 - MkDocs event
    # The 404 page links its assets by absolute path (it is served at any depth)
    if edition(config) != "zh" or not config.site_url:
        return output_content
    here = urlsplit(config.site_url).path
    english = posixpath.normpath(here + "..").rstrip("/") + "/"
    return output_content.replace(f'"{here}assets/vendor/', f'"{english}assets/vendor/')


def on_post_build(config):  # noqa: D103 - MkDocs event
    if _zh_build:
        finish_zh_build(config.site_dir)
