"""Type checkers reject a misspelt per-call option on every generated method, and a
misspelt option of `with_options()`, whose result keeps the generated methods."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

USAGE = textwrap.dedent(
    """
    from nextschool import AsyncNextSchool, NextSchool


    def sync_calls(client: NextSchool) -> None:
        client.students(limit=5, timeout=2.0, deadline=10.0, headers={"X-Trace": "1"})
        client.students(limit=5, timout=2.0)  # line 7: misspelt


    async def async_calls(client: AsyncNextSchool) -> None:
        await client.visit_stats(timeout=1.0)
        await client.teachers(max_retries=0)  # line 12: not a per-call option


    def derived(client: NextSchool) -> None:
        quick = client.with_options(timeout=2.0, deadline=5.0, max_retries=0, headers={"X": "1"})
        quick.students(limit=5)  # with_options keeps the class: its operations are there
        client.with_options(max_retry=0)  # line 18: misspelt


    async def async_derived(client: AsyncNextSchool) -> None:
        await client.with_options(extensions={}).teachers(limit=1)
        client.with_options(verify=False)  # line 23: not an option
    """
)


def write_usage(tmp_path: Path) -> Path:
    path = tmp_path / "usage.py"
    path.write_text(USAGE, encoding="utf-8")
    return path


def test_mypy_rejects_unknown_options(tmp_path: Path) -> None:
    usage = write_usage(tmp_path)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--config-file",
            "",
            str(usage),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=tmp_path,
    )
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert [line.split(":")[1] for line in errors] == ["7", "12", "18", "23"], result.stdout
    assert '"timout"' in errors[0] and '"max_retries"' in errors[1]
    assert '"max_retry"' in errors[2] and '"verify"' in errors[3]


def test_pyright_rejects_unknown_options(tmp_path: Path) -> None:
    usage = write_usage(tmp_path)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pyright",
            "--outputjson",
            "--pythonpath",
            sys.executable,
            str(usage),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=tmp_path,
    )
    diagnostics = json.loads(result.stdout)["generalDiagnostics"]
    errors = [d for d in diagnostics if d["severity"] == "error"]
    assert [d["range"]["start"]["line"] + 1 for d in errors] == [7, 12, 18, 23], errors
    assert "timout" in errors[0]["message"] and "max_retries" in errors[1]["message"]
    assert "max_retry" in errors[2]["message"] and "verify" in errors[3]["message"]
