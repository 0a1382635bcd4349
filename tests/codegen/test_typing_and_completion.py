"""The generated package under `mypy --strict` and an IDE completion engine (jedi)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import jedi  # type: ignore[import-untyped]

from .conftest import Generated

USES_THE_RESULT = """
from school_ops import AsyncClient, Client, RosterStudents


def codes(client: Client) -> list[str]:
    rows: list[RosterStudents] = client.roster(limit=5, search="สม")
    teacher = client.teacher_visits(id=3)
    visited = teacher.visit_summary.visited if teacher and teacher.visit_summary else None
    print(visited)
    return [f"{row.id}: {row.code or ''} {row.classroom_name or ''}" for row in rows]


async def names(client: AsyncClient) -> list[str]:
    teachers = await client.teacher_names(limit=3)
    return [teacher.full_name or "" for teacher in teachers]


with Client("http://127.0.0.1:1/", username="u", password="p", max_retries=0) as client:
    patient: Client = client.with_options(timeout=60.0, max_retries=5)
    patient.roster(limit=5)
"""

READS_AN_UNSELECTED_FIELD = """
from school_ops import Client


def citizen_ids(client: Client) -> list[str]:
    return [row.citizen_id for row in client.roster(limit=5)]
"""


def test_mypy_strict_accepts_the_selection_and_rejects_an_unselected_field(
    generated: Generated, tmp_path: Path
) -> None:
    (tmp_path / "uses_result.py").write_text(USES_THE_RESULT, encoding="utf-8")
    (tmp_path / "reads_unselected.py").write_text(READS_AN_UNSELECTED_FIELD, encoding="utf-8")
    (tmp_path / "mypy.ini").write_text("[mypy]\nstrict = True\n", encoding="utf-8")

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            "mypy.ini",
            "--cache-dir",
            str(tmp_path / "cache"),
            "uses_result.py",
            "reads_unselected.py",
            str(generated.directory),
        ],
        cwd=tmp_path,
        env={**os.environ, "MYPYPATH": str(generated.output)},
        capture_output=True,
        text=True,
        timeout=240,
    )

    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert errors == [
        'reads_unselected.py:6: error: "RosterStudents" has no attribute "citizen_id"  '
        "[attr-defined]"
    ], result.stdout + result.stderr


def completions(generated: Generated, tmp_path: Path, source: str) -> set[str]:
    path = tmp_path / "script.py"
    path.write_text(source, encoding="utf-8")
    project = jedi.Project(tmp_path, added_sys_path=[str(generated.output)])
    lines = source.splitlines()
    script = jedi.Script(source, path=path, project=project)
    return {c.name for c in script.complete(len(lines), len(lines[-1]))}


def test_jedi_completes_the_methods_and_the_selected_fields(
    generated: Generated, tmp_path: Path
) -> None:
    header = "from school_ops import AsyncClient, Client\nclient = Client()\n"
    methods = completions(generated, tmp_path, header + "client.")
    assert {"roster", "teacher_visits", "care_rows", "login", "execute"} <= methods

    async_methods = completions(generated, tmp_path, header + "AsyncClient().")
    assert {"roster", "student_name", "teacher_names", "aclose"} <= async_methods

    fields = completions(generated, tmp_path, header + "row = client.roster()[0]\nrow.")
    assert {"id", "code", "classroom_name"} <= fields
    assert "citizen_id" not in fields and "full_name" not in fields

    nested = completions(
        generated,
        tmp_path,
        header + "teacher = client.teacher_visits(id=3)\nteacher.visit_summary.",
    )
    assert {"total", "visited", "not_visited"} <= nested
