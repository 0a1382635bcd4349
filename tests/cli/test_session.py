"""Login, saved tokens, renewal and logout, through real `nextschool` processes."""

from __future__ import annotations

import json
import stat
import time
from pathlib import Path

from nextschool.cli._config import SessionConfig
from nextschool.testing import DEMO_PASSWORD, LocalServer
from nextschool.testing.pytest_plugin import ServerFactory

from .conftest import DEMO_ENV, Cli, RunMain, assert_one_error_line


def session_file(config_dir: Path, url: str) -> Path:
    return SessionConfig(config_dir).store_for(url).path


def saved_tokens(config_dir: Path, url: str) -> dict[str, object]:
    content = json.loads(session_file(config_dir, url).read_text(encoding="utf-8"))
    assert isinstance(content, dict)
    return content


def test_login_saves_tokens_readable_only_by_the_owner(
    cli: Cli, config_dir: Path, nextschool_server: LocalServer
) -> None:
    outcome = cli.run("login", "--url", nextschool_server.url, env=DEMO_ENV)

    assert outcome.code == 0, outcome.err
    assert outcome.out == f"Logged in to {nextschool_server.url} as API User\n"
    tokens_file = session_file(config_dir, nextschool_server.url)
    assert stat.S_IMODE(tokens_file.stat().st_mode) == 0o600
    tokens = saved_tokens(config_dir, nextschool_server.url)
    assert isinstance(tokens["access_token"], str)
    assert isinstance(tokens["refresh_token"], str)
    for secret in (tokens["access_token"], tokens["refresh_token"]):
        assert str(secret) not in outcome.out + outcome.err
    assert nextschool_server.counters.logins == 1


def test_a_second_command_reuses_the_saved_token(
    cli: Cli, config_dir: Path, nextschool_server: LocalServer
) -> None:
    assert cli.run("login", "--url", nextschool_server.url, env=DEMO_ENV).code == 0
    before = saved_tokens(config_dir, nextschool_server.url)

    # No credentials in the environment, no --url: the session carries both.
    outcome = cli.run("students", "--limit", "3", "--json")

    assert outcome.code == 0, outcome.err
    assert [row["id"] for row in json.loads(outcome.out)] == [101, 102, 103]
    counters = nextschool_server.counters
    assert (counters.logins, counters.refreshes) == (1, 0)
    assert counters.requests_by_operation.get("Students") == 1
    assert saved_tokens(config_dir, nextschool_server.url) == before


def test_an_expired_token_is_refreshed_by_a_later_command_and_saved(
    cli: Cli, config_dir: Path, nextschool_server_factory: ServerFactory
) -> None:
    server = nextschool_server_factory(access_token_ttl=1.0)
    assert cli.run("login", "--url", server.url, env=DEMO_ENV).code == 0
    before = saved_tokens(config_dir, server.url)
    time.sleep(1.3)

    outcome = cli.run("teachers", "--limit", "2", "--json")

    assert outcome.code == 0, outcome.err
    assert len(json.loads(outcome.out)) == 2
    counters = server.counters
    assert (counters.logins, counters.refreshes) == (1, 1)
    after = saved_tokens(config_dir, server.url)
    assert after["access_token"] != before["access_token"]
    assert after["refresh_token"] == before["refresh_token"]
    assert isinstance(after["access_expires_at"], float)
    assert after["access_expires_at"] > time.time()
    assert stat.S_IMODE(session_file(config_dir, server.url).stat().st_mode) == 0o600


