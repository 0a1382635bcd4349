"""The three documented rate-limit layers, on by default."""

from __future__ import annotations

import time

import pytest

from nextschool.testing import LocalServer, ServerSettings
from nextschool.testing.pytest_plugin import ServerFactory
from nextschool.testing.server import run_local_server

from .helpers import LOGIN, api_for

TYPENAME = "{ __typename }"
STUDENTS = "{ students(limit: 1) { id } }"


def test_defaults_are_the_documented_limits() -> None:
    settings = ServerSettings()
    assert settings.rate_limits is True
    assert settings.global_limit_per_minute == 100
    assert settings.login_limit_per_minute == 5
    assert settings.user_limit_per_minute == 60


def test_default_server_limits_logins_to_five_per_minute() -> None:
    with run_local_server() as server:
        for api in api_for(server):
            for _ in range(5):
                assert "errors" not in api.gql(LOGIN, {"username": "demo", "password": "demo"})
            body = api.gql(LOGIN, {"username": "demo", "password": "demo"})
            assert server.counters.logins == 5
            assert server.counters.login_attempts == 6
    [error] = body["errors"]
    assert body["data"] is None
    assert error["message"] == "Too many login attempts. Please try again later."
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert 1 <= error["extensions"]["retryAfter"] <= 60
    assert error["path"] == ["login"]


def test_failed_logins_count_against_the_login_limit(
    nextschool_server_factory: ServerFactory,
) -> None:
    server = nextschool_server_factory(rate_limits=True, login_limit_per_minute=2)
    for api in api_for(server):
        for _ in range(2):
            body = api.gql(LOGIN, {"username": "demo", "password": "wrong"})
            assert body["errors"][0]["message"] == "Invalid credentials"
        body = api.gql(LOGIN, {"username": "demo", "password": "demo"})
        assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        # Other requests are not login attempts.
        assert api.gql(TYPENAME) == {"data": {"__typename": "Query"}}


def test_global_limit_answers_429_with_headers(nextschool_server_factory: ServerFactory) -> None:
    server = nextschool_server_factory(rate_limits=True, global_limit_per_minute=4)
    for api in api_for(server):
        remaining = []
        for _ in range(4):
            response = api.post(TYPENAME)
            assert response.status_code == 200
            assert response.headers["x-ratelimit-limit"] == "4"
            remaining.append(int(response.headers["x-ratelimit-remaining"]))
        assert remaining == [3, 2, 1, 0]
        response = api.post(TYPENAME)
        now = time.time()
    assert response.status_code == 429
    assert response.json() == {"errors": [{"message": "Too many requests"}]}
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= 60
    assert response.headers["x-ratelimit-limit"] == "4"
    assert response.headers["x-ratelimit-remaining"] == "0"
    reset = int(response.headers["x-ratelimit-reset"])
    assert now < reset <= now + 61
    assert abs((reset - now) - retry_after) <= 1.5


def test_global_limit_counts_every_kind_of_request(
    nextschool_server_factory: ServerFactory,
) -> None:
    server = nextschool_server_factory(rate_limits=True, global_limit_per_minute=3)
    for api in api_for(server):
        api.post(LOGIN, {"username": "demo", "password": "demo"})
        api.post(STUDENTS)
        api.post("{ nope }")
        assert api.post(TYPENAME).status_code == 429
        assert api.post(LOGIN, {"username": "demo", "password": "demo"}).status_code == 429


