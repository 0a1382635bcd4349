"""The generated AsyncClient and Client against the local server: every method, the
auth layer (renewal after revocation), and requests that select only what was asked."""

from __future__ import annotations

import inspect
import json
import warnings
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from nextschool import AsyncBaseClient, BaseClient, GraphQLError, NextSchool, PlainHTTPWarning
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer

from .conftest import Generated

CREDENTIALS = {"username": DEMO_USERNAME, "password": DEMO_PASSWORD}


def expected_results(server: LocalServer) -> dict[str, Any]:
    """What each generated method must return, from the SDK's own full operations."""
    with NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as sdk:
        students = sdk.students(limit=3, offset=2, search="สม")
        student = sdk.student(id=105)
        teacher = sdk.teacher(id=3)
        teachers = sdk.teachers(search="ใจ", status=1, limit=4)
        rows = sdk.visit_students(status="visited", limit=5, offset=1)
    assert student is not None and teacher is not None and teacher.visit_summary is not None
    assert len(students) == 3 and teachers and len(rows) == 5
    return {
        "roster": [
            {"id": s.id, "code": s.code, "classroom_name": s.classroom_name} for s in students
        ],
        "student_name": {"id": student.id, "full_name": student.full_name},
        "teacher_visits": {
            "id": teacher.id,
            "full_name": teacher.full_name,
            "visit_summary": {
                "total": teacher.visit_summary.total,
                "visited": teacher.visit_summary.visited,
                "not_visited": teacher.visit_summary.not_visited,
            },
        },
        "teacher_names": [{"id": t.id, "full_name": t.full_name} for t in teachers],
        "care_rows": [
            {"student_id": r.student_id, "code": r.code, "overall": r.overall} for r in rows
        ],
    }


def call_all_sync(client: Any) -> dict[str, Any]:
    return {
        "roster": client.roster(limit=3, offset=2, search="สม"),
        "student_name": client.student_name(id=105),
        "teacher_visits": client.teacher_visits(id=3),
        "teacher_names": client.teacher_names(search="ใจ", status=1, limit=4),
        "care_rows": client.care_rows(status="visited", limit=5, offset=1, with_code=True),
    }


async def call_all_async(client: Any) -> dict[str, Any]:
    return {
        "roster": await client.roster(limit=3, offset=2, search="สม"),
        "student_name": await client.student_name(id=105),
        "teacher_visits": await client.teacher_visits(id=3),
        "teacher_names": await client.teacher_names(search="ใจ", status=1, limit=4),
        "care_rows": await client.care_rows(status="visited", limit=5, offset=1, with_code=True),
    }


def plain(results: dict[str, Any]) -> dict[str, Any]:
    def dump(value: Any) -> Any:
        if isinstance(value, list):
            return [dump(item) for item in value]
        return value.model_dump(exclude={"typename__"})

    return {name: dump(value) for name, value in results.items()}


def test_the_plain_http_warning_points_at_the_line_that_makes_a_generated_client(
    generated: Generated,
) -> None:
    url = "http://api.example.org/graphql"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = inspect.currentframe().f_lineno + 1  # type: ignore[union-attr]
        generated.package.Client(url, access_token="t").close()
        generated.package.AsyncClient(url, access_token="t")
    assert [w.category for w in caught] == [PlainHTTPWarning, PlainHTTPWarning]
    assert [(w.filename, w.lineno) for w in caught] == [(__file__, line), (__file__, line + 1)]


def test_the_clients_derive_from_the_sdk_bases(generated: Generated) -> None:
    assert issubclass(generated.package.AsyncClient, AsyncBaseClient)
    assert issubclass(generated.package.Client, BaseClient)


def test_every_method_of_the_sync_client(generated: Generated, shared_server: LocalServer) -> None:
    with generated.package.Client(shared_server.url, **CREDENTIALS) as client:
        results = call_all_sync(client)
        revoked = client.revoke_refresh_token(token="not-a-real-token")
    assert plain(results) == expected_results(shared_server)
    assert revoked is False


