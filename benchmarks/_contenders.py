"""The alternatives the SDK is measured against, each written as its users would.

Every contender sends the same GraphQL document the SDK sends for
`students(limit=...)`, so the server does the same work for each.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pydantic

from nextschool.generated_client.models import Students
from nextschool.generated_client.models.operations import STUDENTS_GQL

LIMIT = 20
OPERATION = "Students"
VARIABLES = {"limit": LIMIT}


class FloorEnvelope(pydantic.BaseModel):
    """The least a typed client can do: the response body validated in one pass."""

    data: Students


def payload(limit: int = LIMIT) -> dict[str, Any]:
    return {"query": STUDENTS_GQL, "operationName": OPERATION, "variables": {"limit": limit}}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def raw_httpx_sync(
    client: httpx.Client, url: str, token: str, limit: int = LIMIT
) -> Callable[[], Any]:
    """One shared client (keep-alive), the query as JSON, `json.loads`, dicts out."""
    headers = bearer(token)

    def call() -> Any:
        response = client.post(url, json=payload(limit), headers=headers)
        return json.loads(response.content)["data"]["students"]

    return call


def raw_httpx_async(
    client: httpx.AsyncClient, url: str, token: str, limit: int = LIMIT
) -> Callable[[], Awaitable[Any]]:
    headers = bearer(token)

    async def call() -> Any:
        response = await client.post(url, json=payload(limit), headers=headers)
        return json.loads(response.content)["data"]["students"]

    return call


def typed_floor_sync(
    client: httpx.Client, url: str, token: str, limit: int = LIMIT
) -> Callable[[], Any]:
    """Raw httpx and one `model_validate_json` into the same models: the typed floor."""
    headers = bearer(token)

    def call() -> Any:
        response = client.post(url, json=payload(limit), headers=headers)
        return FloorEnvelope.model_validate_json(response.content).data.students

    return call


def typed_floor_async(
    client: httpx.AsyncClient, url: str, token: str, limit: int = LIMIT
) -> Callable[[], Awaitable[Any]]:
    headers = bearer(token)

    async def call() -> Any:
        response = await client.post(url, json=payload(limit), headers=headers)
        return FloorEnvelope.model_validate_json(response.content).data.students

    return call