def test_per_user_limit_is_a_graphql_error(nextschool_server_factory: ServerFactory) -> None:
    server = nextschool_server_factory(rate_limits=True, user_limit_per_minute=3)
    demo = server.issue_tokens().access_token
    other = server.issue_tokens("other").access_token
    for api in api_for(server):
        for _ in range(3):
            assert "errors" not in api.gql(STUDENTS, token=demo)
        response = api.post(STUDENTS, token=demo)
        assert response.status_code == 200
        assert "x-ratelimit-limit" in response.headers
        body = response.json()
        # The limit is per user: another account still has its budget.
        assert "errors" not in api.gql(STUDENTS, token=other)
        # Unauthenticated requests and introspection are not per-user.
        assert api.gql(TYPENAME) == {"data": {"__typename": "Query"}}
    assert body["data"] is None
    [error] = body["errors"]
    assert error["message"] == "Too many requests. Please slow down."
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert 1 <= error["extensions"]["retryAfter"] <= 60
    assert error["path"] == ["students"]


def test_per_user_limit_follows_the_user_across_tokens(
    nextschool_server_factory: ServerFactory,
) -> None:
    server = nextschool_server_factory(rate_limits=True, user_limit_per_minute=2)
    for api in api_for(server):
        for _ in range(2):
            assert "errors" not in api.gql(STUDENTS, token=server.issue_tokens().access_token)
        body = api.gql(STUDENTS, token=server.issue_tokens().access_token)
        assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


def test_rate_limits_can_be_switched_off(nextschool_server: LocalServer) -> None:
    assert nextschool_server.settings.rate_limits is False
    token = nextschool_server.issue_tokens().access_token
    for api in api_for(nextschool_server):
        for _ in range(8):
            assert "errors" not in api.gql(LOGIN, {"username": "demo", "password": "demo"})
        for _ in range(110):
            response = api.post(STUDENTS, token=token)
            assert response.status_code == 200
            assert "errors" not in response.json()
        assert "x-ratelimit-limit" not in response.headers


def test_reset_rate_limits_restores_the_budget(nextschool_server_factory: ServerFactory) -> None:
    server = nextschool_server_factory(rate_limits=True, global_limit_per_minute=1)
    for api in api_for(server):
        assert api.post(TYPENAME).status_code == 200
        assert api.post(TYPENAME).status_code == 429
        server.controls.reset_rate_limits()
        assert api.post(TYPENAME).status_code == 200


def test_every_layer_counts_its_rejections(nextschool_server_factory: ServerFactory) -> None:
    server = nextschool_server_factory(
        rate_limits=True,
        global_limit_per_minute=6,
        login_limit_per_minute=1,
        user_limit_per_minute=1,
    )
    token = server.issue_tokens().access_token
    for api in api_for(server):
        api.post(LOGIN, {"username": "demo", "password": "demo"})
        assert "errors" in api.gql(LOGIN, {"username": "demo", "password": "demo"})
        api.post(STUDENTS, token=token)
        assert "errors" in api.gql(STUDENTS, token=token)
        assert "errors" in api.gql(STUDENTS, token=token)
        api.post(TYPENAME)
        assert api.post(TYPENAME).status_code == 429
    counts = server.counters.snapshot()
    assert (counts.rate_limited_global, counts.rate_limited_login, counts.rate_limited_user) == (
        1,
        1,
        2,
    )
    assert counts.rate_limited == server.counters.rate_limited == 4
    server.counters.reset()
    assert server.counters.snapshot().rate_limited == 0


def test_the_window_is_configurable_and_keeps_the_counts(
    nextschool_server_factory: ServerFactory,
) -> None:
    server = nextschool_server_factory(
        rate_limits=True, rate_limit_window=1.0, user_limit_per_minute=2
    )
    token = server.issue_tokens().access_token
    for api in api_for(server):
        assert "errors" not in api.gql(STUDENTS, token=token)
        assert "errors" not in api.gql(STUDENTS, token=token)
        body = api.gql(STUDENTS, token=token)
        assert body["errors"][0]["extensions"]["retryAfter"] == 1
        time.sleep(1.05)
        assert "errors" not in api.gql(STUDENTS, token=token)
    assert server.counters.rate_limited_user == 1


def test_the_window_must_be_positive() -> None:
    for window in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="rate_limit_window"):
            ServerSettings(rate_limit_window=window)
