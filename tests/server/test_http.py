"""GraphQL over HTTP: methods, bodies, errors, introspection and load."""

from __future__ import annotations

import asyncio
import json
from importlib.resources import files
from pathlib import Path

import httpx
from graphql import build_client_schema, build_schema, get_introspection_query, print_schema

from nextschool.testing import LocalServer
from nextschool.testing.schema import schema_sdl
from nextschool.testing.server import run_local_server

from .helpers import LOGIN, Api, api_for


def test_get_is_not_allowed(shared_server: LocalServer) -> None:
    response = httpx.get(shared_server.url)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert "POST" in response.text


def test_other_methods_are_not_allowed(shared_server: LocalServer) -> None:
    for method in ("PUT", "DELETE", "PATCH"):
        response = httpx.request(method, shared_server.url, json={"query": "{ __typename }"})
        assert response.status_code == 405
        assert response.headers["allow"] == "POST"


def test_only_the_root_path_serves_graphql(shared_server: LocalServer) -> None:
    response = httpx.post(shared_server.url + "graphql", json={"query": "{ __typename }"})
    assert response.status_code == 404


def test_bad_json_is_a_400_with_a_graphql_style_error(shared_api: Api) -> None:
    for body in (b"{not json", b"[]", b'{"variables": {}}', b'{"query": 3}'):
        response = shared_api.http.post(
            shared_api.server.url, content=body, headers={"content-type": "application/json"}
        )
        assert response.status_code == 400, body
        errors = response.json()["errors"]
        assert errors
        assert errors[0]["message"]


def test_bad_variables_or_operation_name_are_400(shared_api: Api) -> None:
    url = shared_api.server.url
    bad = [
        {"query": "{ __typename }", "variables": [1]},
        {"query": "{ __typename }", "operationName": 5},
    ]
    for body in bad:
        assert shared_api.http.post(url, json=body).status_code == 400


def test_validation_errors_are_200_without_data(shared_api: Api, demo_token: str) -> None:
    query = "{ students { id nope } }"
    response = shared_api.post(query, token=demo_token)
    assert response.status_code == 200
    body = response.json()
    assert "data" not in body
    assert "nope" in body["errors"][0]["message"]
    assert body["errors"][0]["locations"] == [{"line": 1, "column": query.index("nope") + 1}]


def test_syntax_errors_are_200_without_data(shared_api: Api) -> None:
    body = shared_api.gql("{ students { id ")
    assert "data" not in body
    assert body["errors"][0]["message"].startswith("Syntax Error")


def test_variable_errors_are_reported(shared_api: Api, demo_token: str) -> None:
    body = shared_api.gql(
        "query($id: Int!) { student(id: $id) { id } }", {"id": "x"}, token=demo_token
    )
    assert body["errors"]
    assert "$id" in body["errors"][0]["message"]


def test_variables_and_operation_name(shared_api: Api, demo_token: str) -> None:
    document = """
    query One($limit: Int) { students(limit: $limit) { id } }
    query Two { teachers(limit: 1) { id } }
    """
    body = shared_api.gql(document, {"limit": 3}, token=demo_token, operation_name="One")
    assert len(body["data"]["students"]) == 3
    body = shared_api.gql(document, token=demo_token, operation_name="Two")
    assert len(body["data"]["teachers"]) == 1
    body = shared_api.gql(document, token=demo_token)
    assert body["errors"][0]["message"].startswith("Must provide operation name")


def test_responses_are_utf8_json(shared_api: Api, demo_token: str) -> None:
    response = shared_api.post("{ students(limit: 1) { fullName } }", token=demo_token)
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert "เด็ก".encode() in response.content  # Thai is sent as UTF-8, not \\u escapes


