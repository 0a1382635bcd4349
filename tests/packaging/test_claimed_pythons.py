"""The oldest and newest Python the package claims really run it.

For each, `python dev.py demo` (the README's first command) runs in a lean
environment of its own, `.venv-3.X`, kept between runs, and the package and
its optional parts import there. Where an interpreter is not installed (pyenv
or python3.X on PATH), that version is skipped, and says so.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# First run: a virtual environment and the demo's packages; later runs only the demo.
DEMO_TIMEOUT = 280
IMPORTS = "import nextschool, nextschool.testing, nextschool.cli, _nextschool_cli"


def claimed_versions() -> list[str]:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    versions = re.findall(r'"Programming Language :: Python :: (3\.\d+)"', text)
    return sorted(set(versions), key=lambda version: int(version.split(".")[1]))


def version_of(executable: str) -> str | None:
    try:
        completed = subprocess.run(
            [executable, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return completed.stdout.strip() if completed.returncode == 0 else None


def pyenv_root() -> Path:
    if os.environ.get("PYENV_ROOT"):
        return Path(os.environ["PYENV_ROOT"])
    return Path.home() / ".pyenv"


def find_interpreter(version: str) -> str | None:
    """An installed python`version`: pyenv's versions first, then PATH."""
    installed = sorted(
        (pyenv_root() / "versions").glob(f"{version}.*/bin/python{version}"),
        key=lambda path: [int(part) for part in re.findall(r"\d+", path.parts[-3])],
        reverse=True,
    )
    candidates = [str(path) for path in installed]
    on_path = shutil.which(f"python{version}")
    if on_path:
        candidates.append(on_path)
    return next((c for c in candidates if version_of(c) == version), None)


CLAIMED = claimed_versions()
# The newest claimed Python may be too new for this machine (it is then
# skipped and says so); the newest one it has is run as well.
NEWEST_INSTALLED = next((v for v in reversed(CLAIMED) if find_interpreter(v)), CLAIMED[-1])
OLDEST_AND_NEWEST = sorted({CLAIMED[0], NEWEST_INSTALLED, CLAIMED[-1]}, key=CLAIMED.index)


def test_the_claims_agree_with_requires_python() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'requires-python = ">={CLAIMED[0]}"' in text
    assert len(CLAIMED) >= 2


@pytest.mark.parametrize("version", OLDEST_AND_NEWEST)
def test_the_demo_runs_and_the_package_imports_on(version: str) -> None:
    interpreter = find_interpreter(version)
    if interpreter is None:
        pytest.skip(f"Python {version} is not installed on this machine")
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("NEXTSCHOOL", "VIRTUAL_ENV", "PYTHON"))
    }
    env["NEXTSCHOOL_DEV_VENV"] = f".venv-{version}"

    demo = subprocess.run(
        [interpreter, "dev.py", "demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=DEMO_TIMEOUT,
    )

    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    assert "Logged in to http://127.0.0.1:" in demo.stdout
    assert "1 call, 3 HTTP requests, 1 refresh, 1 retry, 0 new logins" in demo.stdout
    assert demo.stdout.rstrip().endswith(" s.")
    bin_dir = "Scripts" if os.name == "nt" else "bin"
    python = ROOT / f".venv-{version}" / bin_dir / "python"
    imported = subprocess.run(
        [str(python), "-c", f"{IMPORTS}; import sys; print('%d.%d' % sys.version_info[:2])"],
        cwd=Path(sys.prefix),  # not the repository: the installed package must import
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == version


def test_a_python_that_is_not_installed_is_not_found() -> None:
    assert find_interpreter("3.99") is None
