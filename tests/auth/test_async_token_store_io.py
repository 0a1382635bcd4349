"""The async client never runs a token store's I/O on the event loop."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from nextschool import AsyncNextSchool, FileTokenStore, StoredTokens
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer


class RecordingFileStore(FileTokenStore):
    """A file store that notes the thread of every load and save."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.load_threads: list[int] = []
        self.save_threads: list[int] = []

    def load(self) -> StoredTokens | None:
        self.load_threads.append(threading.get_ident())
        return super().load()

    def save(self, tokens: StoredTokens | None) -> None:
        self.save_threads.append(threading.get_ident())
        super().save(tokens)


async def test_saves_run_in_a_worker_thread(server: LocalServer, tmp_path: Path) -> None:
    store = RecordingFileStore(tmp_path / "tokens.json")
    loop_thread = threading.get_ident()
    async with AsyncNextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, token_store=store
    ) as client:
        await client.students(limit=1)  # login
        await client.refresh_token()
        await client.logout()
    assert len(store.save_threads) == 3
    assert loop_thread not in store.save_threads
    assert not (tmp_path / "tokens.json").exists()  # logout's save(None) happened, in order


async def test_saved_tokens_are_the_latest(server: LocalServer, tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "tokens.json")
    async with AsyncNextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, token_store=store
    ) as client:
        await client.students(limit=1)
        await client.refresh_token()
        saved, current = store.load(), client.tokens
        assert saved is not None and current is not None
        assert (saved.access_token, saved.refresh_token) == (
            current.access_token,
            current.refresh_token,
        )


async def _save_a_session(server: LocalServer, path: Path) -> None:
    async with AsyncNextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, token_store=FileTokenStore(path)
    ) as client:
        await client.students(limit=1)  # logs in and saves the tokens


async def test_the_store_is_read_in_a_worker_thread_and_spares_a_login(
    server: LocalServer, tmp_path: Path
) -> None:
    await _save_a_session(server, tmp_path / "tokens.json")
    logins = server.counters.logins
    store = RecordingFileStore(tmp_path / "tokens.json")
    async with AsyncNextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, token_store=store
    ) as client:
        assert store.load_threads == []  # constructing it read nothing on the event loop
        # Concurrent first calls: one read, and none of them logs in.
        pages = await asyncio.gather(*(client.students(limit=1) for _ in range(5)))
    assert [len(page) for page in pages] == [1] * 5
    assert server.counters.logins == logins
    assert len(store.load_threads) == 1
    assert threading.get_ident() not in store.load_threads


async def test_saved_tokens_are_visible_before_the_first_call(
    server: LocalServer, tmp_path: Path
) -> None:
    await _save_a_session(server, tmp_path / "tokens.json")
    saved = FileTokenStore(tmp_path / "tokens.json").load()
    assert saved is not None
    client = AsyncNextSchool(server.url, token_store=FileTokenStore(tmp_path / "tokens.json"))
    async with client:
        assert client.is_authenticated
        assert client.tokens is not None
        assert client.tokens.access_token == saved.access_token
        await client.refresh_token()  # the saved refresh token, no credentials needed
    assert server.counters.refreshes == 1
