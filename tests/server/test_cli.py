"""`python -m nextschool.testing`: a real process serving until interrupted."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from .helpers import LOGIN


@pytest.fixture
def cli_server() -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nextschool.testing",
            "--port",
            "0",
            "--access-token-ttl",
            "30",
            "--no-rate-limits",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    banner = [process.stdout.readline() for _ in range(4)]
    try:
        yield process, banner
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


def test_cli_prints_the_url_and_demo_account_then_serves(
    cli_server: tuple[subprocess.Popen[str], list[str]],
) -> None:
    process, banner = cli_server
    assert banner[0].startswith("NextSchool local server: http://127.0.0.1:")
    url = banner[0].split(": ", 1)[1].strip()
    assert url.endswith("/")
    assert "'demo'" in banner[1]
    assert banner[1].count("demo") == 2
    response = httpx.post(
        url, json={"query": LOGIN, "variables": {"username": "demo", "password": "demo"}}
    )
    payload = response.json()["data"]["login"]
    assert payload["expiresIn"] == 30
    # --no-rate-limits: far more logins than the documented 5 per minute.
    for _ in range(7):
        body = httpx.post(
            url, json={"query": LOGIN, "variables": {"username": "demo", "password": "demo"}}
        ).json()
        assert "errors" not in body
    assert "x-ratelimit-limit" not in response.headers

    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=10)
    assert process.returncode == 0, stderr
    assert stdout.strip().endswith("Stopped.")
    with pytest.raises(httpx.ConnectError):
        httpx.post(url, json={"query": "{ __typename }"})


def test_cli_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "nextschool.testing", "--help"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    for option in ("--port", "--host", "--access-token-ttl", "--no-rate-limits"):
        assert option in result.stdout


def test_cli_reports_a_busy_port() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "nextschool.testing", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    assert result.returncode == 1
    assert f"Cannot listen on 127.0.0.1:{port}" in result.stderr