def test_logout_revokes_the_session_and_deletes_the_tokens(
    cli: Cli, config_dir: Path, nextschool_server: LocalServer
) -> None:
    assert cli.run("login", "--url", nextschool_server.url, env=DEMO_ENV).code == 0
    refresh_token = saved_tokens(config_dir, nextschool_server.url)["refresh_token"]

    outcome = cli.run("logout")

    assert outcome.code == 0, outcome.err
    assert outcome.out == f"Logged out of {nextschool_server.url}\n"
    assert not session_file(config_dir, nextschool_server.url).exists()
    assert nextschool_server.counters.logouts == 1
    assert str(refresh_token) not in outcome.out + outcome.err

    later = cli.run("students")
    assert later.code == 3
    line = assert_one_error_line(later)
    assert line == (
        f"nextschool: error: Not logged in to {nextschool_server.url}: run `nextschool login` first"
    )
    assert nextschool_server.counters.requests_by_operation.get("Students") is None


def test_a_command_before_any_login_says_how_to_log_in(cli: Cli) -> None:
    outcome = cli.run("students", "--url", "http://127.0.0.1:9/")
    assert outcome.code == 3
    assert "run `nextschool login` first" in assert_one_error_line(outcome)


def test_wrong_password_is_one_line_with_the_auth_exit_code(
    cli: Cli, config_dir: Path, nextschool_server: LocalServer
) -> None:
    wrong = "not-the-password-123"
    outcome = cli.run(
        "login",
        "--url",
        nextschool_server.url,
        env={"NEXTSCHOOL_USERNAME": "demo", "NEXTSCHOOL_PASSWORD": wrong},
    )

    assert outcome.code == 3
    assert "Invalid credentials" in assert_one_error_line(outcome)
    assert wrong not in outcome.out + outcome.err
    assert not session_file(config_dir, nextschool_server.url).exists()


def test_the_password_can_come_from_stdin(
    cli: Cli, config_dir: Path, nextschool_server: LocalServer
) -> None:
    outcome = cli.run(
        "login",
        "--url",
        nextschool_server.url,
        "--username",
        "demo",
        "--password-stdin",
        stdin=DEMO_PASSWORD + "\n",
    )
    assert outcome.code == 0, outcome.err
    assert session_file(config_dir, nextschool_server.url).exists()
    assert nextschool_server.counters.logins == 1


def test_saved_tokens_are_never_sent_to_another_server(
    cli: Cli, nextschool_server_factory: ServerFactory
) -> None:
    first = nextschool_server_factory()
    second = nextschool_server_factory()
    assert cli.run("login", "--url", first.url, env=DEMO_ENV).code == 0

    outcome = cli.run("students", "--url", second.url)

    assert outcome.code == 3
    assert f"Not logged in to {second.url}" in assert_one_error_line(outcome)
    assert second.counters.requests_total == 0


def test_a_dead_session_is_reported_and_forgotten(
    cli: Cli, config_dir: Path, nextschool_server: LocalServer, run_main: RunMain
) -> None:
    assert cli.run("login", "--url", nextschool_server.url, env=DEMO_ENV).code == 0
    nextschool_server.controls.revoke_access_tokens()
    nextschool_server.controls.revoke_refresh_tokens()

    outcome = run_main("students")

    assert outcome.code == 3
    line = assert_one_error_line(outcome)
    assert "run `nextschool login` first" in line
    assert not session_file(config_dir, nextschool_server.url).exists()


def test_no_server_listening_is_a_network_error(cli: Cli, unused_port: int) -> None:
    outcome = cli.run("login", "--url", f"http://127.0.0.1:{unused_port}/", env=DEMO_ENV)
    assert outcome.code == 4
    assert "could not get a response" in assert_one_error_line(outcome)


def test_environment_credentials_work_without_a_saved_session(
    cli: Cli, config_dir: Path, nextschool_server: LocalServer
) -> None:
    # As in CI: nothing saved, credentials in the environment, nothing written.
    env = {**DEMO_ENV, "NEXTSCHOOL_URL": nextschool_server.url}
    outcome = cli.run("student", "101", "--json", env=env)
    assert outcome.code == 0, outcome.err
    assert json.loads(outcome.out)["id"] == 101
    assert nextschool_server.counters.logins == 1
    assert not (config_dir / "sessions").exists()
