"""`nextschool serve` and `python -m nextschool.demo`, as processes."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest

from .conftest import DEMO_ENV, SUBPROCESS_TIMEOUT, Cli, RunMain, assert_one_error_line

THAI = re.compile(r"[\u0E01-\u0E5B]{2,}")


def test_serve_runs_a_server_the_tool_can_log_in_to(
    cli: Cli, run_main: RunMain, monkeypatch: pytest.MonkeyPatch
) -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "nextschool.cli", "serve", "--port", "0", "--no-rate-limits"],
        env=cli.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as server:
        try:
            assert server.stdout is not None
            first_line = server.stdout.readline()
            match = re.fullmatch(
                r"NextSchool local server: (http://127\.0\.0\.1:\d+/)\n", first_line
            )
            assert match, first_line
            for name, value in DEMO_ENV.items():
                monkeypatch.setenv(name, value)
            outcome = run_main("login", "--url", match.group(1))
            assert outcome.code == 0, outcome.err
            assert run_main("students", "--limit", "1", "--json").code == 0
        finally:
            server.terminate()
            server.wait(timeout=SUBPROCESS_TIMEOUT)


def test_serve_without_the_testing_extra_names_it(
    run_main: RunMain, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "nextschool.testing.cli", None)
    outcome = run_main("serve", "--port", "0")
    assert outcome.code == 6
    assert "pip install 'nextschool[testing]'" in assert_one_error_line(outcome)


def test_demo_runs_offline_in_a_few_seconds(cli: Cli) -> None:
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "-m", "nextschool.demo"],
        env=cli.env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=SUBPROCESS_TIMEOUT,
    )
    elapsed = time.monotonic() - started

    assert completed.returncode == 0, completed.stderr
    assert elapsed < 15
    out = completed.stdout
    assert THAI.search(out)
    assert "เด็กชาย" in out or "เด็กหญิง" in out
    # The timeline, in order: rejected, refreshed, retried.
    timeline = [line for line in out.splitlines() if re.match(r"\s+\d+\.\d ms ", line)]
    kinds = [
        "UNAUTHENTICATED"
        if "UNAUTHENTICATED" in line
        else "refresh"
        if "Refreshing the access token" in line
        else "retry"
        if "(retry)" in line
        else None
        for line in timeline
    ]
    assert [kind for kind in kinds if kind] == ["UNAUTHENTICATED", "refresh", "retry"]
    assert "1 refresh, 1 retry, 0 new logins" in out
    assert "logins 1, refreshes 1" in out
    assert "\x1b[" not in out  # no colours outside a terminal
    assert "eyJ" not in out
