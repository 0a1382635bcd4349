"""`nextschool query`: any document, typed variables, JSON out, the saved session."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from nextschool import NextSchool
from nextschool.cli._errors import CommandError
from nextschool.cli._query import typed_variables
from nextschool.testing import LocalServer

from .conftest import RunMain, assert_one_error_line
from .test_session import session_file

ROSTER = """
# Three fields per student, nothing personal.
query Roster($limit: Int, $search: String) {
  students(limit: $limit, search: $search) {
    id
    code
    classroomName
  }
}
"""


def test_inline_document_prints_its_data_as_json(
    logged_in: LocalServer, run_main: RunMain, reference: NextSchool
) -> None:
    outcome = run_main("query", "query { students(limit: 2) { id code } }")

    assert outcome.code == 0, outcome.err
    expected = [{"id": s.id, "code": s.code} for s in reference.students(limit=2)]
    assert json.loads(outcome.out) == {"students": expected}


def test_file_with_int_and_string_variables(
    logged_in: LocalServer, run_main: RunMain, reference: NextSchool, tmp_path: Path
) -> None:
    document = tmp_path / "roster.graphql"
    document.write_text(ROSTER, encoding="utf-8")

    outcome = run_main("query", "-f", str(document), "-v", "limit=3", "-v", "search=สม")

    assert outcome.code == 0, outcome.err
    expected = [
        {"id": s.id, "code": s.code, "classroomName": s.classroom_name}
        for s in reference.students(limit=3, search="สม")
    ]
    assert len(expected) == 3
    assert json.loads(outcome.out) == {"students": expected}
    # Thai stays readable.
    assert "\\u" not in outcome.out


@pytest.mark.parametrize(("flag", "has_code"), [("true", True), ("false", False)])
def test_boolean_variable(
    logged_in: LocalServer, run_main: RunMain, flag: str, has_code: bool
) -> None:
    document = (
        "query Q($withCode: Boolean!) { students(limit: 1) { id code @include(if: $withCode) } }"
    )

    outcome = run_main("query", document, "-v", f"withCode={flag}")

    assert outcome.code == 0, outcome.err
    (row,) = json.loads(outcome.out)["students"]
    assert ("code" in row) is has_code


def test_enum_variable_is_checked_against_the_schema_before_sending(
    logged_in: LocalServer, run_main: RunMain
) -> None:
    document = "query Q($who: RespondentType) { sdqTemplate { name } }"
    before = logged_in.counters.requests_total

    outcome = run_main("query", document, "-v", "who=NOBODY")

    assert outcome.code == 2
    line = assert_one_error_line(outcome)
    assert "$who takes one of PARENT, STUDENT, TEACHER (RespondentType)" in line
    assert logged_in.counters.requests_total == before


def test_enum_variable_is_sent_as_the_value_name(
    logged_in: LocalServer, run_main: RunMain, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No field of the API takes an enum argument, so the server rejects the
    # unused variable: what matters here is what went over the wire.
    sent: list[dict[str, Any]] = []
    real_send = httpx.Client.send

    def recording_send(self: httpx.Client, request: httpx.Request, **kwargs: Any) -> Any:
        sent.append(json.loads(request.content))
        return real_send(self, request, **kwargs)

    monkeypatch.setattr(httpx.Client, "send", recording_send)
    document = "query Q($who: RespondentType) { sdqTemplate { name } }"

    outcome = run_main("query", document, "-v", "who=PARENT")

    assert outcome.code == 1
    assert "Variable '$who' is never used" in assert_one_error_line(outcome)
    assert [body["variables"] for body in sent] == [{"who": "PARENT"}]


def test_variables_are_typed_from_their_declarations() -> None:
    document = """
    query Q($n: Int!, $x: Float, $b: Boolean, $s: String, $ids: [Int!], $who: [RespondentType!]!) {
      students { id }
    }
    """
    name, variables = typed_variables(
        document,
        ["n=7", "x=2.5", "b=FALSE", "s=007", "ids=[1, 2]", "who=TEACHER", "who=PARENT"],
    )
    assert name == "Q"
    assert variables == {
        "n": 7,
        "x": 2.5,
        "b": False,
        "s": "007",
        "ids": [1, 2],
        "who": ["TEACHER", "PARENT"],
    }


@pytest.mark.parametrize(
    ("assignment", "problem"),
    [
        ("limit=abc", "$limit takes a whole number (Int)"),
        ("limit=99999999999", "$limit takes a 32-bit whole number (Int)"),
        ("nope=1", "The operation does not declare $nope (it declares $limit, $search)"),
        ("limit", "-v takes NAME=VALUE"),
    ],
)
def test_bad_variables_are_usage_errors_and_nothing_is_sent(
    logged_in: LocalServer, run_main: RunMain, assignment: str, problem: str
) -> None:
    before = logged_in.counters.requests_total

    outcome = run_main("query", ROSTER, "-v", assignment)

    assert outcome.code == 2
    assert problem in assert_one_error_line(outcome)
    assert logged_in.counters.requests_total == before


def test_a_document_with_errors_names_the_problem(
    logged_in: LocalServer, run_main: RunMain
) -> None:
    outcome = run_main("query", "query { students(limit: 2) { id nickname } }")

    assert outcome.code == 1
    assert "nickname" in assert_one_error_line(outcome)


def test_a_document_that_does_not_parse_is_a_usage_error(run_main: RunMain) -> None:
    outcome = run_main("query", "query { students(limit: 2) { id ")

    assert outcome.code == 2
    assert "not valid GraphQL at line 1" in assert_one_error_line(outcome)


def test_several_operations_need_one_chosen(logged_in: LocalServer, run_main: RunMain) -> None:
    document = "query A { visitStats { total } } query B { adviserScreenStats { totalRisk } }"

    ambiguous = run_main("query", document)
    chosen = run_main("query", document, "--operation", "B")

    assert ambiguous.code == 2
    assert "several operations (A, B)" in assert_one_error_line(ambiguous)
    assert chosen.code == 0, chosen.err
    assert list(json.loads(chosen.out)) == ["adviserScreenStats"]


def test_a_revoked_token_is_renewed_transparently_and_saved(
    logged_in: LocalServer, run_main: RunMain, config_dir: Path
) -> None:
    tokens_file = session_file(config_dir, logged_in.url)
    tokens_before = tokens_file.read_bytes()
    logged_in.controls.revoke_access_tokens()

    outcome = run_main("query", "query { visitStats { total } }")

    assert outcome.code == 0, outcome.err
    assert json.loads(outcome.out)["visitStats"]["total"] > 0
    assert logged_in.counters.refreshes == 1
    assert logged_in.counters.unauthenticated_responses == 1
    assert tokens_file.read_bytes() != tokens_before


def test_not_logged_in_is_an_auth_error(nextschool_server: LocalServer, run_main: RunMain) -> None:
    outcome = run_main("query", "--url", nextschool_server.url, "query { visitStats { total } }")

    assert outcome.code == 3
    assert "nextschool login" in assert_one_error_line(outcome)


def test_document_inline_and_file_together_is_a_usage_error(
    run_main: RunMain, tmp_path: Path
) -> None:
    document = tmp_path / "q.graphql"
    document.write_text("query { visitStats { total } }", encoding="utf-8")

    outcome = run_main("query", "query { x }", "-f", str(document))

    assert outcome.code == 2
    assert "one of them" in assert_one_error_line(outcome)


def test_typed_variables_raise_command_errors_not_key_errors() -> None:
    with pytest.raises(CommandError, match="does not declare"):
        typed_variables("query { students { id } }", ["x=1"])