async def test_every_method_of_the_async_client(
    generated: Generated, shared_server: LocalServer
) -> None:
    async with generated.package.AsyncClient(shared_server.url, **CREDENTIALS) as client:
        results = await call_all_async(client)
        revoked = await client.revoke_refresh_token(token="not-a-real-token")
    assert plain(results) == expected_results(shared_server)
    assert revoked is False


def test_results_are_the_selection_models(generated: Generated, shared_server: LocalServer) -> None:
    package = generated.package
    with package.Client(shared_server.url, **CREDENTIALS) as client:
        (row,) = client.roster(limit=1)
        rows_without_code = client.care_rows(limit=2, with_code=False)
    assert isinstance(row, package.RosterStudents)
    assert set(type(row).model_fields) == {"id", "code", "classroom_name"}
    assert all(r.code is None and "code" not in r.model_fields_set for r in rows_without_code)


def test_revoked_tokens_mid_run_renew_once_without_error_sync(
    generated: Generated, server: LocalServer
) -> None:
    with generated.package.Client(server.url, **CREDENTIALS) as client:
        client.roster(limit=2)
        server.controls.revoke_access_tokens()
        teacher = client.teacher_visits(id=3)
        client.roster(limit=2)
    assert teacher is not None
    assert (server.counters.logins, server.counters.refreshes) == (1, 1)
    assert server.counters.unauthenticated_responses == 1


async def test_revoked_tokens_mid_run_renew_once_without_error_async(
    generated: Generated, server: LocalServer
) -> None:
    async with generated.package.AsyncClient(server.url, **CREDENTIALS) as client:
        await client.roster(limit=2)
        server.controls.revoke_access_tokens()
        results = await call_all_async(client)
    assert all(value is not None for value in results.values())
    assert (server.counters.logins, server.counters.refreshes) == (1, 1)


def test_the_request_selects_only_the_asked_fields(
    generated: Generated, shared_server: LocalServer
) -> None:
    bodies: list[dict[str, Any]] = []
    answers: list[dict[str, Any]] = []

    def record(request: httpx.Request) -> None:
        bodies.append(json.loads(request.content))

    def record_answer(response: httpx.Response) -> None:
        response.read()
        answers.append(response.json())

    hooks: dict[str, list[Callable[..., Any]]] = {"request": [record], "response": [record_answer]}
    with (
        httpx.Client(event_hooks=hooks) as http,
        generated.package.Client(shared_server.url, http_client=http, **CREDENTIALS) as client,
    ):
        client.roster(limit=2)
    roster_request = next(body for body in bodies if body.get("operationName") == "Roster")
    query = roster_request["query"]
    for field in ("id", "code", "classroomName"):
        assert field in query
    for personal in ("fullName", "firstname", "citizenId", "address", "dob", "mobileNo"):
        assert personal not in query
    assert roster_request["variables"] == {"limit": 2}
    rows = answers[-1]["data"]["students"]
    assert {key for row in rows for key in row} == {"id", "code", "classroomName"}


def test_constructed_like_the_sdk_clients(generated: Generated, shared_server: LocalServer) -> None:
    """Same arguments as NextSchool: tokens from another client, a token store, a hook."""
    changes: list[object] = []
    with NextSchool(shared_server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as sdk:
        sdk.login()
        tokens = sdk.tokens
    assert tokens is not None
    with generated.package.Client(
        shared_server.url,
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        on_tokens_changed=changes.append,
        max_retries=0,
        timeout=5.0,
    ) as client:
        assert client.roster(limit=1)
        client.logout()
    assert changes == [None]
    assert "eyJ" not in repr(client)


def test_errors_are_the_sdks_typed_errors(generated: Generated, shared_server: LocalServer) -> None:
    with (
        generated.package.Client(shared_server.url, **CREDENTIALS) as client,
        pytest.raises(GraphQLError) as raised,
    ):
        client.roster(limit=-1)
    assert raised.value.operation == "Roster"
