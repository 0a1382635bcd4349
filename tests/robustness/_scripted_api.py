"""An `httpx.MockTransport` handler that plays scripted answers, then valid ones.

Scripted answers (responses or transport exceptions) are served first, one per
request, whatever the operation. Once the script is used up every request gets
a valid answer for its operation, and every token it issues is recorded so a
test can check that no secret leaked anywhere.
"""

from __future__ import annotations

import json
import secrets
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx

from ._payloads import FIXED_SECRETS, Json, login_data, query_data, refresh_data

API_URL = "https://api.robustness.test/"


@dataclass(frozen=True)
class CannedResponse:
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()

    def to_httpx(self) -> httpx.Response:
        return httpx.Response(self.status, headers=list(self.headers), content=self.body)

    def __repr__(self) -> str:
        # Hypothesis prints failing examples; keep huge bodies readable.
        body = self.body if len(self.body) <= 300 else self.body[:300] + b"..."
        return f"CannedResponse({self.status}, {body!r}, headers={self.headers!r})"


def json_response(payload: Json, status: int = 200) -> CannedResponse:
    return CannedResponse(
        status, json.dumps(payload).encode(), (("content-type", "application/json"),)
    )


UNAUTHENTICATED = json_response(
    {"errors": [{"message": "Not authenticated", "extensions": {"code": "UNAUTHENTICATED"}}]}
)

ScriptItem = CannedResponse | httpx.HTTPError


@dataclass
class ScriptedApi:
    script: deque[ScriptItem] = field(default_factory=deque)
    operations: list[str | None] = field(default_factory=list)
    served: list[CannedResponse] = field(default_factory=list)
    issued_tokens: list[str] = field(default_factory=list)
    # The `data` of the last valid answer per operation, to check results against.
    last_valid: dict[str, dict[str, Json]] = field(default_factory=dict)
    valid_logins: int = 0
    valid_refreshes: int = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        operation = json.loads(request.content).get("operationName")
        self.operations.append(operation)
        if self.script:
            item = self.script.popleft()
            if isinstance(item, httpx.HTTPError):
                raise item
            self.served.append(item)
            return item.to_httpx()
        data = self._valid_data(operation)
        self.last_valid[operation] = data
        return json_response({"data": data}).to_httpx()

    def answered_strings(self) -> set[str]:
        """Every string value in every JSON answer served so far."""
        found: set[str] = set(self.issued_tokens)
        for response in self.served:
            try:
                found.update(_strings_in(json.loads(response.body)))
            except (ValueError, RecursionError):
                continue
        return found

    def secrets(self) -> tuple[str, ...]:
        return (*FIXED_SECRETS, *self.issued_tokens)

    def _valid_data(self, operation: str) -> dict[str, Json]:
        if operation == "Login":
            self.valid_logins += 1
            return login_data(self._issue("at"), self._issue("rt"))
        if operation == "RefreshToken":
            self.valid_refreshes += 1
            return refresh_data(self._issue("at"))
        return query_data(operation)

    def _issue(self, prefix: str) -> str:
        token = f"{prefix}-issued-{secrets.token_hex(12)}"
        self.issued_tokens.append(token)
        return token


def _strings_in(value: Json) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for child in value.values():
            yield from _strings_in(child)
    elif isinstance(value, list):
        for child in value:
            yield from _strings_in(child)
