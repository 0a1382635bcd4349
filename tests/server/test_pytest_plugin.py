"""The fixtures as users get them: loaded by pytest itself, or named in a conftest.py."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

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


CONFTEST = 'pytest_plugins = ["nextschool.testing.pytest_plugin"]\n'


@pytest.mark.parametrize(
    ("conftest", "autoload"),
    [
        pytest.param(None, True, id="entry-point"),
        pytest.param(CONFTEST, True, id="entry-point-and-conftest"),
        pytest.param(CONFTEST, False, id="conftest-without-autoload"),
    ],
)
def test_plugin_fixtures_in_a_fresh_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, conftest: str | None, autoload: bool
) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\nfilterwarnings = error\n")
    if conftest is not None:
        (tmp_path / "conftest.py").write_text(conftest)
    (tmp_path / "test_inner.py").write_text(textwrap.dedent(INNER_TESTS))
    if autoload:
        monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    else:
        monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
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


# Imports that only the local server itself needs (the testing extra).
BLOCK_SERVER_DEPENDENCIES = """
import sys
from importlib.abc import MetaPathFinder


class Missing(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"uvicorn", "graphql"}:
            raise ImportError(f"No module named {name!r}")
        return None


sys.meta_path.insert(0, Missing())
"""


def test_entry_point_loads_without_the_testing_extra(tmp_path: Path) -> None:
    """pytest imports the plugin in every run, so it must not need uvicorn or graphql-core."""
    script = BLOCK_SERVER_DEPENDENCIES + textwrap.dedent(
        """
        from importlib.metadata import entry_points

        (entry,) = [e for e in entry_points(group="pytest11") if e.value.startswith("nextschool")]
        plugin = entry.load()
        assert callable(plugin.nextschool_server_factory)
        leaked = sorted(name for name in sys.modules if name.startswith(("uvicorn", "graphql")))
        assert not leaked, leaked
        assert "nextschool.testing" not in sys.modules
        print(entry.name, plugin.__name__)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "nextschool.testing.pytest_plugin",
        "nextschool._pytest_plugin",
    ]


def test_fixture_in_this_suite(nextschool_server: LocalServer) -> None:
    assert nextschool_server.url.startswith("http://127.0.0.1:")
    assert nextschool_server.settings.rate_limits is False
    assert nextschool_server.counters.requests_total == 0
