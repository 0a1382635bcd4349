"""Token file hygiene: what FileTokenStore does with a file it did not write itself."""

from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path

import pytest

from nextschool import FileTokenStore, NextSchool
from nextschool.auth import StoredTokens
from nextschool.testing import LocalServer

API_URL = "http://127.0.0.1:9/"
TOKENS = {
    "access_token": "a.b.c",
    "refresh_token": "refresh-value",
    "access_expires_at": 4102444800.0,
    "url": API_URL,
}


def _write(path: Path, content: dict[str, object], mode: int = 0o600) -> None:
    path.write_text(json.dumps(content), encoding="utf-8")
    path.chmod(mode)


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_symlink_at_the_token_path_is_not_followed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    elsewhere = tmp_path / "elsewhere.json"
    _write(elsewhere, TOKENS)
    link = tmp_path / "tokens.json"
    link.symlink_to(elsewhere)

    assert FileTokenStore(link).load() is None
    assert any("symbolic link" in message for message in _warnings(caplog))


def test_a_group_or_world_readable_token_file_is_reported(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "tokens.json"
    _write(path, TOKENS, mode=0o644)

    loaded = FileTokenStore(path).load()

    assert loaded is not None and loaded.access_token == "a.b.c"
    assert any("readable by other users" in message for message in _warnings(caplog))
    assert all("refresh-value" not in message for message in _warnings(caplog))


def test_a_private_token_file_loads_without_warnings(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "tokens.json"
    _write(path, TOKENS)

    expected = StoredTokens("a.b.c", "refresh-value", 4102444800.0, API_URL)
    assert FileTokenStore(path).load() == expected
    assert _warnings(caplog) == []


def test_missing_parent_directories_are_created_private(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        path = tmp_path / "a" / "b" / "c" / "tokens.json"
        FileTokenStore(path).save(StoredTokens("a.b.c", "r", None, API_URL))
    finally:
        os.umask(previous)

    for directory in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "c"):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700, directory
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_token_file_without_url_belongs_to_no_api(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "tokens.json"
    _write(path, {key: value for key, value in TOKENS.items() if key != "url"})

    assert FileTokenStore(path).load() is None
    assert any("no API URL" in message for message in _warnings(caplog))


def test_a_client_does_not_send_tokens_of_a_file_without_url(
    tmp_path: Path, server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "tokens.json"
    _write(path, {"access_token": "a.b.c", "refresh_token": "refresh-value"})

    with NextSchool(server.url, token_store=FileTokenStore(path)) as client:
        assert not client.is_authenticated
    assert server.counters.requests_total == 0
    assert any("no API URL" in message for message in _warnings(caplog))
