"""The documentation site builds in strict mode and renders in a real browser.

The site is built from the sources, served over HTTP on loopback and opened in
headless Chromium (Debian's `chromium`, installed by `.ci/run`; elsewhere set
NEXTSCHOOL_BROWSER to a Chrome or Chromium binary). Screenshots are kept in
build/docs-screenshots/ as artifacts.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ._browser import Browser

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "docs-screenshots"
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def find_browser() -> str:
    explicit = os.environ.get("NEXTSCHOOL_BROWSER")
    if explicit:
        return explicit
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    message = "no Chromium: `apt-get install chromium`, or set NEXTSCHOOL_BROWSER"
    if os.environ.get("CI"):
        pytest.fail(message)  # CI installs it: a missing browser is a broken CI
    pytest.skip(message)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def site_url(site: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def browser() -> Iterator[Browser]:
    if sys.platform == "win32":
        pytest.skip("the DevTools pipe needs POSIX file descriptors")
    executable = find_browser()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with Browser(executable) as opened:
        yield opened


def test_search_box_finds_pages(site_url: str, browser: Browser) -> None:
    # Material opens the search box with the results for ?q= once its worker
    # has indexed the site.
    browser.open(f"{site_url}/?q=refresh")
    found = browser.wait_for("document.querySelectorAll('.md-search-result__item').length")
    browser.screenshot(SCREENSHOTS / "search.png")
    assert browser.evaluate("document.querySelector('input.md-search__input').value") == "refresh"
    assert found and found >= 3, "the search returned no results"
    titles = browser.evaluate(
        "[...document.querySelectorAll('.md-search-result__item h1')].map(e => e.textContent)"
    )
    assert {"Authentication", "Clients"} <= set(titles), titles


def test_api_reference_page_renders_docstrings(site_url: str, browser: Browser) -> None:
    browser.open(f"{site_url}/reference/clients/")
    assert browser.wait_for("document.readyState === 'complete' && !!document.querySelector('h2')")
    browser.screenshot(SCREENSHOTS / "api-clients.png")
    ids = browser.evaluate("[...document.querySelectorAll('[id^=nextschool]')].map(e => e.id)")
    # The clients, and the operations they inherit from the generated client.
    assert {"nextschool.NextSchool", "nextschool.AsyncNextSchool"} <= set(ids)
    assert {"nextschool.NextSchool.students", "nextschool.AsyncNextSchool.visit_stats"} <= set(ids)
    text = browser.evaluate("document.body.innerText")
    assert "Send the Students query and return its typed result." in text
    assert "Sync client for the NextSchool Data API." in text
