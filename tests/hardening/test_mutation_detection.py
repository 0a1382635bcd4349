"""Item 9: whether a call is a mutation comes from the parsed document.

`query.lstrip().startswith("mutation")` took a mutation that starts with a
comment, a byte-order mark or a fragment for a query, and re-sent it up to
three times on HTTP 502: a write the server may already have made, repeated.
"""

from __future__ import annotations

import httpx
import pytest

from nextschool import HTTPStatusError, NextSchool
from nextschool._operation_type import is_mutation
from nextschool.testing import (
    DEMO_PASSWORD,
    DEMO_USERNAME,
    LocalServer,
)

LOGOUT = "mutation Logout($refreshToken: String!) { logout(refreshToken: $refreshToken) }"
STUDENTS = "query Students { students(limit: 1) { id } }"

MUTATIONS = {
    "plain": LOGOUT,
    "no space": 'mutation{logout(refreshToken: "x")}',
    "leading comment": "# revoke the session\n" + LOGOUT,
    "comments and commas": '  ,, # one\r\n\t# two {\n,mutation M { logout(refreshToken: "x") }',
    "byte-order mark": "\ufeff" + LOGOUT,
    "bom then comment": "\ufeff# c\n" + LOGOUT,
    "fragment first": "fragment F on Student { id }\n" + LOGOUT,
    "fragment with directive args": (
        'fragment F on Student @include(if: {a: "}"}) { id }\nmutation M { logout }'
    ),
    "variables with object defaults": (
        'mutation M($f: Filter = {a: {b: [1, 2]}, s: "{"}) @d(x: {y: 2}) { logout }'
    ),
    "block string argument": ('mutation M { note(text: """ a } { \\""" query { """) { id } }'),
}

QUERIES = {
    "plain": STUDENTS,
    "shorthand": "{ students { id } }",
    "leading comment": "# mutation in a comment\n" + STUDENTS,
    "string mentions mutation": 'query Q($s: String = "mutation { x }") { a(s: $s) }',
    "query named mutation": "query mutation { a }",
    "fragment on the Mutation type": "fragment F on Mutation { a }\nquery Q { ...F }",
    "bom": "\ufeff" + STUDENTS,
    "subscription": "subscription S { changes { id } }",
}


@pytest.mark.parametrize("document", MUTATIONS.values(), ids=MUTATIONS.keys())
def test_mutations_are_detected(document: str) -> None:
    assert is_mutation(document, None)


@pytest.mark.parametrize("document", QUERIES.values(), ids=QUERIES.keys())
def test_queries_are_not_mutations(document: str) -> None:
    assert not is_mutation(document, None)


def test_the_operation_is_picked_by_name_when_there_are_several() -> None:
    document = "query A { a }\nmutation B { b }\nfragment F on T { f }"
    assert not is_mutation(document, "A")
    assert is_mutation(document, "B")


def test_several_operations_and_no_name_count_as_a_mutation() -> None:
    # The server refuses such a request; not re-sending is the safe side.
    assert is_mutation("query A { a }\nmutation B { b }", None)


@pytest.mark.parametrize(
    "document",
    [MUTATIONS[shape] for shape in ("leading comment", "byte-order mark", "fragment first")],
    ids=["leading comment", "byte-order mark", "fragment first"],
)
def test_a_mutation_is_not_resent_on_http_502(server: LocalServer, document: str) -> None:
    sent: list[httpx.Request] = []
    with (
        httpx.Client(event_hooks={"request": [sent.append]}) as http,
        NextSchool(
            server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, http_client=http
        ) as client,
    ):
        client.login()
        tokens = client.tokens
        assert tokens is not None
        sent.clear()
        server.controls.fail_next(1, "http_502", operation="Logout")
        with pytest.raises(HTTPStatusError) as caught:
            client.execute(
                document, operation_name="Logout", variables={"refreshToken": tokens.refresh_token}
            )
    assert caught.value.status_code == 502
    assert len(sent) == 1


def test_a_query_with_a_leading_comment_is_still_retried(server: LocalServer) -> None:
    sent: list[httpx.Request] = []
    with (
        httpx.Client(event_hooks={"request": [sent.append]}) as http,
        NextSchool(
            server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, http_client=http
        ) as client,
    ):
        client.login()
        sent.clear()
        server.controls.fail_next(1, "http_502", operation="Students")
        result = client.execute("# one student\n" + STUDENTS, operation_name="Students")
    assert result.data["students"][0]["id"]
    assert len(sent) == 2


@pytest.mark.parametrize(
    ("document", "expected"),
    [*((doc, True) for doc in MUTATIONS.values()), *((doc, False) for doc in QUERIES.values())],
)
def test_every_shape_agrees_with_graphql_core(document: str, expected: bool) -> None:
    # graphql-core (a test dependency, not a runtime one) as the reference parser.
    from graphql import OperationType, get_operation_ast, parse

    operation = get_operation_ast(parse(document))
    assert operation is not None
    assert (operation.operation is OperationType.MUTATION) is expected
