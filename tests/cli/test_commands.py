"""The data commands in-process: JSON matches the API, tables read well, errors are one line."""

from __future__ import annotations

import json
import re

import pytest

from nextschool import NextSchool
from nextschool.cli._output import display_width, to_json_value
from nextschool.testing import LocalServer

from .conftest import RunMain, assert_one_error_line


def dumped(value: object) -> object:
    """API models as the API spells them (camelCase), as --json prints them."""
    return to_json_value(value)


def field_lines(table: str) -> dict[str, str]:
    """The `field  value` lines of a record's table (header and rule skipped)."""
    pairs = (line.split(maxsplit=1) for line in table.splitlines()[2:])
    return {pair[0]: pair[1] for pair in pairs if len(pair) == 2}


def test_students_json_matches_the_api(
    logged_in: LocalServer, run_main: RunMain, reference: NextSchool
) -> None:
    outcome = run_main("students", "--search", "สม", "--limit", "5", "--offset", "1", "--json")

    assert outcome.code == 0, outcome.err
    expected = reference.students(search="สม", limit=5, offset=1)
    assert len(expected) == 5
    assert json.loads(outcome.out) == dumped(expected)
    # Thai stays readable in the JSON, not \\u escapes.
    assert expected[0].firstname is not None and expected[0].firstname in outcome.out


def test_global_options_work_before_the_command_too(
    logged_in: LocalServer, run_main: RunMain, reference: NextSchool
) -> None:
    outcome = run_main("--json", "--url", logged_in.url, "teachers", "--limit", "3")
    assert outcome.code == 0, outcome.err
    assert json.loads(outcome.out) == dumped(reference.teachers(limit=3))


def test_students_table_lines_up_thai_names(
    logged_in: LocalServer, run_main: RunMain, reference: NextSchool
) -> None:
    outcome = run_main("students", "--limit", "12")

    assert outcome.code == 0, outcome.err
    lines = outcome.out.splitlines()
    assert lines[0].split() == ["ID", "Code", "Name", "Classroom", "No.", "Status"]
    students = reference.students(limit=12)
    assert len(lines) == 2 + len(students)
    header_start = display_width(lines[0][: lines[0].index("Classroom")])
    for line, student in zip(lines[2:], students, strict=True):
        assert student.full_name is not None and student.classroom_name is not None
        # Thai tone and vowel marks take no column: the classroom column starts
        # at the same screen column on every line.
        prefix = line[: line.index(student.classroom_name, line.index(student.full_name))]
        assert display_width(prefix) == header_start, line
    with_marks = [s for s in students if len(s.full_name or "") > display_width(s.full_name or "")]
    assert with_marks, "the names shown should include Thai combining marks"


def test_one_student_as_fields_and_as_json(
    logged_in: LocalServer, run_main: RunMain, reference: NextSchool
) -> None:
    expected = reference.student(id=105)
    assert expected is not None and expected.full_name is not None

    table = run_main("student", "105")
    as_json = run_main("student", "105", "--json")

    assert table.code == as_json.code == 0
    assert json.loads(as_json.out) == dumped(expected)
    fields = field_lines(table.out)
    assert fields["fullName"] == expected.full_name
    assert fields["classroomName"] == expected.classroom_name
    if expected.visit is not None:
        assert fields["visit.overall"] == expected.visit.overall


def test_a_missing_record_is_one_line_and_exit_code_1(
    logged_in: LocalServer, run_main: RunMain
) -> None:
    outcome = run_main("teacher", "99999")
    assert outcome.code == 1
    assert assert_one_error_line(outcome) == "nextschool: error: No teacher with id 99999"


def test_teacher_with_visit_summary(
    logged_in: LocalServer, run_main: RunMain, reference: NextSchool
) -> None:
    outcome = run_main("teacher", "3", "--json")
    assert outcome.code == 0, outcome.err
    assert json.loads(outcome.out) == dumped(reference.teacher(id=3))


