"""Optional parts imported without their extra say which extra to install."""

from __future__ import annotations

import subprocess
import sys

import pytest

HINT = 'pip install "nextschool[testing]"'

# Runs in a fresh interpreter: the module is hidden before anything imports it,
# as on a machine where the extra was never installed.
IMPORT_WITHOUT = """
import sys
sys.modules[{module!r}] = None
try:
    import nextschool.testing
except ImportError as error:
    print(type(error).__name__, error, sep=": ")
    import nextschool
    print("core still imports:", nextschool.NextSchool.__name__)
else:
    print("imported")
"""


@pytest.mark.parametrize("module", ["graphql", "uvicorn"])
def test_testing_without_its_extra_names_the_install_command(module: str) -> None:
    completed = subprocess.run(
        [sys.executable, "-c", IMPORT_WITHOUT.format(module=module)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    first, second = completed.stdout.splitlines()
    assert first.startswith("ImportError: nextschool.testing needs the testing extra")
    assert module in first
    assert first.endswith(HINT)
    assert second == "core still imports: NextSchool"


def test_the_demo_without_the_extra_says_what_to_install() -> None:
    code = "import sys; sys.modules['graphql'] = None; from nextschool.demo import main; main()"
    completed = subprocess.run(
        [sys.executable, "-c", f"{code}; sys.exit(main())"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 6
    assert completed.stderr.startswith("nextschool demo: ")
    assert HINT in completed.stderr
    assert "Traceback" not in completed.stderr
