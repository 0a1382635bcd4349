"""Exports of every row (--all): page by page, with progress on stderr."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from nextschool import NextSchool
from nextschool.testing import LocalServer

from .conftest import SUBPROCESS_TIMEOUT, Cli, RunMain


def expected_progress(total: int, page_size: int) -> list[str]:
    lines = []
    fetched = 0
    page = 0
    while fetched < total:
        fetched = min(total, fetched + page_size)
        page += 1
        lines.append(f"nextschool: fetched {fetched} rows (page {page})")
    return [*lines, f"nextschool: done: {total} rows"]


def test_students_export_pages_through_every_row_with_filters(
    logged_in: LocalServer, run_main: RunMain, reference: NextSchool
) -> None:
    expected = reference.students(limit=1000, firstname="า")
    page_size = 20
    assert len(expected) > 3 * page_size and len(expected) % page_size

    outcome = run_main(
        "students", "--firstname", "า", "--all", "--page-size", str(page_size), "--json"
    )

    assert outcome.code == 0, outcome.err
    rows = json.loads(outcome.out)
    assert rows == [student.model_dump(mode="json", by_alias=True) for student in expected]
    assert len({row["id"] for row in rows}) == len(rows)
    assert all("า" in row["firstname"] for row in rows)
    assert outcome.err.splitlines() == expected_progress(len(expected), page_size)
    # Every page a request of its own, the last one short.
    pages = -(-len(expected) // page_size)
    assert logged_in.counters.requests_by_operation["Students"] == pages


def test_care_list_export_with_an_exact_number_of_pages(
    logged_in: LocalServer, run_main: RunMain, reference: NextSchool
) -> None:
    expected = reference.visit_students(limit=1000, status="visited")
    page_size = next(size for size in range(len(expected) // 4, 1, -1) if len(expected) % size == 0)

    outcome = run_main(
        "visit-students", "--status", "visited", "--all", "--page-size", str(page_size), "--json"
    )

    assert outcome.code == 0, outcome.err
    rows = json.loads(outcome.out)
    assert [row["studentId"] for row in rows] == [row.student_id for row in expected]
    assert {row["overall"] for row in rows} <= {"NORMAL", "PROBLEM"}
    assert outcome.err.splitlines() == expected_progress(len(expected), page_size)
    # The last full page cannot tell that nothing follows: one empty page ends it.
    requests = logged_in.counters.requests_by_operation["VisitStudents"]
    assert requests == len(expected) // page_size + 1


def test_table_export_prints_every_row_once_under_one_header(
    logged_in: LocalServer, run_main: RunMain, reference: NextSchool
) -> None:
    expected = reference.teachers(limit=1000, status=1)

    outcome = run_main("teachers", "--status", "1", "--all", "--page-size", "6")

    assert outcome.code == 0, outcome.err
    lines = outcome.out.splitlines()
    assert lines[0].split() == ["ID", "Username", "Name", "Position", "Group", "Homeroom"]
    ids = [int(line.split()[0]) for line in lines[2:]]
    assert ids == [teacher.id for teacher in expected]
    assert outcome.err.splitlines()[-1] == f"nextschool: done: {len(expected)} rows"


def test_quiet_export_has_no_progress(logged_in: LocalServer, run_main: RunMain) -> None:
    outcome = run_main("adviser-screens", "--all", "--page-size", "50", "--quiet", "--json")
    assert outcome.code == 0, outcome.err
    assert outcome.err == ""
    assert len(json.loads(outcome.out)) > 150


def test_page_size_out_of_range_is_a_usage_error(logged_in: LocalServer, run_main: RunMain) -> None:
    outcome = run_main("students", "--all", "--page-size", "0")
    assert outcome.code == 2
    assert outcome.err.strip() == "nextschool: error: page_size must be between 1 and 1000"
    assert logged_in.counters.requests_by_operation.get("Students") is None


def test_export_process_streams_json_and_progress(
    cli: Cli, logged_in: LocalServer, reference: NextSchool
) -> None:
    expected = reference.adviser_screens(limit=1000, status="normal")

    outcome = cli.run(
        "adviser-screens", "--status", "normal", "--all", "--page-size", "30", "--json"
    )

    assert outcome.code == 0, outcome.err
    rows = json.loads(outcome.out)
    assert rows == [row.model_dump(mode="json", by_alias=True) for row in expected]
    assert re.fullmatch(
        r"(nextschool: fetched \d+ rows \(page \d+\)\n)+nextschool: done: \d+ rows\n", outcome.err
    )
    assert outcome.err.splitlines() == expected_progress(len(expected), 30)


def test_export_stops_quietly_when_the_reader_goes_away(cli: Cli, logged_in: LocalServer) -> None:
    # About 250 KB of JSON: more than a pipe holds, so the writer is still
    # writing when the reader goes away.
    with subprocess.Popen(
        [sys.executable, "-m", "nextschool.cli", "students", "--all", "--json"],
        env=cli.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.readline()
        process.stdout.close()  # as `| head -1` does
        err = process.stderr.read().decode()
        assert process.wait(timeout=SUBPROCESS_TIMEOUT) == 0
    assert "Traceback" not in err
    assert "error" not in err


@pytest.mark.parametrize("flags", [["--limit", "5", "--all"], ["--limit", "x"]])
def test_bad_paging_flags_are_usage_errors(run_main: RunMain, flags: list[str]) -> None:
    outcome = run_main("students", *flags)
    assert outcome.code == 2
    assert "usage: nextschool students" in outcome.err
    # Like every message of the tool, the usage lines carry its prefix.
    assert all(line.startswith("nextschool: ") for line in outcome.err.splitlines())
    assert "nextschool: error: students: argument --" in outcome.err


def test_offset_with_all_is_a_usage_error(logged_in: LocalServer, run_main: RunMain) -> None:
    outcome = run_main("students", "--all", "--offset", "10")
    assert outcome.code == 2
    assert outcome.err == "nextschool: error: --offset cannot be combined with --all\n"
    assert logged_in.counters.requests_by_operation.get("Students") is None