def test_care_lists_pass_their_filters(
    logged_in: LocalServer, run_main: RunMain, reference: NextSchool
) -> None:
    outcome = run_main("adviser-screens", "--status", "risk", "--limit", "500", "--json")
    assert outcome.code == 0, outcome.err
    rows = json.loads(outcome.out)
    assert rows == dumped(reference.adviser_screens(status="risk", limit=500))
    assert rows and {row["overall"] for row in rows} == {"RISK"}


def test_stats_json_and_table(
    logged_in: LocalServer, run_main: RunMain, reference: NextSchool
) -> None:
    visits = reference.visit_stats()
    screens = reference.adviser_screen_stats()
    assert visits is not None and screens is not None

    as_json = run_main("stats", "--json")
    table = run_main("stats")

    assert as_json.code == table.code == 0
    assert json.loads(as_json.out) == {
        "visitStats": dumped(visits),
        "adviserScreenStats": dumped(screens),
    }
    table_rows = [line.split() for line in table.out.splitlines()]
    assert ["home", "visits", "students", str(visits.total)] in table_rows
    assert ["home", "visits", "not", "visited", str(visits.not_visited)] in table_rows
    assert ["adviser", "screening", "at", "risk", str(screens.total_risk)] in table_rows
    assert ["adviser", "screening", "academic", "talent", str(screens.total_academic_special)] in (
        table_rows
    )
    # Human labels only: no API field name (notVisited, totalSpecial) in the table.
    assert not re.search(r"\b(total|not)[A-Z]", table.out), table.out


@pytest.mark.parametrize(("command", "questions"), [("sdq-template", 25), ("eq-template", 52)])
def test_questionnaire_templates(
    logged_in: LocalServer, run_main: RunMain, reference: NextSchool, command: str, questions: int
) -> None:
    table = run_main(command)
    as_json = run_main(command, "--json")

    assert table.code == as_json.code == 0
    template = json.loads(as_json.out)
    assert len(template["questions"]) == questions
    expected = reference.sdq_template() if command == "sdq-template" else reference.eq_template()
    assert template == dumped(expected)
    assert table.out.splitlines()[0] == f"{template['name']}: {questions} questions"
    assert len(table.out.splitlines()) == 3 + questions


def test_rate_limit_has_its_own_exit_code(logged_in: LocalServer, run_main: RunMain) -> None:
    # Longer than the SDK waits by itself, so it reaches the user.
    logged_in.controls.rate_limit_next(1, retry_after=120, operation="Students")
    outcome = run_main("students")
    assert outcome.code == 5
    assert "retry after 120 s" in assert_one_error_line(outcome)


def test_verbose_shows_the_renewal_without_secrets(
    logged_in: LocalServer, run_main: RunMain
) -> None:
    logged_in.controls.revoke_access_tokens()

    outcome = run_main("-v", "students", "--limit", "1", "--json")

    assert outcome.code == 0, outcome.err
    assert "nextschool: Refreshing the access token" in outcome.err.splitlines()
    assert logged_in.counters.refreshes == 1
    assert "eyJ" not in outcome.err


def test_login_json_prints_the_user(
    nextschool_server: LocalServer, run_main: RunMain, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEXTSCHOOL_USERNAME", "demo")
    monkeypatch.setenv("NEXTSCHOOL_PASSWORD", "demo")
    outcome = run_main("login", "--url", nextschool_server.url, "--json")
    assert outcome.code == 0, outcome.err
    assert json.loads(outcome.out) == {
        "id": 42,
        "username": "demo",
        "name": "API User",
        "email": "api@school.ac.th",
    }


def test_logout_without_a_session_is_harmless(run_main: RunMain) -> None:
    outcome = run_main("logout")
    assert (outcome.code, outcome.out) == (0, "Not logged in to https://data.nextschool.io/\n")


def test_help_lists_the_commands_and_exit_codes(run_main: RunMain) -> None:
    outcome = run_main("--help")
    assert outcome.code == 0
    for command in ("login", "students", "adviser-screens", "schema", "serve"):
        assert command in outcome.out
    assert "rate limited" in outcome.out
