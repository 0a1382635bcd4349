"""The call flow, stepped by hand: when it renews, retries and gives up."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from nextschool import (
    APIConnectionError,
    AuthenticationError,
    HTTPStatusError,
    InvalidCredentialsError,
    RateLimitError,
)
from nextschool._response import GraphQLResult
from nextschool.auth._flow import ObtainToken, RetryPolicy, SendRequest, Sleep, call_flow
from nextschool.auth._tokens import TokenSet

TOKEN_1 = TokenSet("a1", "r", None, None, 1)
TOKEN_2 = TokenSet("a2", "r", None, None, 2)
OK = GraphQLResult(200, {"ok": True})
NO_JITTER = RetryPolicy(jitter=lambda: 1.0)


def unauthenticated() -> AuthenticationError:
    return AuthenticationError("Authentication required", status_code=200)


def run(flow: Generator[Any, Any, GraphQLResult], answers: list[Any]) -> list[Any]:
    """Answer each yielded step in turn; return the steps seen."""
    steps = [next(flow)]
    for answer in answers:
        try:
            if isinstance(answer, Exception):
                steps.append(flow.throw(answer))
            else:
                steps.append(flow.send(answer))
        except StopIteration as stop:
            steps.append(stop.value)
            break
    return steps


def test_unauthenticated_renews_once_and_resends() -> None:
    flow = call_flow(authenticated=True, is_mutation=False, retry=NO_JITTER)
    steps = run(flow, [TOKEN_1, unauthenticated(), TOKEN_2, OK])
    assert steps == [
        ObtainToken(None),
        SendRequest(TOKEN_1),
        ObtainToken(TOKEN_1),
        SendRequest(TOKEN_2),
        OK,
    ]


def test_second_rejection_is_raised_not_looped() -> None:
    flow = call_flow(authenticated=True, is_mutation=False, retry=NO_JITTER)
    run(flow, [TOKEN_1, unauthenticated(), TOKEN_2])
    with pytest.raises(AuthenticationError):
        flow.throw(unauthenticated())


def test_invalid_credentials_are_never_retried() -> None:
    flow = call_flow(authenticated=False, is_mutation=True, retry=NO_JITTER)
    assert next(flow) == SendRequest(None)
    with pytest.raises(InvalidCredentialsError):
        flow.throw(InvalidCredentialsError("Invalid credentials"))


def test_auth_operations_never_obtain_a_token() -> None:
    flow = call_flow(authenticated=False, is_mutation=True, retry=NO_JITTER)
    assert next(flow) == SendRequest(None)
    with pytest.raises(AuthenticationError):
        flow.throw(unauthenticated())


def test_rate_limit_waits_retry_after_then_resends() -> None:
    flow = call_flow(authenticated=False, is_mutation=True, retry=NO_JITTER)
    steps = run(flow, [RateLimitError("slow down", retry_after=1.5), None, OK])
    assert steps == [SendRequest(None), Sleep(1.5), SendRequest(None), OK]


def test_rate_limit_asking_too_long_a_wait_is_raised() -> None:
    flow = call_flow(authenticated=False, is_mutation=False, retry=NO_JITTER)
    next(flow)
    with pytest.raises(RateLimitError):
        flow.throw(RateLimitError("slow down", retry_after=3600))


@pytest.mark.parametrize(
    "error", [APIConnectionError("reset"), HTTPStatusError("HTTP 502", status_code=502)]
)
def test_queries_are_retried_on_faults_with_backoff(error: Exception) -> None:
    flow = call_flow(authenticated=False, is_mutation=False, retry=NO_JITTER)
    steps = run(flow, [error, None, error, None, OK])
    assert steps == [
        SendRequest(None),
        Sleep(0.5),
        SendRequest(None),
        Sleep(1.0),
        SendRequest(None),
        OK,
    ]


def test_retries_are_bounded() -> None:
    flow = call_flow(authenticated=False, is_mutation=False, retry=NO_JITTER)
    run(flow, [APIConnectionError("x"), None, APIConnectionError("x"), None])
    with pytest.raises(APIConnectionError):
        flow.throw(APIConnectionError("x"))


@pytest.mark.parametrize(
    "error", [APIConnectionError("reset"), HTTPStatusError("HTTP 502", status_code=502)]
)
def test_mutations_are_not_resent_after_a_fault(error: Exception) -> None:
    flow = call_flow(authenticated=False, is_mutation=True, retry=NO_JITTER)
    next(flow)
    with pytest.raises(type(error)):
        flow.throw(error)


def test_client_errors_are_not_retried() -> None:
    flow = call_flow(authenticated=False, is_mutation=False, retry=NO_JITTER)
    next(flow)
    with pytest.raises(HTTPStatusError):
        flow.throw(HTTPStatusError("HTTP 400", status_code=400))


def test_backoff_is_capped_and_jittered() -> None:
    policy = RetryPolicy(max_retries=10, jitter=lambda: 0.0)
    delays = [policy.delay(APIConnectionError("x"), n, is_mutation=False) for n in range(8)]
    assert delays[0] == 0.25
    assert max(d for d in delays if d is not None) == 4.0
