"""Request ids the SDK generates: distinct across threads and across a fork."""

from __future__ import annotations

import os
import threading

import pytest

from nextschool._request_id import callers_request_id, new_request_id


def test_ids_of_many_threads_are_distinct() -> None:
    ids: list[str] = []
    lock = threading.Lock()

    def make() -> None:
        mine = [new_request_id() for _ in range(2_000)]
        with lock:
            ids.extend(mine)

    threads = [threading.Thread(target=make) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(ids)) == len(ids) == 16_000


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.filterwarnings("ignore:This process .* fork:DeprecationWarning")
def test_a_forked_child_draws_ids_of_its_own() -> None:
    parent_before = new_request_id()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next id, to the parent
        try:
            os.write(write, new_request_id().encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        child = pipe.read().decode()
    os.waitpid(pid, 0)
    parent_after = new_request_id()
    # The parent's next id would have been the child's had the counter and
    # prefix been inherited as they were.
    assert child.rsplit("-", 1)[0] != parent_before.rsplit("-", 1)[0]
    assert parent_after.rsplit("-", 1)[0] == parent_before.rsplit("-", 1)[0]
    assert child not in (parent_before, parent_after)


def test_a_callers_id_is_found_whatever_its_case() -> None:
    assert callers_request_id({"X-REQUEST-ID": "a"}) == "a"
    assert callers_request_id({"x-request-id": "b", "Accept": "c"}) == "b"
    assert callers_request_id({"X-Trace": "d"}) is None
