"""The headers and body each request arrives with, read on the server's side of
the wire (a recording proxy in front of the local server): the local server
accepts a body of any content type, the NextSchool API needs
`Content-Type: application/json` on every request."""

from __future__ import annotations

import json

import httpx
import pytest
from pydantic import BaseModel, Field
from testkit.recording_proxy import ReceivedRequest, recording_proxy

from nextschool import APIError, AsyncNextSchool, NextSchool, __version__
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer


@pytest.fixture(autouse=True)
def _no_credentials_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NEXTSCHOOL_URL", "NEXTSCHOOL_USERNAME", "NEXTSCHOOL_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


def _operation(request: ReceivedRequest) -> str:
    name: str = json.loads(request.body)["operationName"]
    return name


def _assert_json_request(request: ReceivedRequest) -> None:
    assert request.method == "POST"
    assert request.header("content-type") == "application/json"
    assert request.header("accept") == "application/json"
    assert request.header("x-request-id")


def test_the_sdks_own_client_sends_json_headers_and_its_name(server: LocalServer) -> None:
    with recording_proxy(server.url) as proxy:
        with NextSchool(proxy.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
            assert len(client.students(limit=2)) == 2
        login, students = proxy.received
    assert [_operation(login), _operation(students)] == ["Login", "Students"]
    for request in (login, students):
        _assert_json_request(request)
        assert request.header("user-agent") == f"nextschool-python/{__version__}"
    assert "authorization" not in login.headers
    assert students.header("authorization").startswith("Bearer ey")
    body = json.loads(students.body)
    assert body["variables"]["limit"] == 2
    assert "query Students" in body["query"]


def test_a_callers_http_client_gets_the_json_headers_on_every_request(
    server: LocalServer,
) -> None:
    with recording_proxy(server.url) as proxy:
        with (
            httpx.Client(headers={"X-App": "timetable"}) as http,
            NextSchool(
                proxy.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, http_client=http
            ) as client,
        ):
            assert len(client.students(limit=1)) == 1
            assert len(client.students(limit=1, headers={"X-Trace": "t-1"})) == 1
        login, first, second = proxy.received
    for request in (login, first, second):
        _assert_json_request(request)
        # The caller's client keeps its own headers and its own name.
        assert request.header("x-app") == "timetable"
        assert request.header("user-agent").startswith("python-httpx/")
    assert "x-trace" not in first.headers
    assert second.header("x-trace") == "t-1"
    assert second.header("authorization") == first.header("authorization")


async def test_the_async_client_sends_the_same_headers(server: LocalServer) -> None:
    async with httpx.AsyncClient() as http:
        with recording_proxy(server.url) as proxy:
            own = AsyncNextSchool(proxy.url, username=DEMO_USERNAME, password=DEMO_PASSWORD)
            async with own:
                assert len(await own.students(limit=1)) == 1
            callers = AsyncNextSchool(
                proxy.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, http_client=http
            )
            async with callers:
                assert len(await callers.students(limit=1)) == 1
            received = list(proxy.received)
    assert [_operation(r) for r in received] == ["Login", "Students", "Login", "Students"]
    for request in received:
        _assert_json_request(request)
    assert received[0].header("user-agent") == f"nextschool-python/{__version__}"
    assert received[2].header("user-agent").startswith("python-httpx/")


def test_per_call_headers_reach_the_server_over_the_clients_defaults(server: LocalServer) -> None:
    with recording_proxy(server.url) as proxy:
        with NextSchool(proxy.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
            tagged = client.with_options(headers={"X-Team": "office", "X-Trace": "default"})
            tagged.students(limit=1)
            tagged.students(limit=1, headers={"x-trace": "mine", "X-Request-Id": "job-9"})
            client.students(limit=1)
        login, defaults, own, plain = proxy.received
    # The renewal made for a derived client's call carries its headers too.
    assert login.header("x-team") == "office"
    assert (defaults.header("x-team"), defaults.header("x-trace")) == ("office", "default")
    assert (own.header("x-team"), own.header("x-trace")) == ("office", "mine")
    assert own.header("x-request-id") == "job-9"
    assert "x-team" not in plain.headers
    for request in (login, defaults, own, plain):
        _assert_json_request(request)


def test_pydantic_models_among_the_variables_are_sent_by_their_aliases(
    server: LocalServer,
) -> None:
    class Page(BaseModel):
        page_size: int = Field(alias="pageSize")

    query = "query Sized($page: Page) { students(limit: 1) { id } }"
    with recording_proxy(server.url) as proxy:
        with NextSchool(proxy.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
            client.login()
            with pytest.raises(APIError):  # the schema has no such type: refused
                client.execute(query, "Sized", {"page": Page(pageSize=5)})
        sent = proxy.received[-1]
    assert json.loads(sent.body)["variables"] == {"page": {"pageSize": 5}}
