"""A small GraphQL-over-HTTP client and the auth documents the tests share."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer

LOGIN = """
mutation Login($username: String!, $password: String!) {
  login(username: $username, password: $password) {
    accessToken refreshToken expiresIn user { id username name email }
  }
}
"""
REFRESH = """
mutation RefreshToken($refreshToken: String!) {
  refreshToken(refreshToken: $refreshToken) { accessToken expiresIn }
}
"""
LOGOUT = "mutation Logout($refreshToken: String!) { logout(refreshToken: $refreshToken) }"


@dataclass
class Api:
    """A thin GraphQL-over-HTTP client for one server."""

    server: LocalServer
    http: httpx.Client

    def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        operation_name: str | None = None,
    ) -> httpx.Response:
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        if operation_name is not None:
            body["operationName"] = operation_name
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.http.post(self.server.url, json=body, headers=headers)

    def gql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        operation_name: str | None = None,
    ) -> dict[str, Any]:
        """POST and return the JSON body, asserting HTTP 200."""
        response = self.post(query, variables, token=token, operation_name=operation_name)
        assert response.status_code == 200, response.text
        body = response.json()
        assert isinstance(body, dict)
        return body

    def data(self, query: str, variables: dict[str, Any] | None = None, *, token: str) -> Any:
        """The `data` of a query that must succeed."""
        body = self.gql(query, variables, token=token)
        assert "errors" not in body, body
        return body["data"]

    def login(self, username: str = DEMO_USERNAME, password: str = DEMO_PASSWORD) -> dict[str, Any]:
        body = self.gql(LOGIN, {"username": username, "password": password})
        assert "errors" not in body, body
        payload = body["data"]["login"]
        assert isinstance(payload, dict)
        return payload

    def refresh(self, refresh_token: str) -> dict[str, Any]:
        return self.gql(REFRESH, {"refreshToken": refresh_token})


def api_for(server: LocalServer) -> Iterator[Api]:
    with httpx.Client(timeout=10.0) as http:
        yield Api(server, http)
