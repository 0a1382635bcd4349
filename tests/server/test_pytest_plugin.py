"""The fixtures as users enable them: `pytest_plugins` in their own conftest.py."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from nextschool.testing import LocalServer

INNER_TESTS = """
import httpx
import pytest

from nextschool.testing import ServerSettings

URLS = []


def test_default_server(nextschool_server):
    assert nextschool_server.settings.rate_limits is False
    response = httpx.post(nextschool_server.url, json={"query": "{ __typename }"})
    assert response.json() == {"data": {"__typename": "Query"}}
    URLS.append(nextschool_server.url)


def test_factory(nextschool_server_factory):
    short = nextschool_server_factory(access_token_ttl=5)
    limited = nextschool_server_factory(rate_limits=True, global_limit_per_minute=1)
    explicit = nextschool_server_factory(ServerSettings(seed=7))
    assert (short.settings.access_token_ttl, short.settings.rate_limits) == (5, False)
    assert limited.settings.global_limit_per_minute == 1
    assert httpx.post(limited.url, json={"query": "{ __typename }"}).status_code == 200
    assert httpx.post(limited.url, json={"query": "{ __typename }"}).status_code == 429
    assert (explicit.settings.seed, explicit.settings.rate_limits) == (7, True)
    URLS.extend([short.url, limited.url, explicit.url])
    assert len(set(URLS)) == 4


def test_servers_stop_at_teardown():
    assert len(URLS) == 4
    for url in URLS:
        with pytest.raises(httpx.ConnectError):
            httpx.post(url, json={"query": "{ __typename }"})
"""


def test_plugin_fixtures_in_a_fresh_project(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\nfilterwarnings = error\n")
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["nextschool.testing.pytest_plugin"]\n')
    (tmp_path / "test_inner.py").write_text(textwrap.dedent(INNER_TESTS))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:asyncio",
            str(tmp_path),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout


def test_fixture_in_this_suite(nextschool_server: LocalServer) -> None:
    assert nextschool_server.url.startswith("http://127.0.0.1:")
    assert nextschool_server.settings.rate_limits is False
    assert nextschool_server.counters.requests_total == 0
