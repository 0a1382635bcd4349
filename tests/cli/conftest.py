"""Running the `nextschool` command against local servers.

Two ways: `cli.run(...)` starts a real subprocess (`python -m nextschool.cli`),
as a user's shell would; `run_main(...)` calls `main()` in this process, which
is faster for checking output. Both use a config directory of the test alone.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from nextschool import NextSchool
from nextschool.cli import main
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer, ServerSettings
from nextschool.testing.pytest_plugin import nextschool_server, nextschool_server_factory
from nextschool.testing.server import run_local_server

__all__ = ["nextschool_server", "nextschool_server_factory"]

ENV_NAMES = ("NEXTSCHOOL_URL", "NEXTSCHOOL_USERNAME", "NEXTSCHOOL_PASSWORD")
SUBPROCESS_TIMEOUT = 30


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty config directory, and no NextSchool settings from the outside."""
    path = tmp_path / "config"
    monkeypatch.setenv("NEXTSCHOOL_CONFIG_DIR", str(path))
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    return path


@dataclass(frozen=True)
class Cli:
    """The command as a subprocess, with the test's environment."""

    env: dict[str, str]

    def run(
        self, *args: str, env: dict[str, str] | None = None, stdin: str | None = None
    ) -> Outcome:
        completed = subprocess.run(
            [sys.executable, "-m", "nextschool.cli", *args],
            env={**self.env, **(env or {})},
            input=stdin if stdin is not None else "",
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=SUBPROCESS_TIMEOUT,
        )
        return Outcome(completed.returncode, completed.stdout, completed.stderr)


@pytest.fixture
def cli(config_dir: Path) -> Cli:
    return Cli(dict(os.environ))


RunMain = Callable[..., Outcome]


@pytest.fixture
def run_main(config_dir: Path, capsys: pytest.CaptureFixture[str]) -> RunMain:
    def run(*args: str) -> Outcome:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    return run


DEMO_ENV = {"NEXTSCHOOL_USERNAME": DEMO_USERNAME, "NEXTSCHOOL_PASSWORD": DEMO_PASSWORD}


@pytest.fixture
def logged_in(
    nextschool_server: LocalServer, run_main: RunMain, monkeypatch: pytest.MonkeyPatch
) -> LocalServer:
    """A fresh server with a saved session in the test's config directory."""
    with monkeypatch.context() as patch:
        for name, value in DEMO_ENV.items():
            patch.setenv(name, value)
        outcome = run_main("login", "--url", nextschool_server.url)
    assert outcome.code == 0, outcome.err
    return nextschool_server


@pytest.fixture(scope="module")
def reference_server() -> Iterator[LocalServer]:
    """A server of its own for the expected data, so counters elsewhere stay exact."""
    with run_local_server(ServerSettings(rate_limits=False)) as server:
        yield server


@pytest.fixture(scope="module")
def reference(reference_server: LocalServer) -> Iterator[NextSchool]:
    """The SDK on the same seed data, for what the command's output must match."""
    with NextSchool(reference_server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        yield client


@pytest.fixture
def unused_port() -> int:
    """A loopback port with nothing listening on it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def assert_one_error_line(outcome: Outcome) -> str:
    """A failure reads as one line on stderr, never a traceback."""
    assert outcome.code != 0
    assert "Traceback" not in outcome.err
    lines = outcome.err.strip().splitlines()
    assert len(lines) == 1, outcome.err
    assert lines[0].startswith("nextschool: error: ")
    return lines[0]
