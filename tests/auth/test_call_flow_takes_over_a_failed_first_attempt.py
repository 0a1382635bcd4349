"""A call the client sent on its own and that failed: the flow carries on from it.

The clients send a call whose token is fresh without starting a flow; when
that attempt fails they hand it to the flow as a `FailedAttempt`. The flow
must then behave exactly as if it had sent that attempt itself: no second
first attempt, the attempt counted against the retry bound, a refused token
renewed once (and reported as the one refused), a final error raised as is.
"""

from __future__ import annotations

import pytest

from nextschool import (
    APIConnectionError,
    AuthenticationError,
    HTTPStatusError,
    InvalidCredentialsError,
)
from nextschool.auth._flow import FailedAttempt, ObtainToken, SendRequest, Sleep, call_flow

from .test_call_flow import NO_JITTER, OK, TOKEN_1, TOKEN_2, run, unauthenticated


def test_a_refused_first_attempt_renews_that_token_and_resends_once() -> None:
    flow = call_flow(
        authenticated=True,
        is_mutation=False,
        retry=NO_JITTER,
        first_attempt=FailedAttempt(TOKEN_1, unauthenticated()),
    )
    steps = run(flow, [TOKEN_2, OK])
    # The flow's first step is the renewal: it does not send the call again
    # before it, and it names the token the server refused.
    assert steps == [ObtainToken(TOKEN_1), SendRequest(TOKEN_2), OK]


def test_a_second_refusal_after_a_refused_first_attempt_is_raised() -> None:
    flow = call_flow(
        authenticated=True,
        is_mutation=False,
        retry=NO_JITTER,
        first_attempt=FailedAttempt(TOKEN_1, unauthenticated()),
    )
    assert run(flow, [TOKEN_2]) == [ObtainToken(TOKEN_1), SendRequest(TOKEN_2)]
    with pytest.raises(AuthenticationError):
        flow.throw(unauthenticated())


def test_a_failed_first_attempt_counts_against_the_retry_bound() -> None:
    fault = HTTPStatusError("HTTP 502", status_code=502)
    flow = call_flow(
        authenticated=True,
        is_mutation=False,
        retry=NO_JITTER,
        first_attempt=FailedAttempt(TOKEN_1, fault),
    )
    # max_retries=2: the failed attempt plus two more sends, then the error.
    steps = run(flow, [None, TOKEN_1, fault, None, TOKEN_1])
    assert steps == [
        Sleep(0.5),
        ObtainToken(None),
        SendRequest(TOKEN_1),
        Sleep(1.0),
        ObtainToken(None),
        SendRequest(TOKEN_1),
    ]
    with pytest.raises(HTTPStatusError) as raised:
        flow.throw(HTTPStatusError("HTTP 503", status_code=503))
    assert raised.value.status_code == 503


def test_a_final_error_of_the_first_attempt_is_raised_as_it_came() -> None:
    refused = InvalidCredentialsError("Invalid credentials")
    flow = call_flow(
        authenticated=True,
        is_mutation=False,
        retry=NO_JITTER,
        first_attempt=FailedAttempt(TOKEN_1, refused),
    )
    with pytest.raises(InvalidCredentialsError) as raised:
        next(flow)
    assert raised.value is refused


def test_a_mutation_whose_first_attempt_failed_is_not_sent_again() -> None:
    dropped = APIConnectionError("reset")
    flow = call_flow(
        authenticated=True,
        is_mutation=True,
        retry=NO_JITTER,
        first_attempt=FailedAttempt(TOKEN_1, dropped),
    )
    with pytest.raises(APIConnectionError) as raised:
        next(flow)
    assert raised.value is dropped


def test_an_unauthenticated_operation_whose_first_attempt_failed_is_resent_without_a_token() -> (
    None
):
    fault = APIConnectionError("reset")
    flow = call_flow(
        authenticated=False,
        is_mutation=False,
        retry=NO_JITTER,
        first_attempt=FailedAttempt(None, fault),
    )
    assert run(flow, [None, OK]) == [Sleep(0.5), SendRequest(None), OK]
