"""Run one operation of either client against a `ScriptedApi`, and check the outcome.

The scenario of every example: build a client on the mock transport, play the
scripted (malformed) answers into one call, then make the same call again with
only valid answers left and check it returns exactly what the API sent.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pydantic

from nextschool import AsyncNextSchool, NextSchool, NextSchoolError
from nextschool.generated_client import models
from nextschool.generated_client.models import (
    LoginLogin,
    QuestionnaireTemplateFields,
    RefreshTokenRefreshToken,
    StudentFields,
    TeacherFields,
    VisitStatsFields,
)

from ._drivers import ClientKind
from ._payloads import INITIAL_ACCESS_TOKEN, INITIAL_REFRESH_TOKEN, PASSWORD, USERNAME
from ._scripted_api import API_URL, UNAUTHENTICATED, CannedResponse, ScriptedApi, ScriptItem


def _list_of(item_type: type) -> Callable[[object], bool]:
    return lambda result: (
        isinstance(result, list) and all(isinstance(item, item_type) for item in result)
    )


def _optional(item_type: type) -> Callable[[object], bool]:
    return lambda result: result is None or isinstance(result, item_type)


@dataclass(frozen=True)
class Operation:
    """One client method, and which request of its call gets the malformed answer.

    `target` is the GraphQL operation the malformed answer is built for; `lead`
    are answers served before it (e.g. an UNAUTHENTICATED that forces a refresh).
    """

    label: str
    method: str
    target: str
    result_of: str  # the GraphQL operation whose answer the method returns
    is_typed: Callable[[object], bool]
    kwargs: dict[str, Any] = field(default_factory=dict)
    preset_tokens: bool = True
    lead: tuple[CannedResponse, ...] = ()

    def __repr__(self) -> str:
        return self.label


OPERATIONS = (
    Operation(
        "students", "students", "Students", "Students", _list_of(StudentFields), {"limit": 5}
    ),
    Operation("student", "student", "Student", "Student", _optional(StudentFields), {"id": 1}),
    Operation("teachers", "teachers", "Teachers", "Teachers", _list_of(TeacherFields)),
    Operation(
        "visit_stats", "visit_stats", "VisitStats", "VisitStats", _optional(VisitStatsFields)
    ),
    Operation(
        "sdq_template",
        "sdq_template",
        "SdqTemplate",
        "SdqTemplate",
        _optional(QuestionnaireTemplateFields),
    ),
    Operation("login", "login", "Login", "Login", lambda r: isinstance(r, LoginLogin)),
    Operation(
        "lazy_login",
        "students",
        "Login",
        "Students",
        _list_of(StudentFields),
        preset_tokens=False,
    ),
    Operation(
        "forced_refresh",
        "refresh_token",
        "RefreshToken",
        "RefreshToken",
        lambda r: isinstance(r, RefreshTokenRefreshToken),
    ),
    Operation(
        "refresh_after_401",
        "students",
        "RefreshToken",
        "Students",
        _list_of(StudentFields),
        lead=(UNAUTHENTICATED,),
    ),
)


@dataclass
class Outcome:
    """What one example did, for the checks."""

    first_result: object = None
    first_error: NextSchoolError | None = None
    tokens_before: tuple[str, str | None] | None = None
    tokens_after_error: tuple[str, str | None] | None = None
    second_result: object = None
    client_repr: str = ""


def _token_pair(client: NextSchool | AsyncNextSchool) -> tuple[str, str | None] | None:
    tokens = client.tokens
    return None if tokens is None else (tokens.access_token, tokens.refresh_token)


def _client_options(api: ScriptedApi, operation: Operation) -> dict[str, Any]:
    options: dict[str, Any] = {"username": USERNAME, "password": PASSWORD, "max_retries": 0}
    if operation.preset_tokens:
        options.update(access_token=INITIAL_ACCESS_TOKEN, refresh_token=INITIAL_REFRESH_TOKEN)
    return options


def run_sync(api: ScriptedApi, operation: Operation, script: Iterable[ScriptItem]) -> Outcome:
    outcome = Outcome()
    http = httpx.Client(transport=httpx.MockTransport(api))
    with NextSchool(API_URL, http_client=http, **_client_options(api, operation)) as client:
        call = getattr(client, operation.method)
        outcome.tokens_before = _token_pair(client)
        api.script.extend((*operation.lead, *script))
        try:
            outcome.first_result = call(**operation.kwargs)
        except NextSchoolError as error:
            outcome.first_error = error
            outcome.tokens_after_error = _token_pair(client)
        api.script.clear()
        outcome.second_result = call(**operation.kwargs)
        outcome.client_repr = repr(client)
    http.close()
    return outcome


def run_async(api: ScriptedApi, operation: Operation, script: Iterable[ScriptItem]) -> Outcome:
    async def scenario() -> Outcome:
        outcome = Outcome()
        async with httpx.AsyncClient(transport=httpx.MockTransport(api)) as http:
            client = AsyncNextSchool(API_URL, http_client=http, **_client_options(api, operation))
            call = getattr(client, operation.method)
            outcome.tokens_before = _token_pair(client)
            api.script.extend((*operation.lead, *script))
            try:
                outcome.first_result = await call(**operation.kwargs)
            except NextSchoolError as error:
                outcome.first_error = error
                outcome.tokens_after_error = _token_pair(client)
            api.script.clear()
            outcome.second_result = await call(**operation.kwargs)
            outcome.client_repr = repr(client)
        return outcome

    return asyncio.run(scenario())


def run(
    kind: ClientKind, api: ScriptedApi, operation: Operation, script: Iterable[ScriptItem]
) -> Outcome:
    return (run_sync if kind == "sync" else run_async)(api, operation, script)


# --- checks -------------------------------------------------------------------------


def expected_result(api: ScriptedApi, operation: Operation) -> object:
    """What the method must return for the last valid answer the API sent."""
    data = api.last_valid[operation.result_of]
    model: type[pydantic.BaseModel] = getattr(models, operation.result_of)
    validated = model.model_validate(data)
    return getattr(validated, next(iter(type(validated).model_fields)))


def check_recovered(api: ScriptedApi, operation: Operation, outcome: Outcome) -> None:
    """The call after the malformed answer returns exactly what the API sent."""
    if operation.method == "refresh_token":
        # refresh_token() reports the session's token and remaining lifetime, and
        # logs in instead when the malformed answer ended the session.
        assert isinstance(outcome.second_result, RefreshTokenRefreshToken)
        issued_access_tokens = [token for token in api.issued_tokens if token.startswith("at-")]
        assert outcome.second_result.access_token.get_secret_value() == issued_access_tokens[-1]
    else:
        assert outcome.second_result == expected_result(api, operation)


def check_first_call(api: ScriptedApi, operation: Operation, outcome: Outcome) -> None:
    if outcome.first_error is None:
        assert operation.is_typed(outcome.first_result), repr(outcome.first_result)
        return
    if outcome.tokens_after_error not in (None, outcome.tokens_before):
        # A failed call may still have renewed the session on the way, but only
        # with a token an answer really carried (json.loads also reads UTF-16).
        access_token, _ = outcome.tokens_after_error
        assert access_token in api.answered_strings(), "adopted a token no answer carried"


def error_texts(error: BaseException) -> Iterator[str]:
    """Everything an application or an error tracker would print about an error."""
    yield str(error)
    yield repr(error)
    yield "".join(traceback.format_exception(error))
    if isinstance(error, NextSchoolError) and hasattr(error, "errors"):
        for detail in error.errors:
            yield repr(detail)


def assert_no_secrets(texts: Iterable[str], secrets: Iterable[str]) -> None:
    secret_list = list(secrets)
    for text in texts:
        for secret in secret_list:
            assert secret not in text, f"a secret leaked into: {text[:200]!r}"


class LogCapture(logging.Handler):
    """Formats every `nextschool` record the way an application's handler would."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@contextmanager
def captured_logs() -> Iterator[LogCapture]:
    sdk_logger = logging.getLogger("nextschool")
    capture = LogCapture()
    previous_level = sdk_logger.level
    sdk_logger.addHandler(capture)
    sdk_logger.setLevel(logging.DEBUG)
    try:
        yield capture
    finally:
        sdk_logger.removeHandler(capture)
        sdk_logger.setLevel(previous_level)
