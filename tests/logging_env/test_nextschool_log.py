"""`NEXTSCHOOL_LOG=info|debug` turns on logging to stderr, with secrets masked."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator

import pytest

from nextschool._log_config import HANDLER_NAME, configure_logging_from_env

PASSWORD = "Pa55-ภาษาไทย-🎓-not-in-logs"

# A whole session in a fresh interpreter, so the variable is read at import as
# users get it: login with a password, calls, a revoked token (reactive
# refresh), an explicit refresh, a failed login, logout. It prints every token
# it was handed on stdout; the logs go to stderr.
SESSION = textwrap.dedent(
    f"""
    import asyncio, json
    from nextschool import AsyncNextSchool, InvalidCredentialsError, NextSchool
    from nextschool.testing import ServerSettings, run_local_server

    PASSWORD = {PASSWORD!r}
    seen = []

    def remember(tokens):
        if tokens is not None:
            seen.extend([tokens.access_token, tokens.refresh_token])

    settings = ServerSettings(rate_limits=False, extra_accounts=(("logcheck", PASSWORD),))
    with run_local_server(settings) as server:
        with NextSchool(server.url, username="logcheck", password=PASSWORD,
                        on_tokens_changed=remember) as client:
            client.students(limit=2)
            server.controls.revoke_access_tokens()
            client.teachers(limit=1)
            client.refresh_token()
            client.student(id=1)
            client.logout()

        async def run_async():
            async with AsyncNextSchool(server.url, username="logcheck", password=PASSWORD,
                                       on_tokens_changed=remember) as client:
                await client.students(limit=1)
                server.controls.revoke_access_tokens()
                await client.students(limit=1)
            async with AsyncNextSchool(server.url, username="logcheck",
                                       password=PASSWORD + "-wrong") as wrong:
                try:
                    await wrong.students(limit=1)
                except InvalidCredentialsError:
                    pass

        asyncio.run(run_async())
        assert server.counters.refreshes >= 3, server.counters.snapshot()
    print(json.dumps(seen))
    """
)


def run_session(level: str | None) -> tuple[list[str], str]:
    env_value = {} if level is None else {"NEXTSCHOOL_LOG": level}
    result = subprocess.run(
        [sys.executable, "-c", SESSION],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
        env={**_clean_environment(), **env_value, "PYTHONIOENCODING": "utf-8"},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def _clean_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("NEXTSCHOOL_")}


def test_debug_logs_a_whole_session_without_any_secret() -> None:
    tokens, stderr = run_session("debug")
    assert len(tokens) >= 8  # two logins, three refreshes: access and refresh each
    loggers = {line.split(" ")[3].rstrip(":") for line in stderr.splitlines() if line}
    assert {"nextschool", "httpx", "httpcore.http11"} <= loggers, sorted(loggers)
    assert "DEBUG nextschool" in stderr
    assert "Refreshing the access token" in stderr
    leaked = [secret for secret in [PASSWORD, *tokens] if secret and secret in stderr]
    assert not leaked, f"{len(leaked)} secrets in the log"
    assert "eyJ" not in stderr


def test_info_logs_requests_but_no_debug_records() -> None:
    tokens, stderr = run_session("INFO")
    assert "INFO httpx: HTTP Request: POST" in stderr
    assert "INFO nextschool: Logging in" in stderr
    assert " DEBUG " not in stderr
    assert not [secret for secret in [PASSWORD, *tokens] if secret in stderr]


def test_unset_means_silent() -> None:
    _, stderr = run_session(None)
    assert stderr == ""


@pytest.fixture
def restore_loggers() -> Iterator[None]:
    names = ("nextschool", "httpx", "httpcore")
    saved = {
        name: (logging.getLogger(name).level, list(logging.getLogger(name).handlers))
        for name in names
    }
    yield
    for name, (level, handlers) in saved.items():
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.handlers[:] = handlers


@pytest.mark.usefixtures("restore_loggers")
def test_configuring_twice_keeps_one_handler() -> None:
    configure_logging_from_env({"NEXTSCHOOL_LOG": "debug"})
    configure_logging_from_env({"NEXTSCHOOL_LOG": "info"})
    for name in ("nextschool", "httpx"):
        handlers = [h for h in logging.getLogger(name).handlers if h.get_name() == HANDLER_NAME]
        assert len(handlers) == 1
    assert logging.getLogger("httpx").level == logging.INFO


@pytest.mark.usefixtures("restore_loggers")
def test_unknown_value_warns_and_changes_nothing() -> None:
    with pytest.warns(UserWarning, match="NEXTSCHOOL_LOG='verbose' is not one of info, debug"):
        assert configure_logging_from_env({"NEXTSCHOOL_LOG": "verbose"}) is None
    assert not [h for h in logging.getLogger("httpx").handlers if h.get_name() == HANDLER_NAME]
