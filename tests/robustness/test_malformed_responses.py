"""Malformed answers never get anything but a NextSchoolError out of either client.

Every example feeds one broken answer (not JSON, wrong types, missing keys,
odd `errors` and `extensions`, HTML pages, empty, deeply nested, odd statuses
and Retry-After headers) into one call, then checks that the error is typed,
holds no secret, and that the same client's next call works.
"""

from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from nextschool import APIConnectionError, APITimeoutError, NextSchoolError

from ._drivers import CLIENT_KINDS, ClientKind
from ._harness import (
    OPERATIONS,
    Operation,
    assert_no_secrets,
    captured_logs,
    check_first_call,
    check_recovered,
    error_texts,
    run,
)
from ._payloads import template_data
from ._scripted_api import CannedResponse, ScriptedApi
from ._strategies import malformed_responses, scaled_examples

FAST_EXAMPLES = settings(
    max_examples=scaled_examples(100),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _check_example(
    kind: ClientKind, operation: Operation, script: list[CannedResponse | httpx.HTTPError]
) -> NextSchoolError | None:
    api = ScriptedApi()
    with captured_logs() as logs:
        outcome = run(kind, api, operation, script)
    check_first_call(api, operation, outcome)
    check_recovered(api, operation, outcome)
    texts = [*logs.lines, outcome.client_repr]
    if outcome.first_error is not None:
        texts += error_texts(outcome.first_error)
    assert_no_secrets(texts, api.secrets())
    event(type(outcome.first_error).__name__ if outcome.first_error else "returned")
    return outcome.first_error


@pytest.mark.parametrize("kind", CLIENT_KINDS)
@pytest.mark.parametrize("operation", OPERATIONS, ids=repr)
@FAST_EXAMPLES
@given(data=st.data())
def test_malformed_answer_gives_typed_error_and_client_recovers(
    kind: ClientKind, operation: Operation, data: st.DataObject
) -> None:
    response = data.draw(malformed_responses(operation.target), label="response")
    _check_example(kind, operation, [response])


@pytest.mark.parametrize("kind", CLIENT_KINDS)
@pytest.mark.parametrize("operation", OPERATIONS, ids=repr)
@settings(FAST_EXAMPLES, max_examples=scaled_examples(25))
@given(data=st.data())
def test_two_malformed_answers_in_a_row(
    kind: ClientKind, operation: Operation, data: st.DataObject
) -> None:
    # Two bad answers reach the renewal paths too: the 401 retry and its refresh.
    responses = data.draw(
        st.lists(malformed_responses(operation.target), min_size=2, max_size=2), label="responses"
    )
    _check_example(kind, operation, list(responses))


TRANSPORT_ERRORS = [
    httpx.ConnectError("refused"),
    httpx.ConnectTimeout("connect timeout"),
    httpx.ReadTimeout("read timeout"),
    httpx.WriteTimeout("write timeout"),
    httpx.PoolTimeout("pool timeout"),
    httpx.ReadError("reset"),
    httpx.WriteError("broken pipe"),
    httpx.RemoteProtocolError("peer closed connection without sending complete message body"),
    httpx.LocalProtocolError("illegal header"),
    httpx.DecodingError("bad gzip"),
    httpx.ProxyError("proxy said no"),
]


@pytest.mark.parametrize("kind", CLIENT_KINDS)
@pytest.mark.parametrize("operation", OPERATIONS, ids=repr)
@settings(FAST_EXAMPLES, max_examples=scaled_examples(12))
@given(error=st.sampled_from(TRANSPORT_ERRORS))
def test_transport_failure_gives_connection_error(
    kind: ClientKind, operation: Operation, error: httpx.HTTPError
) -> None:
    raised = _check_example(kind, operation, [error])
    if isinstance(error, httpx.TimeoutException):
        assert isinstance(raised, APITimeoutError)
    else:
        assert type(raised) is APIConnectionError


def _huge_body(body_kind: str, size: int, operation: str) -> bytes:
    if body_kind == "binary":
        return bytes(range(256)) * (size // 256)
    if body_kind == "html":
        return b"<html><body>" + b"<p>Service Unavailable</p>" * (size // 26) + b"</body></html>"
    if body_kind == "unterminated_string":
        return b'{"data": {"students": [{"id": 1, "firstname": "' + b"x" * size
    if body_kind == "many_errors":
        entry = {"message": "boom", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}
        return json.dumps({"errors": [entry] * (size // 70)}).encode()
    if body_kind == "huge_string_in_valid_payload":
        payload = template_data(operation)
        body = json.dumps({"data": payload})
        # The longest string in the payload grows to `size`; the answer stays valid.
        return body.replace('"ม.1/1"', json.dumps("ก" * (size // 3)), 1).encode()
    return b"[" * size


@pytest.mark.parametrize("kind", CLIENT_KINDS)
@settings(FAST_EXAMPLES, max_examples=scaled_examples(6))
@given(
    body_kind=st.sampled_from(
        [
            "binary",
            "html",
            "unterminated_string",
            "many_errors",
            "nesting",
            "huge_string_in_valid_payload",
        ]
    ),
    size=st.integers(min_value=1 << 20, max_value=4 << 20),
    status=st.sampled_from([200, 502]),
)
def test_huge_bodies(kind: ClientKind, body_kind: str, size: int, status: int) -> None:
    operation = OPERATIONS[0]  # students: the list query, where big answers come from
    body = _huge_body(body_kind, size, operation.target)
    _check_example(kind, operation, [CannedResponse(status, body)])
