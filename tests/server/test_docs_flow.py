"""The documentation's curl + jq "Token Expired" script, run unchanged but for the URL.

docs_token_expired.sh is the bash part of the docs page verbatim; only API_URL
comes from the environment. Its tokens come from a real login here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from nextschool.testing import LocalServer
from nextschool.testing.pytest_plugin import ServerFactory
from nextschool.testing.server import run_local_server

from .helpers import Api

SCRIPT = Path(__file__).with_name("docs_token_expired.sh")
DOCS_QUERY = "{ students(limit: 5) { id fullName classroomName } }"

pytestmark = pytest.mark.skipif(
    shutil.which("curl") is None or shutil.which("jq") is None,
    reason="the documented flow needs curl and jq on PATH (CI installs them with apt)",
)


def run_script(server: LocalServer, access_token: str, refresh_token: str) -> tuple[int, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "API_URL": server.url,
        "ACCESS_TOKEN": access_token,
        "REFRESH_TOKEN": refresh_token,
    }
    result = subprocess.run(
        ["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=30, check=False
    )
    assert result.stderr == ""
    return result.returncode, result.stdout


def expected_students(server: LocalServer) -> list[dict[str, Any]]:
    first = server.state.seed.schools[1].students[:5]
    return [{"id": s.id, "fullName": s.fullName, "classroomName": s.classroomName} for s in first]


def login(server: LocalServer) -> dict[str, Any]:
    with httpx.Client() as http:
        return Api(server, http).login()


def test_the_script_is_the_documented_one() -> None:
    text = SCRIPT.read_text("utf-8")
    assert text.startswith("#!/bin/bash\nAPI_URL=")
    assert "QUERY='" + DOCS_QUERY + "'" in text
    assert 'echo "Token expired, refreshing..."' in text
    assert text.rstrip().endswith("echo \"$RESPONSE\" | jq '.data'")


def test_docs_flow_refreshes_after_revocation() -> None:
    # The documented server: default settings, rate limits on.
    with run_local_server() as server:
        tokens = login(server)
        server.controls.revoke_access_tokens()
        code, output = run_script(server, tokens["accessToken"], tokens["refreshToken"])
        counters = server.counters.snapshot()
    assert code == 0, output
    first, second, rest = output.split("\n", 2)
    assert first == "Token expired, refreshing..."
    assert second == "Token refreshed successfully."
    data = json.loads(rest)
    assert data == {"students": expected_students(server)}
    assert data["students"][0]["fullName"].startswith("เด็ก")
    assert counters.refreshes == 1
    assert counters.unauthenticated_responses == 1
    assert counters.requests_by_operation == {"Login": 1, "<anonymous>": 3}


def test_docs_flow_refreshes_after_real_expiry(nextschool_server_factory: ServerFactory) -> None:
    server = nextschool_server_factory(access_token_ttl=0.5)
    tokens = login(server)
    time.sleep(0.6)
    code, output = run_script(server, tokens["accessToken"], tokens["refreshToken"])
    assert code == 0, output
    assert output.startswith("Token expired, refreshing...\nToken refreshed successfully.\n")
    assert server.counters.expired_token_requests == 1


def test_docs_flow_with_a_valid_token_does_not_refresh(nextschool_server: LocalServer) -> None:
    tokens = login(nextschool_server)
    code, output = run_script(nextschool_server, tokens["accessToken"], tokens["refreshToken"])
    assert code == 0
    assert "refreshing" not in output
    assert json.loads(output) == {"students": expected_students(nextschool_server)}
    assert nextschool_server.counters.refresh_attempts == 0


def test_docs_flow_when_the_refresh_token_is_gone_too(nextschool_server: LocalServer) -> None:
    tokens = login(nextschool_server)
    nextschool_server.controls.revoke_access_tokens()
    nextschool_server.controls.revoke_refresh_tokens()
    code, output = run_script(nextschool_server, tokens["accessToken"], tokens["refreshToken"])
    assert code == 1
    assert output == (
        "Token expired, refreshing...\nRefresh token also expired. Please login again.\n"
    )
