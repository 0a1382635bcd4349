"""The call flow at the edges of its retry rules, stepped by hand."""

from __future__ import annotations

import pytest

from nextschool import APIConnectionError, AuthenticationError, HTTPStatusError, RateLimitError
from nextschool.auth._flow import ObtainToken, RetryPolicy, SendRequest, Sleep, call_flow
from nextschool.auth._tokens import TokenSet

from .test_call_flow import NO_JITTER, OK, TOKEN_1, TOKEN_2, run, unauthenticated

TOKEN_3 = TokenSet("a3", "r", None, None, 3)


def test_a_rate_limit_without_a_wait_is_retried_with_backoff() -> None:
    flow = call_flow(authenticated=False, is_mutation=False, retry=NO_JITTER)
    limited = RateLimitError("slow down", retry_after=None)
    steps = run(flow, [limited, None, limited, None, OK])
    assert steps == [
        SendRequest(None),
        Sleep(0.5),
        SendRequest(None),
        Sleep(1.0),
        SendRequest(None),
        OK,
    ]


def test_a_mutation_rejected_by_the_rate_limiter_is_resent() -> None:
    flow = call_flow(authenticated=False, is_mutation=True, retry=NO_JITTER)
    steps = run(flow, [RateLimitError("slow down", retry_after=None), None, OK])
    assert steps == [SendRequest(None), Sleep(0.5), SendRequest(None), OK]


@pytest.mark.parametrize(("retry_after", "waits"), [(60, True), (60.5, False), (0, True)])
def test_the_longest_wait_honoured_is_exactly_the_cap(retry_after: float, waits: bool) -> None:
    flow = call_flow(authenticated=False, is_mutation=False, retry=NO_JITTER)
    next(flow)
    limited = RateLimitError("slow down", retry_after=retry_after)
    if waits:
        assert flow.throw(limited) == Sleep(float(retry_after))
    else:
        with pytest.raises(RateLimitError):
            flow.throw(limited)


def test_rate_limit_retries_are_bounded_too() -> None:
    policy = RetryPolicy(max_retries=1)
    limited = RateLimitError("slow down", retry_after=1)
    assert policy.delay(limited, 0, is_mutation=False) == 1.0
    assert policy.delay(limited, 1, is_mutation=False) is None
    assert RetryPolicy(max_retries=0).delay(limited, 0, is_mutation=False) is None


def test_a_resend_after_a_fault_does_not_report_the_token_as_rejected() -> None:
    flow = call_flow(authenticated=True, is_mutation=False, retry=NO_JITTER)
    steps = run(flow, [TOKEN_1, HTTPStatusError("HTTP 503", status_code=503), None, TOKEN_1, OK])
    assert steps == [
        ObtainToken(None),
        SendRequest(TOKEN_1),
        Sleep(0.5),
        ObtainToken(None),
        SendRequest(TOKEN_1),
        OK,
    ]


def test_the_auth_retry_is_counted_apart_from_ordinary_retries() -> None:
    flow = call_flow(authenticated=True, is_mutation=False, retry=RetryPolicy(max_retries=1))
    fault = APIConnectionError("reset")
    steps = run(flow, [TOKEN_1, unauthenticated(), TOKEN_2, fault, None, TOKEN_2, OK])
    assert steps[-1] is OK
    assert [step for step in steps if isinstance(step, ObtainToken)] == [
        ObtainToken(None),
        ObtainToken(TOKEN_1),
        ObtainToken(None),
    ]


def test_one_auth_retry_per_call_even_after_ordinary_retries() -> None:
    flow = call_flow(authenticated=True, is_mutation=False, retry=NO_JITTER)
    run(flow, [TOKEN_1, unauthenticated(), TOKEN_2, APIConnectionError("x"), None, TOKEN_3])
    with pytest.raises(AuthenticationError):
        flow.throw(unauthenticated())


def test_a_refused_call_without_a_token_is_not_renewed() -> None:
    # Unauthenticated operations (login, refresh) raise a refusal as is.
    flow = call_flow(authenticated=False, is_mutation=False, retry=NO_JITTER)
    assert next(flow) == SendRequest(None)
    with pytest.raises(AuthenticationError):
        flow.throw(unauthenticated())


@pytest.mark.parametrize("attempt", [0, 1, 2, 3])
def test_backoff_doubles_per_attempt_within_half_to_full(attempt: int) -> None:
    ceiling = min(8.0, 0.5 * 2**attempt)
    low = RetryPolicy(max_retries=9, jitter=lambda: 0.0)
    high = RetryPolicy(max_retries=9, jitter=lambda: 1.0)
    error = HTTPStatusError("HTTP 500", status_code=500)
    assert low.delay(error, attempt, is_mutation=False) == ceiling / 2
    assert high.delay(error, attempt, is_mutation=False) == ceiling
