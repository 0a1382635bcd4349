"""Item 2: a client used before os.fork() works in both processes afterwards.

The child gets its own connection pool and locks and keeps the tokens: the
parent and the child never read each other's answers, and a renewal lock held
by another thread at the moment of the fork does not block the child.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable

import pytest
from testkit.forking import fork, wait

from nextschool import AsyncNextSchool, NextSchool
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer

from ._hostile_proxy import HostileProxy, Trickle

pytestmark = [
    pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork"),
    # The local server runs in a thread of this process; the children only
    # make HTTP calls, which is what the fork support is for.
    pytest.mark.filterwarnings("ignore:This process .* fork:DeprecationWarning"),
]

CALLS = 200
CHILD_TIMEOUT = 60.0


def _fetch_repeatedly(client: NextSchool, student_id: int) -> int:
    wrong = 0
    for _ in range(CALLS):
        student = client.student(id=student_id)
        if student is None or student.id != student_id:
            wrong += 1
    return wrong


def test_parent_and_child_never_read_each_others_answers(server: LocalServer) -> None:
    with NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        assert client.student(id=101) is not None  # a keep-alive connection now exists
        logins = server.counters.logins

        def child() -> int:
            return 0 if _fetch_repeatedly(client, 102) == 0 else 1

        pid = fork(child)
        wrong_in_parent = _fetch_repeatedly(client, 101)
        assert wait(pid, CHILD_TIMEOUT) == 0
    assert wrong_in_parent == 0
    assert server.counters.logins == logins  # the child kept the tokens


def test_clients_derived_with_options_share_one_new_pool_in_the_child(
    server: LocalServer,
) -> None:
    with NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        derived = client.with_options(max_retries=0, headers={"X-Team": "care"})
        assert derived.student(id=101) is not None
        logins = server.counters.logins
        parents_pool = client._http

        def child() -> int:
            # One new pool, still shared by the original and the derived client.
            pools_ok = client._http is derived._http and client._http is not parents_pool
            fetched_ok = _fetch_repeatedly(derived, 102) + _fetch_repeatedly(client, 103) == 0
            return 0 if pools_ok and fetched_ok else 1

        pid = fork(child)
        wrong_in_parent = _fetch_repeatedly(derived, 101)
        assert wait(pid, CHILD_TIMEOUT) == 0
        assert client._http is parents_pool
    assert wrong_in_parent == 0
    assert server.counters.logins == logins


def test_a_renewal_lock_held_at_fork_time_does_not_block_the_child(
    server: LocalServer, proxy: HostileProxy
) -> None:
    refreshes = iter([Trickle(0.5)])
    proxy.answer("RefreshToken", lambda: next(refreshes, None))
    with NextSchool(proxy.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        client.login()
        server.controls.revoke_access_tokens()
        # Another thread is renewing (slowly) when the process forks.
        renewing = threading.Thread(target=lambda: _ignore_errors(client.refresh_token))
        renewing.start()
        while proxy.count("RefreshToken") == 0:
            time.sleep(0.01)

        def child() -> int:
            return 0 if len(client.students(limit=1)) == 1 else 1

        pid = fork(child)
        code = wait(pid, 20.0)
        proxy.stopping.set()
        renewing.join(10)
    assert code == 0


async def test_an_async_client_works_in_a_forked_child(server: LocalServer) -> None:
    async def use(client: AsyncNextSchool) -> int:
        return len(await client.students(limit=2))

    async with AsyncNextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD
    ) as client:
        assert await use(client) == 2
        derived = client.with_options(max_retries=0)

        async def use_both() -> int:
            return await use(client) + await use(derived)

        def child() -> int:
            # A thread of its own: the parent's running loop is not the child's.
            results: list[int] = []
            thread = threading.Thread(target=lambda: results.append(asyncio.run(use_both())))
            thread.start()
            thread.join(CHILD_TIMEOUT)
            return 0 if results == [4] else 1

        pid = fork(child)
        assert await use(derived) == 2
        code = await asyncio.to_thread(wait, pid, CHILD_TIMEOUT)
    assert code == 0


def _ignore_errors(call: Callable[[], object]) -> None:
    # The proxy is stopped under this call on purpose.
    with contextlib.suppress(Exception):
        call()


_FAILED_CONSTRUCTION = """
import os, sys
from nextschool import {client_class}, ConfigurationError, NextSchool
try:
    {client_class}(sys.argv[1], username="demo", password="demo", max_retries=-1)
except ConfigurationError as error:
    kept = error  # its traceback keeps the half-built client alive
with NextSchool(sys.argv[1], username="demo", password="demo") as working:
    working.login()
    pid = os.fork()
    if pid == 0:
        os._exit(0 if len(working.students(limit=1)) == 1 else 1)
    _, status = os.waitpid(pid, 0)
    sys.exit(os.waitstatus_to_exitcode(status))
"""


@pytest.mark.parametrize("client_class", ["NextSchool", "AsyncNextSchool"])
def test_a_client_whose_construction_failed_is_left_out_of_fork_handling(
    server: LocalServer, client_class: str
) -> None:
    # A fresh interpreter: what an at-fork hook raises is printed to its stderr.
    program = _FAILED_CONSTRUCTION.format(client_class=client_class)
    done = subprocess.run(
        [sys.executable, "-c", program, server.url], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "Exception ignored" not in done.stderr and "Error" not in done.stderr, done.stderr


_FORKED_WITH_EACH_KIND_OF_POOL = """
import os, sys
import httpx
from nextschool import AsyncNextSchool, NextSchool
theirs = AsyncNextSchool(sys.argv[1], http_client=httpx.AsyncClient())
with NextSchool(sys.argv[1]) as ours:
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    sys.exit(os.waitstatus_to_exitcode(status))
"""


def test_only_a_client_forked_with_a_callers_http_client_warns(server: LocalServer) -> None:
    # A fresh interpreter: no other client is alive to warn, and the warning
    # reaches stderr through logging's last-resort handler.
    done = subprocess.run(
        [sys.executable, "-c", _FORKED_WITH_EACH_KIND_OF_POOL, server.url],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    warned = [line for line in done.stderr.splitlines() if "was forked with" in line]
    assert len(warned) == 1, done.stderr
    assert warned[0].startswith("AsyncNextSchool was forked with an http_client passed in")
