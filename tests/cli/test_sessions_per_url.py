"""One saved session per API URL: sandbox and production side by side."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from nextschool.cli._config import SessionConfig
from nextschool.testing import LocalServer
from nextschool.testing.pytest_plugin import ServerFactory

from .conftest import DEMO_ENV, Cli, assert_one_error_line


def session_file(config_dir: Path, url: str) -> Path:
    return SessionConfig(config_dir).store_for(url).path


def test_logging_in_to_a_second_url_keeps_the_first_session(
    cli: Cli, config_dir: Path, nextschool_server_factory: ServerFactory
) -> None:
    sandbox = nextschool_server_factory()
    production = nextschool_server_factory()
    assert cli.run("login", "--url", sandbox.url, env=DEMO_ENV).code == 0
    assert cli.run("login", "--url", production.url, env=DEMO_ENV).code == 0

    # No credentials any more: each URL resumes its own saved session.
    on_sandbox = cli.run("students", "--limit", "1", "--json", "--url", sandbox.url)
    on_production = cli.run(
        "students", "--limit", "1", "--json", env={"NEXTSCHOOL_URL": production.url}
    )
    by_default = cli.run("teachers", "--limit", "1", "--json")

    for outcome in (on_sandbox, on_production, by_default):
        assert outcome.code == 0, outcome.err
        assert outcome.err == ""
    assert (sandbox.counters.logins, production.counters.logins) == (1, 1)
    assert sandbox.counters.requests_by_operation.get("Students") == 1
    assert production.counters.requests_by_operation.get("Students") == 1
    # Without --url: the URL of the last login.
    assert production.counters.requests_by_operation.get("Teachers") == 1
    for server in (sandbox, production):
        assert stat.S_IMODE(session_file(config_dir, server.url).stat().st_mode) == 0o600


def test_logout_ends_only_the_session_of_its_url(
    cli: Cli, config_dir: Path, nextschool_server_factory: ServerFactory
) -> None:
    sandbox = nextschool_server_factory()
    production = nextschool_server_factory()
    assert cli.run("login", "--url", sandbox.url, env=DEMO_ENV).code == 0
    assert cli.run("login", "--url", production.url, env=DEMO_ENV).code == 0

    outcome = cli.run("logout", "--url", sandbox.url)

    assert outcome.code == 0, outcome.err
    assert outcome.out == f"Logged out of {sandbox.url}\n"
    assert (sandbox.counters.logouts, production.counters.logouts) == (1, 0)
    assert not session_file(config_dir, sandbox.url).exists()
    assert session_file(config_dir, production.url).exists()
    gone = cli.run("students", "--url", sandbox.url)
    assert gone.code == 3
    assert f"Not logged in to {sandbox.url}" in assert_one_error_line(gone)
    kept = cli.run("students", "--limit", "1", "--json", "--url", production.url)
    assert kept.code == 0, kept.err
    assert production.counters.logins == 1


def test_a_session_saved_by_an_earlier_version_is_kept(
    cli: Cli, config_dir: Path, nextschool_server: LocalServer
) -> None:
    # Earlier versions kept one session: tokens.json plus session.json.
    assert cli.run("login", "--url", nextschool_server.url, env=DEMO_ENV).code == 0
    saved = session_file(config_dir, nextschool_server.url)
    tokens = json.loads(saved.read_text(encoding="utf-8"))
    saved.unlink()
    tokens.pop("url")
    (config_dir / "tokens.json").write_text(json.dumps(tokens), encoding="utf-8")

    outcome = cli.run("students", "--limit", "1", "--json")

    assert outcome.code == 0, outcome.err
    assert nextschool_server.counters.logins == 1
    assert not (config_dir / "tokens.json").exists()
    assert saved.exists()


def test_a_warning_carries_the_prefix(
    cli: Cli, config_dir: Path, nextschool_server: LocalServer
) -> None:
    assert cli.run("login", "--url", nextschool_server.url, env=DEMO_ENV).code == 0
    session_file(config_dir, nextschool_server.url).write_text("{not json", encoding="utf-8")

    outcome = cli.run("students", "--limit", "1")

    assert outcome.code == 3
    lines = outcome.err.splitlines()
    assert lines[0].startswith("nextschool: warning: Ignoring unreadable token file "), lines
    assert lines[1].startswith("nextschool: error: Not logged in to "), lines
    assert len(lines) == 2
