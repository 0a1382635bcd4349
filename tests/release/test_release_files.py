"""The release check, and the files a release depends on."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

import nextschool
from scripts.release_check import problems

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "nextschool").mkdir()
    shutil.copyfile(ROOT / "nextschool" / "_version.py", tmp_path / "nextschool" / "_version.py")
    return tmp_path


def write_changelog(root: Path, *headings: str) -> None:
    body = "# Changelog\n\n" + "".join(f"{h}\n\n### Added\n\n- Things.\n\n" for h in headings)
    (root / "CHANGELOG.md").write_text(body, encoding="utf-8")


def test_release_check_accepts_a_matching_tag(project: Path) -> None:
    version = nextschool.__version__
    write_changelog(project, "## [Unreleased]", f"## [{version}] - 2026-12-01")
    assert problems(f"v{version}", project) == []


def test_release_check_rejects_another_version(project: Path) -> None:
    write_changelog(project, "## [99.0.0] - 2026-12-01")
    found = problems("v99.0.0", project)
    assert len(found) == 2
    assert "does not match the package version" in found[0]
    assert "no '## [" in found[1]


def test_release_check_exit_code(project: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "release_check.py"), "vnot-a-version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "does not match" in result.stderr


def test_changelog_keeps_an_unreleased_section() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "keepachangelog.com" in changelog
    assert re.search(r"^## \[Unreleased\]$", changelog, re.MULTILINE)


def test_one_version_source() -> None:
    assert metadata.version("nextschool") == nextschool.__version__
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject
    assert not re.search(r"^version\s*=", pyproject, re.MULTILINE)


def test_license_file_matches_the_declared_license() -> None:
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert metadata.metadata("nextschool")["License-Expression"] == "MIT"


def test_classifiers_claim_exactly_the_versions_ci_runs() -> None:
    workflow = (ROOT / ".github" / "workflows" / "tests.yml").read_text(encoding="utf-8")
    match = re.search(r"^\s+python: \[(.+)\]$", workflow, re.MULTILINE)
    assert match
    tested = {version.strip().strip('"') for version in match.group(1).split(",")}
    classifiers = metadata.metadata("nextschool").get_all("Classifier") or []
    claimed = {
        c.rsplit(" :: ", 1)[1] for c in classifiers if re.fullmatch(r".*Python :: 3\.\d+", c)
    }
    assert claimed == tested
    requires_python = metadata.metadata("nextschool")["Requires-Python"]
    assert requires_python == f">={min(tested, key=lambda v: tuple(map(int, v.split('.'))))}"
