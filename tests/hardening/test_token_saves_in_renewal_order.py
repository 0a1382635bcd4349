"""Item 10: tokens are saved, and hooks told, in the order they were renewed.

A store or hook that is slow for one renewal must not end up holding an older
token than the client uses.
"""

from __future__ import annotations

import asyncio
import threading
import time

from nextschool import AsyncNextSchool, MemoryTokenStore, NextSchool, StoredTokens
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer


class SlowOnceStore(MemoryTokenStore):
    """Takes its time over the first save after `slow_next()`."""

    def __init__(self) -> None:
        super().__init__()
        self._slow = threading.Event()
        self.slow_save_started = threading.Event()

    def slow_next(self) -> None:
        self._slow.set()

    def save(self, tokens: StoredTokens | None) -> None:
        if self._slow.is_set():
            self._slow.clear()
            self.slow_save_started.set()
            time.sleep(0.4)
        super().save(tokens)


def test_a_slow_store_ends_with_the_newest_token(server: LocalServer) -> None:
    store = SlowOnceStore()
    with NextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, token_store=store
    ) as client:
        client.login()
        store.slow_next()
        first = threading.Thread(target=client.refresh_token)
        first.start()
        # The first renewal is done and its save under way (a fixed sleep may
        # end before that on a loaded machine).
        assert store.slow_save_started.wait(30)
        client.refresh_token()
        first.join()
        current = client.tokens
        saved = store.load()
    assert current is not None and saved is not None
    assert saved.access_token == current.access_token


async def test_a_slow_async_hook_sees_renewals_in_order(server: LocalServer) -> None:
    seen: list[str | None] = []
    slow = asyncio.Event()
    slow_hook_started = asyncio.Event()

    async def hook(tokens: StoredTokens | None) -> None:
        if slow.is_set():
            slow.clear()
            slow_hook_started.set()
            await asyncio.sleep(0.4)
        seen.append(None if tokens is None else tokens.access_token)

    async with AsyncNextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, on_tokens_changed=hook
    ) as client:
        await client.login()
        slow.set()
        first = asyncio.create_task(client.refresh_token())
        await asyncio.wait_for(slow_hook_started.wait(), 30)  # the first renewal is done
        await client.refresh_token()
        await first
        current = client.tokens
    assert current is not None
    assert seen[-1] == current.access_token
    assert len(seen) == 3
