"""The async client never runs a token store's I/O on the event loop."""

from __future__ import annotations

import threading
from pathlib import Path

from nextschool import AsyncNextSchool, FileTokenStore, StoredTokens
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer


class RecordingFileStore(FileTokenStore):
    """A file store that notes the thread of every save."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.save_threads: list[int] = []

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
