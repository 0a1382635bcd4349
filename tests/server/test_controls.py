"""Every control a test can turn: revocation, auth status, delays, faults, rate limits."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor, wait

import httpx
import pytest

from nextschool.testing import LocalServer, ServerSettings, run_local_server

from .helpers import LOGIN, Api

STUDENTS = "query Students { students(limit: 2) { id } }"
TEACHERS = "query Teachers { teachers(limit: 2) { id } }"


def is_unauthenticated(body: dict[str, object]) -> bool:
    errors = body.get("errors")
    return (
        isinstance(errors, list)
        and body.get("data") is None
        and all(e["extensions"]["code"] == "UNAUTHENTICATED" for e in errors)
    )


def test_revoke_access_tokens_rejects_earlier_tokens_only(
    api: Api, nextschool_server: LocalServer
) -> None:
    old = api.login()
    also_old = nextschool_server.issue_tokens().access_token
    nextschool_server.controls.revoke_access_tokens()
    # Issued in the same second as the revocation, yet still valid.
    new = api.login()
    assert is_unauthenticated(api.gql(STUDENTS, token=old["accessToken"]))
    assert is_unauthenticated(api.gql(STUDENTS, token=also_old))
    assert "errors" not in api.gql(STUDENTS, token=new["accessToken"])
    # The refresh token survives and yields a working access token.
    refreshed = api.refresh(old["refreshToken"])["data"]["refreshToken"]["accessToken"]
    assert "errors" not in api.gql(STUDENTS, token=refreshed)
    # A revoked token is not an expired one.
    assert nextschool_server.counters.expired_token_requests == 0


def test_revoke_refresh_tokens(api: Api, nextschool_server: LocalServer) -> None:
    tokens = api.login()
    nextschool_server.controls.revoke_refresh_tokens()
    body = api.refresh(tokens["refreshToken"])
    assert body["errors"][0]["message"] == "Invalid or expired refresh token"
    # Access tokens are untouched, and new logins get working refresh tokens.
    assert "errors" not in api.gql(STUDENTS, token=tokens["accessToken"])
    assert "errors" not in api.refresh(api.login()["refreshToken"])


def test_reject_all_tokens_rejects_fresh_tokens_too(
    api: Api, nextschool_server: LocalServer
) -> None:
    nextschool_server.controls.reject_all_tokens = True
    tokens = api.login()
    assert is_unauthenticated(api.gql(STUDENTS, token=tokens["accessToken"]))
    fresh = api.refresh(tokens["refreshToken"])["data"]["refreshToken"]["accessToken"]
    assert is_unauthenticated(api.gql(STUDENTS, token=fresh))
    nextschool_server.controls.reject_all_tokens = False
    assert "errors" not in api.gql(STUDENTS, token=fresh)


def test_auth_failure_status_401_keeps_the_body(api: Api, nextschool_server: LocalServer) -> None:
    expected = api.post(STUDENTS).json()
    nextschool_server.controls.auth_failure_status = 401
    response = api.post(STUDENTS)
    assert response.status_code == 401
    assert response.json() == expected
    assert response.headers["www-authenticate"].startswith("Bearer")
    # Only authentication failures change status.
    assert api.post(LOGIN, {"username": "demo", "password": "x"}).status_code == 200
    token = api.login()["accessToken"]
    assert api.post(STUDENTS, token=token).status_code == 200


def test_delay_is_added_to_every_response(api: Api, nextschool_server: LocalServer) -> None:
    nextschool_server.controls.delay = 0.3
    started = time.perf_counter()
    api.post("{ __typename }")
    api.post("not json at all")
    assert time.perf_counter() - started >= 0.6
    nextschool_server.controls.delay = 0.0
    started = time.perf_counter()
    api.post("{ __typename }")
    assert time.perf_counter() - started < 0.25


def test_held_requests_are_answered_only_once_released(
    api: Api, nextschool_server: LocalServer
) -> None:
    controls = nextschool_server.controls
    token = nextschool_server.issue_tokens().access_token
    held = controls.hold_next(1, operation="Students")
    with ThreadPoolExecutor(max_workers=1) as pool:
        answer = pool.submit(api.gql, STUDENTS, token=token)
        held.wait_until_arrived()
        # Other operations, and the next Students call, are not held.
        assert "errors" not in api.gql(TEACHERS, token=token)
        assert "errors" not in api.gql(STUDENTS, token=token)
        assert not answer.done()
        assert held.arrived == 1
        held.release()
        assert "errors" not in answer.result(timeout=10)
    assert nextschool_server.counters.requests_by_operation["Students"] == 2


def test_a_held_request_still_gets_its_fault(api: Api, nextschool_server: LocalServer) -> None:
    controls = nextschool_server.controls
    held = controls.hold_next(1)
    controls.fail_next(1, "http_503")
    with ThreadPoolExecutor(max_workers=1) as pool:
        answer = pool.submit(api.post, "{ __typename }")
        held.wait_until_arrived()
        held.release()
        assert answer.result(timeout=10).status_code == 503


def test_waiting_for_requests_that_never_come_times_out(nextschool_server: LocalServer) -> None:
    held = nextschool_server.controls.hold_next(2)
    with pytest.raises(TimeoutError, match="0 of 1 held requests arrived"):
        held.wait_until_arrived(1, timeout=0.01)


@pytest.mark.parametrize(
    ("kind", "status", "text"),
    [
        ("http_500", 500, "Internal Server Error"),
        ("http_502", 502, "Bad Gateway"),
        ("http_503", 503, "Service Unavailable"),
    ],
)
def test_fail_next_http_errors_have_no_json_body(
    api: Api, nextschool_server: LocalServer, kind: str, status: int, text: str
) -> None:
    nextschool_server.controls.fail_next(2, kind)
    for _ in range(2):
        response = api.post("{ __typename }")
        assert response.status_code == status
        assert response.text == text
        assert response.headers["content-type"].startswith("text/plain")
        with pytest.raises(json.JSONDecodeError):
            response.json()
    assert api.post("{ __typename }").status_code == 200


def test_fail_next_html_looks_like_a_proxy_page(api: Api, nextschool_server: LocalServer) -> None:
    nextschool_server.controls.fail_next(1, "html")
    response = api.post("{ __typename }")
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert "<html>" in response.text
    assert "502 Bad Gateway" in response.text


def test_fail_next_malformed_json(api: Api, nextschool_server: LocalServer) -> None:
    nextschool_server.controls.fail_next(1, "malformed_json")
    response = api.post("{ __typename }")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    response.content.decode("utf-8")  # broken JSON, but valid text
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_fail_next_drop_connection_breaks_the_body(
    api: Api, nextschool_server: LocalServer
) -> None:
    nextschool_server.controls.fail_next(1, "drop_connection")
    with pytest.raises(httpx.RemoteProtocolError):
        api.post("{ __typename }")
    # The server and the client's pool recover.
    assert api.gql("{ __typename }") == {"data": {"__typename": "Query"}}


async def test_drop_connection_with_an_async_client(nextschool_server: LocalServer) -> None:
    nextschool_server.controls.fail_next(1, "drop_connection")
    async with httpx.AsyncClient() as client:
        with pytest.raises(httpx.RemoteProtocolError):
            await client.post(nextschool_server.url, json={"query": "{ __typename }"})
        response = await client.post(nextschool_server.url, json={"query": "{ __typename }"})
        assert response.status_code == 200


def test_fail_next_only_hits_the_named_operation(api: Api, nextschool_server: LocalServer) -> None:
    token = nextschool_server.issue_tokens().access_token
    nextschool_server.controls.fail_next(2, "http_503", operation="Teachers")
    assert api.post(STUDENTS, token=token).status_code == 200
    assert api.post(TEACHERS, token=token).status_code == 503
    assert api.post(STUDENTS, token=token).status_code == 200
    # operationName picks the operation in a multi-operation document.
    both = STUDENTS + "\n" + TEACHERS
    response = api.post(both, token=token, operation_name="Teachers")
    assert response.status_code == 503
    assert api.post(TEACHERS, token=token).status_code == 200
    assert nextschool_server.controls.pending_faults == 0


def test_faults_queue_in_order(api: Api, nextschool_server: LocalServer) -> None:
    controls = nextschool_server.controls
    controls.fail_next(1, "http_500")
    controls.rate_limit_next(1)
    controls.fail_next(1, "http_502")
    statuses = [api.post("{ __typename }").status_code for _ in range(4)]
    assert statuses == [500, 429, 502, 200]


def test_rate_limit_next_http(api: Api, nextschool_server: LocalServer) -> None:
    nextschool_server.controls.rate_limit_next(2, retry_after=7)
    for _ in range(2):
        response = api.post("{ __typename }")
        assert response.status_code == 429
        assert response.json() == {"errors": [{"message": "Too many requests"}]}
        assert response.headers["retry-after"] == "7"
        assert response.headers["x-ratelimit-limit"] == "100"
        assert response.headers["x-ratelimit-remaining"] == "0"
        reset = int(response.headers["x-ratelimit-reset"])
        assert time.time() < reset <= time.time() + 8
    assert api.post("{ __typename }").status_code == 200


def test_rate_limit_next_graphql(api: Api, nextschool_server: LocalServer) -> None:
    token = nextschool_server.issue_tokens().access_token
    nextschool_server.controls.rate_limit_next(1, mode="graphql", retry_after=30)
    body = api.gql(STUDENTS, token=token)
    assert body["data"] is None
    [error] = body["errors"]
    assert error["message"] == "Too many requests. Please slow down."
    assert error["extensions"] == {"code": "RATE_LIMITED", "retryAfter": 30}
    assert error["path"] == ["students"]
    assert "errors" not in api.gql(STUDENTS, token=token)


def test_rate_limit_next_graphql_on_login_uses_the_login_message(
    api: Api, nextschool_server: LocalServer
) -> None:
    nextschool_server.controls.rate_limit_next(1, mode="graphql", retry_after=45, operation="Login")
    assert "errors" not in api.gql(STUDENTS, token=nextschool_server.issue_tokens().access_token)
    body = api.gql(LOGIN, {"username": "demo", "password": "demo"})
    [error] = body["errors"]
    assert error["message"] == "Too many login attempts. Please try again later."
    assert error["extensions"] == {"code": "RATE_LIMITED", "retryAfter": 45}
    assert error["path"] == ["login"]


def test_reset_clears_faults_and_knobs(api: Api, nextschool_server: LocalServer) -> None:
    controls = nextschool_server.controls
    controls.fail_next(5, "http_500")
    controls.rate_limit_next(5)
    controls.delay = 5.0
    controls.auth_failure_status = 401
    controls.reject_all_tokens = True
    held = controls.hold_next(3)
    controls.reset()
    assert held.released
    assert controls.pending_faults == 0
    assert (controls.delay, controls.auth_failure_status, controls.reject_all_tokens) == (
        0.0,
        200,
        False,
    )
    token = nextschool_server.issue_tokens().access_token
    assert "errors" not in api.gql(STUDENTS, token=token)
    assert api.post(STUDENTS).status_code == 200


def test_controls_reject_unknown_kinds(nextschool_server: LocalServer) -> None:
    controls = nextschool_server.controls
    with pytest.raises(ValueError, match="failure kind"):
        controls.fail_next(1, "teapot")
    with pytest.raises(ValueError, match="rate limit mode"):
        controls.rate_limit_next(1, mode="smoke")
    with pytest.raises(ValueError, match="negative"):
        controls.fail_next(-1, "html")
    assert controls.pending_faults == 0


def test_stopping_the_server_releases_held_requests() -> None:
    with ThreadPoolExecutor(max_workers=1) as pool:
        with run_local_server(ServerSettings(rate_limits=False)) as server:
            held = server.controls.hold_next(1)
            answer = pool.submit(httpx.post, server.url, json={"query": "{ __typename }"})
            held.wait_until_arrived()
        assert held.released
        # Answered or cut off by the shutdown, but not left waiting for the hold.
        done, _ = wait([answer], timeout=10)
        assert answer in done