def test_introspection_describes_the_served_schema(shared_api: Api) -> None:
    body = shared_api.gql(get_introspection_query(descriptions=True))
    served = build_client_schema(body["data"])
    assert print_schema(served) == print_schema(build_schema(schema_sdl()))
    query_type = next(t for t in body["data"]["__schema"]["types"] if t["name"] == "Query")
    students = next(f for f in query_type["fields"] if f["name"] == "students")
    assert students["description"].startswith("Students of the caller's school")


def test_served_schema_is_the_package_copy(shared_api: Api) -> None:
    packaged = (files("nextschool.generated_client") / "schema.graphql").read_text("utf-8")
    assert schema_sdl() == packaged
    root = Path(__file__).resolve().parents[2] / "schema.graphql"
    assert root.read_text("utf-8") == packaged


def test_rate_limit_headers_on_every_response_by_default() -> None:
    with run_local_server() as server:
        for api in api_for(server):
            responses = [
                api.post("{ __typename }"),
                api.post("{ students { id } }"),
                api.post(LOGIN, {"username": "demo", "password": "demo"}),
                api.post("{ nope }"),
            ]
    for used, response in enumerate(responses, 1):
        assert response.status_code == 200
        assert response.headers["x-ratelimit-limit"] == "100"
        assert response.headers["x-ratelimit-remaining"] == str(100 - used)
        assert int(response.headers["x-ratelimit-reset"]) > 0


def test_no_rate_limit_headers_when_limits_are_off(api: Api) -> None:
    assert "x-ratelimit-limit" not in api.post("{ __typename }").headers


async def _raw_post(port: int, body: bytes, token: str) -> bytes:
    # Plain asyncio streams: httpx's pool slows down sharply at hundreds of
    # connections, which would measure the client rather than the server.
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (
        f"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    writer.write(head.encode() + body)
    await writer.drain()
    response = await reader.read()
    writer.close()
    await writer.wait_closed()
    return response


async def test_five_hundred_concurrent_connections(nextschool_server: LocalServer) -> None:
    token = nextschool_server.issue_tokens().access_token
    # Held until all 500 are in: on a loaded machine a delay let early ones finish first.
    held = nextschool_server.controls.hold_next(500, operation="S")
    bodies = [
        json.dumps(
            {
                "query": "query S($o: Int) { students(limit: 2, offset: $o) { id } }",
                "variables": {"o": i},
            }
        ).encode()
        for i in range(500)
    ]
    sending = asyncio.gather(*(_raw_post(nextschool_server.port, body, token) for body in bodies))
    try:
        await asyncio.to_thread(held.wait_until_arrived, 500, 60.0)
        # All 500 connections are in the server at once.
        assert nextschool_server.counters.in_flight == 500
    finally:
        held.release()
    responses = await sending
    everyone = [s.id for s in nextschool_server.state.seed.schools[1].students]
    for offset, raw in enumerate(responses):
        head, _, payload = raw.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200"), head
        ids = [row["id"] for row in json.loads(payload)["data"]["students"]]
        assert ids == everyone[offset : offset + 2]
    counters = nextschool_server.counters
    assert counters.requests_by_operation == {"S": 500}
    assert counters.peak_concurrency == 500


async def test_concurrent_requests_through_httpx(nextschool_server: LocalServer) -> None:
    token = nextschool_server.issue_tokens().access_token
    held = nextschool_server.controls.hold_next(50)
    limits = httpx.Limits(max_connections=50)
    async with httpx.AsyncClient(limits=limits, timeout=30.0) as client:
        sending = asyncio.gather(
            *(
                client.post(
                    nextschool_server.url,
                    json={"query": "{ students(limit: 1) { id } }"},
                    headers={"Authorization": f"Bearer {token}"},
                )
                for _ in range(50)
            )
        )
        try:
            await asyncio.to_thread(held.wait_until_arrived, 50, 30.0)
        finally:
            held.release()
        responses = await sending
    assert [r.status_code for r in responses] == [200] * 50
    assert nextschool_server.counters.peak_concurrency == 50
