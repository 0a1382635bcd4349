"""`with_raw_response` is typed from the method passed: result, arguments and all."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

USAGE = textwrap.dedent(
    """
    from nextschool import AsyncNextSchool, NextSchool, RawResponse
    from nextschool.generated_client.models import StudentsStudents


    def sync_calls(client: NextSchool) -> None:
        raw: RawResponse[list[StudentsStudents]] = client.with_raw_response(
            client.students, limit=5, timeout=2.0
        )
        first: StudentsStudents = raw.parse()[0]
        request_id: str = raw.request_id
        status: int = raw.status_code
        wrong: str = client.with_raw_response(client.students).parse()  # line 13: a list
        client.with_raw_response(client.students, limt=5)  # line 14: misspelt


    async def async_calls(client: AsyncNextSchool) -> None:
        raw = await client.with_raw_response(client.students, limit=5)
        names: list[str] = [student.firstname or "" for student in raw.parse()]
        await client.with_raw_response(client.students, timout=1.0)  # line 20: misspelt
    """
)
EXPECTED = [13, 14, 20]


def _usage(tmp_path: Path) -> Path:
    path = tmp_path / "usage.py"
    path.write_text(USAGE, encoding="utf-8")
    return path


def test_mypy_checks_the_method_passed(tmp_path: Path) -> None:
    usage = _usage(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--config-file", "", usage],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=tmp_path,
    )
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert [int(line.split(":")[1]) for line in errors] == EXPECTED, result.stdout


def test_pyright_checks_the_method_passed(tmp_path: Path) -> None:
    usage = _usage(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "pyright", "--outputjson", "--pythonpath", sys.executable, usage],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=tmp_path,
    )
    diagnostics = json.loads(result.stdout)["generalDiagnostics"]
    errors = [d for d in diagnostics if d["severity"] == "error"]
    assert sorted({d["range"]["start"]["line"] + 1 for d in errors}) == EXPECTED, errors
