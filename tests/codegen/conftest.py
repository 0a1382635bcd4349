"""One generated package per test session: generating takes a few seconds."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

from nextschool.cli import main
from nextschool.testing import LocalServer, ServerSettings, run_local_server

OPERATIONS = Path(__file__).parent / "operations"
PACKAGE = "school_ops"


@dataclass(frozen=True)
class Generated:
    output: Path  # the --output directory, on sys.path
    package: ModuleType

    @property
    def directory(self) -> Path:
        return self.output / PACKAGE


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    output = tmp_path_factory.mktemp("generated")
    code = main(["generate", str(OPERATIONS), "--package", PACKAGE, "--output", str(output)])
    assert code == 0
    sys.path.insert(0, str(output))
    try:
        yield Generated(output, importlib.import_module(PACKAGE))
    finally:
        sys.path.remove(str(output))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def shared_server() -> Iterator[LocalServer]:
    """For calls whose counters nobody reads."""
    with run_local_server(ServerSettings(rate_limits=False)) as server:
        yield server


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A fresh server, for exact counters."""
    with run_local_server(ServerSettings(rate_limits=False)) as server:
        yield server
