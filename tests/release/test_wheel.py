"""The wheel holds the package and nothing else, with complete metadata."""

from __future__ import annotations

import email
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import nextschool

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "nextschool"
NOT_SHIPPED = {"tests", "benchmarks", "scripts", "codegen", "queries", "docs", ".github", ".ci"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[zipfile.ZipFile]:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    (path,) = out.glob("*.whl")
    with zipfile.ZipFile(path) as archive:
        yield archive


def source_files() -> set[str]:
    return {
        path.relative_to(ROOT).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


def dist_info(wheel: zipfile.ZipFile) -> str:
    return f"nextschool-{nextschool.__version__}.dist-info"


def test_wheel_holds_exactly_the_package(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    package = {name for name in names if name.startswith("nextschool/")}
    # The console script's entry, outside the package so it can report a
    # Ctrl-C during the package's own import.
    assert "_nextschool_cli.py" in names
    names = names - {"_nextschool_cli.py"}
    assert package == source_files()
    assert {"nextschool/py.typed", "nextschool/generated_client/schema.graphql"} <= package
    assert names - package == {
        f"{dist_info(wheel)}/{name}"
        for name in ("METADATA", "WHEEL", "RECORD", "entry_points.txt", "licenses/LICENSE")
    }
    assert not {Path(name).parts[0] for name in names} & NOT_SHIPPED


def test_metadata(wheel: zipfile.ZipFile) -> None:
    message = email.message_from_bytes(wheel.read(f"{dist_info(wheel)}/METADATA"))
    assert message["Version"] == nextschool.__version__
    assert message["License-Expression"] == "MIT"
    requires = message.get_all("Requires-Dist") or []
    runtime = sorted(r.split(">")[0].split("<")[0] for r in requires if "extra ==" not in r)
    assert runtime == ["httpx", "pydantic", "typing-extensions"]
    urls = dict(value.split(", ", 1) for value in message.get_all("Project-URL") or [])
    assert {"Documentation", "Repository", "Changelog", "Issues"} <= urls.keys()
    assert "Programming Language :: Python :: 3.14" in (message.get_all("Classifier") or [])


def test_entry_points(wheel: zipfile.ZipFile) -> None:
    text = wheel.read(f"{dist_info(wheel)}/entry_points.txt").decode()
    assert "nextschool = _nextschool_cli:main" in text
    assert "[pytest11]\nnextschool.testing.pytest_plugin = nextschool._pytest_plugin" in text
