"""The password prompt on a real terminal: echo is off while the password is typed."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import termios
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from nextschool.testing import DEMO_PASSWORD, LocalServer

from .conftest import Cli
from .test_session import session_file

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")

# The prompt carries the tool's prefix and says which account and API it is for.
PROMPT = b"nextschool: password for demo at "
TYPED = DEMO_PASSWORD + "-typed"


def read_until(fd: int, marker: bytes, timeout: float = 15.0) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while marker not in seen:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"no {marker!r} on the terminal, got {seen!r}"
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            try:
                chunk = os.read(fd, 1024)
            except OSError:  # the other side closed: Linux reports EIO
                break
            if not chunk:
                break
            seen += chunk
    return seen


def read_rest(fd: int) -> bytes:
    rest = b""
    while select.select([fd], [], [], 0.2)[0]:
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        rest += chunk
    return rest


@dataclass(frozen=True)
class PromptedLogin:
    code: int
    terminal: bytes  # everything the user would have seen on the terminal
    out: str
    echo_while_prompting: bool


def login_at_a_terminal(cli: Cli, url: str, typed: str) -> PromptedLogin:
    main_fd, terminal_fd = os.openpty()
    try:
        # A new session has no controlling terminal, so getpass falls back to
        # stdin, which is the pseudo-terminal: what a user at a terminal gets.
        with subprocess.Popen(
            [sys.executable, "-m", "nextschool.cli", "login", "--url", url],
            stdin=terminal_fd,
            stdout=subprocess.PIPE,
            stderr=terminal_fd,
            env={**cli.env, "NEXTSCHOOL_USERNAME": "demo"},
            start_new_session=True,
        ) as process:
            try:
                terminal = read_until(main_fd, PROMPT)
                echo = bool(termios.tcgetattr(terminal_fd)[3] & termios.ECHO)
                os.write(main_fd, typed.encode() + b"\n")
                assert process.stdout is not None
                out = process.stdout.read().decode()
                code = process.wait(timeout=15)
                terminal += read_rest(main_fd)
            finally:
                if process.poll() is None:
                    process.kill()
    finally:
        os.close(main_fd)
        os.close(terminal_fd)
    return PromptedLogin(code, terminal, out, echo)


def test_the_prompt_turns_echo_off_and_the_password_never_appears(
    cli: Cli, config_dir: Path, nextschool_server: LocalServer
) -> None:
    # A wrong password, on purpose: the error message must not carry it either.
    login = login_at_a_terminal(cli, nextschool_server.url, TYPED)

    assert not login.echo_while_prompting
    assert login.code == 3
    assert b"Invalid credentials" in login.terminal
    assert TYPED.encode() not in login.terminal
    assert TYPED not in login.out
    assert nextschool_server.counters.login_attempts == 1
    assert not session_file(config_dir, nextschool_server.url).exists()


def test_the_prompt_logs_in_with_what_was_typed(
    cli: Cli, config_dir: Path, nextschool_server: LocalServer
) -> None:
    login = login_at_a_terminal(cli, nextschool_server.url, DEMO_PASSWORD)

    assert login.code == 0, login.terminal
    assert login.out == f"Logged in to {nextschool_server.url} as API User\n"
    assert session_file(config_dir, nextschool_server.url).exists()
    assert nextschool_server.counters.logins == 1
