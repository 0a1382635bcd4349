"""create_app: the same server under another ASGI host (httpx's in-process transport)."""

from __future__ import annotations

import httpx
import pytest

from nextschool.testing import ServerSettings, create_app

from .helpers import LOGIN

STUDENTS = "{ students(limit: 3) { id classroomName } }"


async def test_create_app_serves_without_uvicorn() -> None:
    app, state = create_app(ServerSettings(rate_limits=False))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://school.test") as client:
        login = await client.post(
            "/", json={"query": LOGIN, "variables": {"username": "demo", "password": "demo"}}
        )
        token = login.json()["data"]["login"]["accessToken"]
        response = await client.post(
            "/", json={"query": STUDENTS}, headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 200
    assert [s["classroomName"] for s in response.json()["data"]["students"]] == ["ม.1/1"] * 3
    assert state.counters.logins == 1
    assert state.counters.requests_total == 2


async def test_global_limit_is_per_client_ip() -> None:
    app, state = create_app(ServerSettings(global_limit_per_minute=2))
    first = httpx.ASGITransport(app=app, client=("10.0.0.1", 50000))
    second = httpx.ASGITransport(app=app, client=("10.0.0.2", 50000))
    body = {"query": "{ __typename }"}
    async with httpx.AsyncClient(transport=first, base_url="http://school.test") as one:
        statuses = [(await one.post("/", json=body)).status_code for _ in range(3)]
    async with httpx.AsyncClient(transport=second, base_url="http://school.test") as two:
        other = (await two.post("/", json=body)).status_code
    assert statuses == [200, 200, 429]
    assert other == 200
    assert state.counters.requests_total == 4


async def test_login_limit_is_per_client_ip() -> None:
    app, _ = create_app(ServerSettings(login_limit_per_minute=1))
    variables = {"username": "demo", "password": "demo"}
    results = []
    for ip in ("10.0.0.1", "10.0.0.1", "10.0.0.2"):
        transport = httpx.ASGITransport(app=app, client=(ip, 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://school.test") as client:
            body = (await client.post("/", json={"query": LOGIN, "variables": variables})).json()
        results.append("errors" in body)
    assert results == [False, True, False]


def test_settings_are_validated() -> None:
    with pytest.raises(ValueError, match="lifetimes"):
        ServerSettings(access_token_ttl=0)
    with pytest.raises(ValueError, match="rate limits"):
        ServerSettings(login_limit_per_minute=0)
    assert ServerSettings(access_token_ttl=0.2).access_expires_in == 1
    assert ServerSettings(access_token_ttl=899.5).access_expires_in == 900
    assert ServerSettings().jwt_secret != ServerSettings().jwt_secret
    assert "jwt_secret" not in repr(ServerSettings())
