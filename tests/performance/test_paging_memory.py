"""Paging keeps about one page of models alive, over real HTTP.

Each check looks at the moment a page is requested: rows of earlier pages the
caller has let go of must be gone by then. (The caller's loop variable still
holds the last row it saw, hence "at most one".)
"""

from __future__ import annotations

import gc
import json
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from nextschool import AsyncNextSchool, NextSchool, cli
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer, ServerSettings
from nextschool.testing.server import run_local_server
from nextschool.types import Student

PAGE_SIZE = 40


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with run_local_server(ServerSettings(rate_limits=False)) as running:
        yield running


def _is_students_page(request: httpx.Request) -> bool:
    return bool(json.loads(request.content).get("operationName") == "Students")


class Watch:
    """Weak references to every row handed out; live ones counted at each page request."""

    def __init__(self) -> None:
        self.rows: list[weakref.ref[Student]] = []
        self.alive_at_request: list[int] = []

    def see(self, row: Student) -> None:
        self.rows.append(weakref.ref(row))

    def on_request(self, request: httpx.Request) -> None:
        if _is_students_page(request):
            self.alive_at_request.append(sum(1 for ref in self.rows if ref() is not None))


def test_iter_students_keeps_one_page_alive(server: LocalServer) -> None:
    watch = Watch()
    with (
        httpx.Client(event_hooks={"request": [watch.on_request]}) as http,
        NextSchool(
            server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, http_client=http
        ) as client,
    ):
        for row in client.iter_students(page_size=PAGE_SIZE):
            watch.see(row)
    assert len(watch.rows) > 3 * PAGE_SIZE
    assert len(watch.alive_at_request) > 3
    assert max(watch.alive_at_request) <= 1, watch.alive_at_request


async def test_async_iter_students_keeps_one_page_alive(server: LocalServer) -> None:
    watch = Watch()

    async def on_request(request: httpx.Request) -> None:
        watch.on_request(request)

    async with (
        httpx.AsyncClient(event_hooks={"request": [on_request]}) as http,
        AsyncNextSchool(
            server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, http_client=http
        ) as client,
    ):
        async for row in client.iter_students(page_size=PAGE_SIZE):
            watch.see(row)
    assert len(watch.rows) > 3 * PAGE_SIZE
    assert max(watch.alive_at_request) <= 1, watch.alive_at_request


def _live_students() -> int:
    return sum(1 for thing in gc.get_objects() if isinstance(thing, Student))


def test_cli_export_keeps_one_page_alive(
    server: LocalServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The command makes its own client; its page fetches are watched instead.
    alive_at_request: list[int] = []
    fetch_page: Callable[..., Any] = NextSchool.students

    def watched_students(self: NextSchool, **kwargs: Any) -> Any:
        alive_at_request.append(_live_students() - before)
        return fetch_page(self, **kwargs)

    monkeypatch.setattr(NextSchool, "students", watched_students)
    environment = {
        "NEXTSCHOOL_CONFIG_DIR": str(tmp_path),
        "NEXTSCHOOL_URL": server.url,
        "NEXTSCHOOL_USERNAME": DEMO_USERNAME,
        "NEXTSCHOOL_PASSWORD": DEMO_PASSWORD,
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    capsys.readouterr()
    before = _live_students()

    code = cli.main(["students", "--all", "--json", "--quiet", "--page-size", str(PAGE_SIZE)])

    out, err = capsys.readouterr()
    assert code == 0, err
    assert len(json.loads(out)) > 3 * PAGE_SIZE
    assert len(alive_at_request) > 3
    assert max(alive_at_request) <= 1, alive_at_request
