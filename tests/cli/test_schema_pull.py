"""`schema pull` against the local server: the same schema as schema.graphql, stable bytes."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from graphql import build_schema, lexicographic_sort_schema, print_schema

from nextschool.testing import LocalServer

from .conftest import RunMain, assert_one_error_line

REPOSITORY_SCHEMA = Path(__file__).resolve().parents[2] / "schema.graphql"


def canonical(sdl: str) -> str:
    return print_schema(lexicographic_sort_schema(build_schema(sdl)))


def test_pulled_schema_is_equivalent_to_the_repository_schema(
    logged_in: LocalServer, run_main: RunMain, tmp_path: Path
) -> None:
    output = tmp_path / "pulled.graphql"

    outcome = run_main("schema", "pull", "--output", str(output))

    assert outcome.code == 0, outcome.err
    assert outcome.out == f"{output}: written ({output.read_text().count(chr(10))} lines)\n"
    pulled = output.read_text(encoding="utf-8")
    assert canonical(pulled) == canonical(REPOSITORY_SCHEMA.read_text(encoding="utf-8"))
    # Already in the stable order: sorting it again changes nothing.
    assert pulled == canonical(pulled) + "\n"
    assert logged_in.counters.requests_by_operation["IntrospectionQuery"] == 1


def test_a_second_pull_leaves_the_file_untouched(
    logged_in: LocalServer, run_main: RunMain, tmp_path: Path
) -> None:
    output = tmp_path / "schema.graphql"
    assert run_main("schema", "pull", "-o", str(output)).code == 0
    first = output.read_bytes()
    first_mtime = output.stat().st_mtime_ns

    outcome = run_main("schema", "pull", "-o", str(output))

    assert outcome.code == 0, outcome.err
    assert "unchanged" in outcome.out
    assert output.read_bytes() == first
    assert output.stat().st_mtime_ns == first_mtime


def test_an_equivalent_hand_written_file_keeps_its_comments(
    logged_in: LocalServer, run_main: RunMain, tmp_path: Path
) -> None:
    copy = tmp_path / "schema.graphql"
    copy.write_text(REPOSITORY_SCHEMA.read_text(encoding="utf-8"), encoding="utf-8")

    outcome = run_main("schema", "pull", "-o", str(copy))

    assert outcome.code == 0, outcome.err
    assert outcome.out == f"{copy}: unchanged, the API's schema is the same\n"
    assert copy.read_text(encoding="utf-8") == REPOSITORY_SCHEMA.read_text(encoding="utf-8")


def test_a_schema_that_moved_is_detected_and_rewritten(
    logged_in: LocalServer, run_main: RunMain, tmp_path: Path
) -> None:
    stale = tmp_path / "schema.graphql"
    original = REPOSITORY_SCHEMA.read_text(encoding="utf-8")
    stale.write_text(original.replace("  takecare: String\n", ""), encoding="utf-8")
    stale_text = stale.read_text(encoding="utf-8")
    assert stale_text != original

    check = run_main("schema", "pull", "-o", str(stale), "--check")
    assert check.code == 1
    assert "out of date" in check.out
    assert stale.read_text(encoding="utf-8") == stale_text

    pull = run_main("schema", "pull", "-o", str(stale))
    assert pull.code == 0, pull.err
    assert canonical(stale.read_text(encoding="utf-8")) == canonical(original)


def test_pull_to_stdout(logged_in: LocalServer, run_main: RunMain) -> None:
    outcome = run_main("schema", "pull", "--output", "-")
    assert outcome.code == 0, outcome.err
    assert canonical(outcome.out) == canonical(REPOSITORY_SCHEMA.read_text(encoding="utf-8"))


def test_without_graphql_core_the_message_names_the_extra(
    logged_in: LocalServer, run_main: RunMain, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "graphql", None)

    outcome = run_main("schema", "pull", "-o", str(tmp_path / "schema.graphql"))

    assert outcome.code == 6
    assert "pip install 'nextschool[cli]'" in assert_one_error_line(outcome)
    assert logged_in.counters.requests_by_operation.get("IntrospectionQuery") is None
