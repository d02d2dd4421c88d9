"""The static server of scripts/audit.py (Lighthouse and the browser tests): gzip and cache headers as GitHub Pages."""

from __future__ import annotations

import gzip
import urllib.error
import urllib.request

import pytest

from scripts.audit import CACHE_CONTROL, serve


@pytest.fixture()
def site(tmp_path):
    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "index.html").write_text("<p>hello</p>" * 50, encoding="utf-8")
    (tmp_path / "blob.wasm").write_bytes(bytes(range(256)))
    server, url = serve(tmp_path)
    yield url
    server.shutdown()
    server.server_close()


def get(url: str, **headers: str):
    """The response to GET ``url`` (an HTTP error is returned, not raised)."""
    try:
        return urllib.request.urlopen(urllib.request.Request(url, headers=headers))
    except urllib.error.HTTPError as error:
        return error


def test_text_is_gzipped_when_accepted_with_cache_headers(site) -> None:
    response = get(site + "/page/", **{"Accept-Encoding": "gzip"})
    assert response.status == 200 and response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.read()).decode() == "<p>hello</p>" * 50
    assert response.headers["Cache-Control"] == CACHE_CONTROL and response.headers["Last-Modified"]
    plain = get(site + "/page/")
    assert plain.headers.get("Content-Encoding") is None and plain.read().decode() == "<p>hello</p>" * 50


@pytest.mark.parametrize("path,encoding", [("/page/", "gzip"), ("/page/", "identity"), ("/blob.wasm", "gzip")])
def test_a_file_not_modified_since_is_not_sent_again(site, path: str, encoding: str) -> None:
    first = get(site + path, **{"Accept-Encoding": encoding})
    assert first.headers["Cache-Control"] == CACHE_CONTROL
    modified = first.headers["Last-Modified"]
    again = get(site + path, **{"Accept-Encoding": encoding, "If-Modified-Since": modified})
    assert again.status == 304 and again.headers["Cache-Control"] == CACHE_CONTROL
    older = get(site + path, **{"Accept-Encoding": encoding, "If-Modified-Since": "Thu, 01 Jan 1998 00:00:00 GMT"})
    assert older.status == 200
    bad = get(site + path, **{"Accept-Encoding": encoding, "If-Modified-Since": "yesterday"})
    assert bad.status == 200


def test_a_directory_without_slash_is_redirected(site) -> None:
    request = urllib.request.Request(site + "/page", headers={"Accept-Encoding": "gzip"})
    opener = urllib.request.build_opener(type("NoRedirect", (urllib.request.HTTPRedirectHandler,), {
        "redirect_request": lambda *args: None}))
    with pytest.raises(urllib.error.HTTPError) as raised:
        opener.open(request)
    assert raised.value.code == 301 and raised.value.headers["Location"].endswith("/page/")
