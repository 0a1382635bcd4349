"""Set-up and checks for working on the SDK. Needs only Python 3.10+ and pip.

    python dev.py demo    # the SDK against a local NextSchool server, offline
    python dev.py test    # regeneration check, ruff, mypy --strict, pytest,
                          # and a quick mutation run over one small module
    python dev.py mutate [module ...]   # mutation scores of the core modules

Both create `.venv` on first use and install the pinned tools into it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
REQUIREMENT_FILES = ["requirements-dev.txt", "benchmarks/requirements.txt"]
STAMP = VENV / ".installed"


def run(*command: str | Path) -> None:
    print("+", " ".join(str(part) for part in command), flush=True)
    result = subprocess.run([str(part) for part in command], cwd=ROOT)
    if result.returncode != 0:
        sys.exit(result.returncode)


def ensure_environment() -> None:
    if not PYTHON.exists():
        venv.create(VENV, with_pip=True)
    inputs = [ROOT / "pyproject.toml"] + [ROOT / name for name in REQUIREMENT_FILES]
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in inputs if p.exists())).hexdigest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    requirements = [
        arg for name in REQUIREMENT_FILES if (ROOT / name).exists() for arg in ("-r", name)
    ]
    run(
        PYTHON,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        *requirements,
        "-e",
        ".[testing,cli]",
    )
    STAMP.write_text(digest)


def demo() -> None:
    run(PYTHON, "-m", "nextschool.demo")


def test() -> None:
    run(PYTHON, "scripts/codegen.py", "--check")
    run(PYTHON, "-m", "ruff", "check", ".")
    run(PYTHON, "-m", "ruff", "format", "--check", ".")
    run(PYTHON, "-m", "mypy")
    run(PYTHON, "-m", "pytest", *sys.argv[2:])
    run(PYTHON, "scripts/mutate.py", "--quick")


def mutate() -> None:
    run(PYTHON, "scripts/mutate.py", *sys.argv[2:])


COMMANDS = {"demo": demo, "test": test, "mutate": mutate}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    ensure_environment()
    COMMANDS[sys.argv[1]]()
