"""The alternatives the SDK is measured against, each written as its users would.

Every contender sends the same GraphQL document the SDK sends for
`students(limit=20)`, so the server does the same work for each.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from nextschool.generated_client.async_client.operations import STUDENTS_GQL

LIMIT = 20
OPERATION = "Students"
VARIABLES = {"limit": LIMIT}


def payload() -> dict[str, Any]:
    return {"query": STUDENTS_GQL, "operationName": OPERATION, "variables": {"limit": LIMIT}}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def raw_httpx_sync(client: httpx.Client, url: str, token: str) -> Callable[[], Any]:
    """One shared client (keep-alive), the query as JSON, `json.loads`, dicts out."""
    headers = bearer(token)

    def call() -> Any:
        response = client.post(url, json=payload(), headers=headers)
        return json.loads(response.content)["data"]["students"]

    return call


def raw_httpx_async(
    client: httpx.AsyncClient, url: str, token: str
) -> Callable[[], Awaitable[Any]]:
    headers = bearer(token)

    async def call() -> Any:
        response = await client.post(url, json=payload(), headers=headers)
        return json.loads(response.content)["data"]["students"]

    return call
