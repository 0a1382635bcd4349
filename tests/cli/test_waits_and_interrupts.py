"""Long waits explain themselves; Ctrl-C ends any command quietly with exit code 130.

Real `nextschool` processes against local servers: the waits are real rate
limits and the interrupts real SIGINTs.
"""

from __future__ import annotations

import contextlib
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from nextschool.testing import LocalServer

from .conftest import DEMO_ENV, SUBPROCESS_TIMEOUT, Cli

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and terminals")

WAIT_LINE = "nextschool: rate limited by the API; retrying Students in 3 s"


def test_a_rate_limit_wait_says_why_and_how_long(cli: Cli, logged_in: LocalServer) -> None:
    logged_in.controls.rate_limit_next(1, retry_after=3, operation="Students")
    started = time.monotonic()

    outcome = cli.run("students", "--limit", "1", "--json")

    assert outcome.code == 0, outcome.err
    assert time.monotonic() - started >= 3
    assert outcome.err.splitlines() == [WAIT_LINE]


def test_a_rate_limited_login_says_why_and_how_long(
    cli: Cli, nextschool_server: LocalServer
) -> None:
    nextschool_server.controls.rate_limit_next(1, mode="graphql", retry_after=3, operation="Login")

    outcome = cli.run("login", "--url", nextschool_server.url, env=DEMO_ENV)

    assert outcome.code == 0, outcome.err
    assert outcome.err.splitlines() == [
        "nextschool: rate limited by the API; retrying Login in 3 s"
    ]
    assert nextschool_server.counters.logins == 1


def test_a_short_wait_passes_silently(cli: Cli, logged_in: LocalServer) -> None:
    logged_in.controls.rate_limit_next(1, retry_after=1, operation="Students")
    outcome = cli.run("students", "--limit", "1", "--json")
    assert outcome.code == 0, outcome.err
    assert outcome.err == ""


def test_the_wait_counts_down_on_a_terminal(cli: Cli, logged_in: LocalServer) -> None:
    logged_in.controls.rate_limit_next(1, retry_after=3, operation="Students")
    main_fd, terminal_fd = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "nextschool.cli", "students", "--limit", "1", "--json"],
            env=cli.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=terminal_fd,
        )
        os.close(terminal_fd)
        terminal = read_until_exit(main_fd, process)
    finally:
        os.close(main_fd)
    assert process.returncode == 0
    text = terminal.decode()
    # Rewritten in place each second, then one final line.
    frames = re.findall(r"\r\x1b\[K([^\r\n]*)", text)
    counts = [int(m.group(1)) for f in frames if (m := re.search(r"in (\d+) s", f))]
    assert counts[:3] == [3, 2, 1], text
    assert all(frame.startswith("nextschool: rate limited by the API") for frame in frames)
    assert text.endswith("nextschool: rate limited by the API; waited 3 s, retrying Students\r\n")


def read_until_exit(fd: int, process: subprocess.Popen[bytes]) -> bytes:
    seen = b""
    deadline = time.monotonic() + SUBPROCESS_TIMEOUT
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 1024)
            except OSError:  # the other side closed: Linux reports EIO
                break
            if not chunk:
                break
            seen += chunk
        elif process.poll() is not None:
            break
    process.communicate(timeout=SUBPROCESS_TIMEOUT)
    return seen


def default_sigint() -> None:
    # As in a terminal. A shell starts background jobs (CI, nohup) with
    # SIGINT ignored, which the child would inherit.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextlib.contextmanager
def interruptible(args: list[str], env: dict[str, str]) -> Iterator[subprocess.Popen[str]]:
    """A command to send SIGINT to; ended and reaped whatever the test's outcome."""
    with subprocess.Popen(
        args,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=default_sigint,
    ) as process:
        try:
            yield process
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate(timeout=SUBPROCESS_TIMEOUT)


def assert_quiet_interrupt(process: subprocess.Popen[str]) -> None:
    _, err = process.communicate(timeout=SUBPROCESS_TIMEOUT)
    assert process.returncode == 130, (process.returncode, err)
    assert "Traceback" not in err
    assert "KeyboardInterrupt" not in err
    for line in err.splitlines():
        assert line == "" or line.startswith("nextschool: "), err


def test_ctrl_c_during_a_wait_exits_130(cli: Cli, logged_in: LocalServer) -> None:
    logged_in.controls.rate_limit_next(1, retry_after=30, operation="Students")
    command = [sys.executable, "-m", "nextschool.cli", "students", "--limit", "1"]
    with interruptible(command, cli.env) as process:
        assert process.stderr is not None
        line = process.stderr.readline()
        assert line.startswith("nextschool: rate limited by the API; retrying Students in 30 s")
        process.send_signal(signal.SIGINT)
        assert_quiet_interrupt(process)


def console_script() -> Path:
    found = shutil.which("nextschool", path=str(Path(sys.executable).parent))
    assert found, "the nextschool console script is not installed next to this interpreter"
    return Path(found)


def slow_command(
    cli: Cli, server: LocalServer
) -> contextlib.AbstractContextManager[subprocess.Popen[str]]:
    """The installed `nextschool` script, kept busy by a slow server."""
    server.controls.delay = 20.0
    env = {**cli.env, **DEMO_ENV, "NEXTSCHOOL_URL": server.url}
    return interruptible([str(console_script()), "students", "--limit", "1"], env)


def wait_until_loaded(process: subprocess.Popen[str], library: str) -> None:
    """Until the process has mapped `library`: it is then importing the SDK."""
    maps = Path(f"/proc/{process.pid}/maps")
    deadline = time.monotonic() + SUBPROCESS_TIMEOUT
    while library not in maps.read_text():
        assert process.poll() is None, "the command ended before it was interrupted"
        assert time.monotonic() < deadline, f"{library} never loaded"
        time.sleep(0.001)


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("library", ["_ssl", "pydantic_core"])
def test_ctrl_c_while_the_sdk_is_still_importing_exits_130(
    cli: Cli, nextschool_server: LocalServer, library: str
) -> None:
    # The first fraction of a second: httpx (ssl), then pydantic, are importing.
    with slow_command(cli, nextschool_server) as process:
        wait_until_loaded(process, library)
        process.send_signal(signal.SIGINT)
        assert_quiet_interrupt(process)


@pytest.mark.parametrize("after", [0.5, 1.0, 2.0])
def test_ctrl_c_later_exits_130_without_a_traceback(
    cli: Cli, nextschool_server: LocalServer, after: float
) -> None:
    with slow_command(cli, nextschool_server) as process:
        time.sleep(after)
        process.send_signal(signal.SIGINT)
        assert_quiet_interrupt(process)
