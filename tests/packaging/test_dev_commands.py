"""Every `dev.py` command sets up `.venv` before it runs anything from it.

On a fresh clone `.venv` does not exist yet, so a command that ran
`.venv/bin/python` without setting it up first failed with FileNotFoundError.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_dev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("nextschool_dev_script", ROOT / "dev.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("command", ["demo", "test", "mutate"])
def test_a_command_sets_up_the_environment_before_it_runs_from_it(
    command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    dev = _load_dev()
    steps: list[str] = []

    def ensure_environment(*profiles: object) -> None:
        assert profiles, "no profile to install"
        steps.append("environment")

    def run(*arguments: object) -> None:
        steps.append(str(arguments[0]))

    monkeypatch.setattr(dev, "ensure_environment", ensure_environment)
    monkeypatch.setattr(dev, "run", run)
    monkeypatch.setattr(dev, "build_distributions", lambda: None)
    monkeypatch.setattr(sys, "argv", ["dev.py", command])
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")  # `test` sets it in os.environ
    dev.COMMANDS[command]()
    assert steps[0] == "environment"
    assert len(steps) > 1
