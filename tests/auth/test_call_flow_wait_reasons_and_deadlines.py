"""Why the flow waits (shown to people during long waits) and when a wait would pass the deadline.

Stepped by hand with a fixed clock; the same reasons are checked over HTTP in
tests/retries/test_wait_reasons_over_http.py.
"""

from __future__ import annotations

import pytest

from nextschool import (
    APIConnectionError,
    APITimeoutError,
    HTTPStatusError,
    NextSchoolError,
    RateLimitError,
)
from nextschool.auth._flow import SendRequest, Sleep, call_flow, retry_reason

from .test_call_flow import NO_JITTER

REASONS = {
    "rate limit": (RateLimitError("slow down", retry_after=1), "rate limited by the API"),
    "timeout": (APITimeoutError(), "the API did not answer in time"),
    "connection": (APIConnectionError("reset"), "no response from the API"),
    "HTTP 503": (HTTPStatusError("HTTP 503", status_code=503), "the API answered HTTP 503"),
    "HTTP 500": (HTTPStatusError("HTTP 500", status_code=500), "the API answered HTTP 500"),
}


@pytest.mark.parametrize(("error", "reason"), REASONS.values(), ids=REASONS.keys())
def test_each_wait_says_why(error: NextSchoolError, reason: str) -> None:
    flow = call_flow(authenticated=False, is_mutation=False, retry=NO_JITTER)
    assert next(flow) == SendRequest(None)
    wait = flow.throw(error)
    assert isinstance(wait, Sleep)
    assert wait.reason == reason


def test_an_error_without_a_known_cause_is_still_explained() -> None:
    # Only reachable with a retry policy that retries other errors; the reason
    # must still be a sentence, not a class name or an empty string.
    assert retry_reason(HTTPStatusError("HTTP ???")) == "the API failed"
    assert retry_reason(NextSchoolError("odd")) == "the API failed"


@pytest.mark.parametrize(
    ("deadline_at", "waits"),
    [
        (11.0, False),  # the wait would end exactly at the deadline: nothing left for the call
        (11.001, True),
        (10.5, False),
        (5.0, False),
    ],
)
def test_a_wait_that_would_end_at_or_past_the_deadline_is_not_started(
    deadline_at: float, waits: bool
) -> None:
    limited = RateLimitError("slow down", retry_after=1)
    flow = call_flow(
        authenticated=False,
        is_mutation=False,
        retry=NO_JITTER,
        deadline_at=deadline_at,
        clock=lambda: 10.0,
    )
    next(flow)
    if waits:
        assert flow.throw(limited) == Sleep(1.0)
    else:
        with pytest.raises(RateLimitError) as raised:
            flow.throw(limited)
        assert raised.value is limited


def test_a_long_wait_is_measured_from_now_not_subtracted() -> None:
    # Ten seconds of Retry-After at t=100 end at t=110, past a deadline at 105.
    limited = RateLimitError("slow down", retry_after=10)
    flow = call_flow(
        authenticated=False,
        is_mutation=False,
        retry=NO_JITTER,
        deadline_at=105.0,
        clock=lambda: 100.0,
    )
    next(flow)
    with pytest.raises(RateLimitError):
        flow.throw(limited)
