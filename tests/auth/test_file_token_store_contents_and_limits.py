"""FileTokenStore: what a token file may hold, how large it may be, and how long its lock waits.

Files are written as another process (or an older version) might have left
them; the store must take what is usable, ignore the rest, and never raise.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from pathlib import Path

import pytest

from nextschool import FileTokenStore
from nextschool.auth._file_store import FileRenewalLock
from nextschool.auth._tokens import StoredTokens

URL = "https://api.example.org/"
MAX_BYTES = 64 * 1024


def write(path: Path, content: object) -> Path:
    path.write_text(json.dumps(content))
    path.chmod(0o600)
    return path


def test_a_file_naming_no_api_is_taken_for_the_api_the_caller_knows(tmp_path: Path) -> None:
    path = write(tmp_path / "session.json", {"access_token": "a1", "refresh_token": "r1"})
    store = FileTokenStore(path)
    assert store.load() is None
    assert store.load_for_url(URL) == StoredTokens("a1", "r1", None, URL)


def test_a_url_in_the_file_wins_over_the_callers(tmp_path: Path) -> None:
    path = write(tmp_path / "tokens.json", {"access_token": "a1", "url": "https://other.example/"})
    assert FileTokenStore(path).load_for_url(URL) == StoredTokens(
        "a1", None, None, "https://other.example/"
    )


@pytest.mark.parametrize(
    ("fields", "refresh_token", "expires_at"),
    [
        ({"refresh_token": "r1", "access_expires_at": 1_800_000_000}, "r1", 1_800_000_000.0),
        ({"refresh_token": "r1", "access_expires_at": 1_800_000_000.5}, "r1", 1_800_000_000.5),
        ({"refresh_token": 7, "access_expires_at": True}, None, None),
        ({"refresh_token": None, "access_expires_at": "1800000000"}, None, None),
        ({}, None, None),
    ],
)
def test_fields_of_the_wrong_type_are_left_out(
    tmp_path: Path,
    fields: dict[str, object],
    refresh_token: str | None,
    expires_at: float | None,
) -> None:
    path = write(tmp_path / "tokens.json", {"access_token": "a1", "url": URL, **fields})
    loaded = FileTokenStore(path).load()
    assert loaded == StoredTokens("a1", refresh_token, expires_at, URL)
    assert loaded is not None
    assert type(loaded.access_expires_at) is type(expires_at)


@pytest.mark.parametrize(
    "content", [{"access_token": 5, "url": URL}, {"url": URL}, ["a1", URL], "a1"]
)
def test_a_file_without_an_access_token_is_ignored_with_a_warning(
    tmp_path: Path, content: object, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(tmp_path / "tokens.json", content)
    with caplog.at_level(logging.WARNING, logger="nextschool"):
        assert FileTokenStore(path).load() is None
    assert "unexpected content" in caplog.text


def _padded_to(size: int) -> bytes:
    body = json.dumps({"access_token": "a1", "url": URL}).encode()
    return body + b" " * (size - len(body))


def test_a_token_file_up_to_64_kib_is_read(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    path.write_bytes(_padded_to(MAX_BYTES))
    path.chmod(0o600)
    assert FileTokenStore(path).load() == StoredTokens("a1", None, None, URL)


def test_a_larger_token_file_is_ignored_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "tokens.json"
    path.write_bytes(_padded_to(MAX_BYTES + 1))
    path.chmod(0o600)
    with caplog.at_level(logging.WARNING, logger="nextschool"):
        assert FileTokenStore(path).load() is None
    assert "too large" in caplog.text


@pytest.mark.parametrize("lock_timeout", [0, -1.0, float("nan")])
def test_the_lock_timeout_must_be_positive(tmp_path: Path, lock_timeout: float) -> None:
    with pytest.raises(ValueError, match=r"^lock_timeout must be positive$"):
        FileTokenStore(tmp_path / "tokens.json", lock_timeout=lock_timeout)


def test_the_store_shows_its_path_and_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    store = FileTokenStore(path)
    store.save(StoredTokens("secret-access", "secret-refresh", None, URL))
    assert repr(store) == f"FileTokenStore({str(path)!r})"


@pytest.mark.parametrize(
    ("own", "asked", "waited"),
    [(0.3, None, "0.3"), (0.3, 5.0, "0.3"), (5.0, 0.2, "0.2"), (5.0, -1.0, "0")],
)
def test_a_held_lock_is_waited_for_the_shorter_of_the_two_timeouts(
    tmp_path: Path, own: float, asked: float | None, waited: str
) -> None:
    pytest.importorskip("filelock")
    path = tmp_path / "tokens.json"
    holder = FileTokenStore(path)
    with holder.lock():
        store = FileTokenStore(path, lock_timeout=own)
        lock = store.lock(asked)
        assert isinstance(lock, FileRenewalLock)
        with pytest.raises(TimeoutError) as caught, lock:
            pass
    assert str(caught.value) == (f"the renewal lock {path}.lock was held for more than {waited} s")
    with FileTokenStore(path, lock_timeout=own).lock(asked):
        pass  # free again once the holder let go


def test_forgetting_tokens_deletes_the_file_and_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    store = FileTokenStore(path)
    store.save(StoredTokens("a1", "r1", None, URL))
    assert path.exists()
    store.save(None)
    assert not path.exists()
    store.save(None)
    assert store.load() is None


def test_a_failed_save_raises_its_own_error_and_leaves_no_temporary_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "tokens.json"
    path.mkdir()  # nothing can replace a directory with a file
    with pytest.raises(IsADirectoryError):
        FileTokenStore(path).save(StoredTokens("a1", "r1", None, URL))
    assert [p.name for p in tmp_path.iterdir()] == ["tokens.json"]


def test_saving_does_not_need_the_systems_temporary_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The new content is written next to the token file, so the replace is
    # atomic and works wherever the system's temporary directory is.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-directory"))
    path = tmp_path / "private" / "tokens.json"
    FileTokenStore(path).save(StoredTokens("a1", "r1", None, URL))
    assert FileTokenStore(path).load() == StoredTokens("a1", "r1", None, URL)
    assert [p.name for p in path.parent.iterdir()] == ["tokens.json"]


@pytest.mark.parametrize("url", ["", 5, None, ["https://api.example.org/"]])
def test_a_file_naming_no_usable_api_url_is_ignored(
    tmp_path: Path, url: object, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(tmp_path / "tokens.json", {"access_token": "a1", "url": url})
    with caplog.at_level(logging.WARNING, logger="nextschool"):
        assert FileTokenStore(path).load() is None
    assert "it names no API URL" in caplog.text


def test_a_link_put_in_place_after_the_check_is_still_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The race the open flags close: the path turns into a symbolic link
    # between the check and the open.
    target = write(tmp_path / "elsewhere.json", {"access_token": "planted", "url": URL})
    path = tmp_path / "tokens.json"
    path.symlink_to(target)
    monkeypatch.setattr(Path, "is_symlink", lambda self: False)
    with caplog.at_level(logging.WARNING, logger="nextschool"):
        assert FileTokenStore(path).load() is None
    assert "it is a symbolic link" in caplog.text


def test_without_no_follow_opens_the_store_still_reads_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Systems whose os module has no O_NOFOLLOW (Windows) rely on the check alone.
    monkeypatch.delattr(os, "O_NOFOLLOW", raising=False)
    path = write(tmp_path / "tokens.json", {"access_token": "a1", "url": URL})
    assert FileTokenStore(path).load() == StoredTokens("a1", None, None, URL)


@pytest.mark.parametrize(
    ("make", "error"),
    [
        ("under a file", "NotADirectoryError"),
        ("a directory", "IsADirectoryError"),
        ("not json", "JSONDecodeError"),
        ("not utf-8", "UnicodeDecodeError"),
    ],
)
def test_an_unreadable_token_file_is_ignored_naming_the_error(
    tmp_path: Path, make: str, error: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "tokens.json"
    if make == "under a file":
        (tmp_path / "file").write_text("")
        path = tmp_path / "file" / "tokens.json"
    elif make == "a directory":
        path.mkdir()
    else:
        path.write_bytes(b"{not json" if make == "not json" else b"\xff\xfe")
        path.chmod(0o600)
    with caplog.at_level(logging.WARNING, logger="nextschool"):
        assert FileTokenStore(path).load() is None
    assert f"Ignoring unreadable token file {path}: {error}" in caplog.text


def test_a_readable_by_others_file_is_reported_once_per_store(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(tmp_path / "tokens.json", {"access_token": "a1", "url": URL})
    path.chmod(0o644)
    store = FileTokenStore(path)
    with caplog.at_level(logging.WARNING, logger="nextschool"):
        for _ in range(3):
            assert store.load() is not None
    assert sum("readable by other users" in r.getMessage() for r in caplog.records) == 1


def test_the_lock_may_be_released_by_another_thread(tmp_path: Path) -> None:
    pytest.importorskip("filelock")
    path = tmp_path / "tokens.json"
    hold = FileTokenStore(path).lock()
    hold.__enter__()
    errors: list[BaseException] = []

    def release() -> None:
        try:
            hold.__exit__(None, None, None)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    thread = threading.Thread(target=release)
    thread.start()
    thread.join()
    assert errors == []
    with FileTokenStore(path, lock_timeout=0.5).lock():
        pass  # released for everyone, not only for the thread that took it


def test_a_directory_another_process_creates_meanwhile_is_no_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The race of two processes saving into a new directory at once: `shared`
    # looked missing when checked, and exists when it is created.
    shared = tmp_path / "shared"
    shared.mkdir()
    exists = Path.exists
    monkeypatch.setattr(Path, "exists", lambda self: self != shared and exists(self))
    path = shared / "deeper" / "tokens.json"
    FileTokenStore(path).save(StoredTokens("a1", "r1", None, URL))
    monkeypatch.undo()
    assert FileTokenStore(path).load() == StoredTokens("a1", "r1", None, URL)
    assert (shared / "deeper").stat().st_mode & 0o777 == 0o700


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_token_path_that_never_ends_is_read_no_further_than_the_limit(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A named pipe whose writer sends one byte more than the limit and then
    # stays open: a reader that wanted more would wait for ever.
    path = tmp_path / "tokens.json"
    os.mkfifo(path, 0o600)
    release = threading.Event()

    def writer() -> None:
        with path.open("wb") as pipe:
            pipe.write(b" " * (MAX_BYTES + 1))
            pipe.flush()
            release.wait(30)

    feeding = threading.Thread(target=writer, daemon=True)
    feeding.start()
    loaded: list[StoredTokens | None] = []
    reading = threading.Thread(
        target=lambda: loaded.append(FileTokenStore(path).load()), daemon=True
    )
    with caplog.at_level(logging.WARNING, logger="nextschool"):
        reading.start()
        reading.join(20)
        # Asked before the writer lets go: once it closes the pipe, any read ends.
        read_while_the_pipe_was_open = not reading.is_alive()
    release.set()
    feeding.join(5)
    reading.join(5)
    assert read_while_the_pipe_was_open
    assert loaded == [None]
    assert "too large" in caplog.text
