"""Request ids: one per HTTP request the SDK sends, as `X-Request-Id`.

An id is a random per-process prefix and a counter, not a uuid4: it is made
on every request, and on the loaded 2-core machine of the README's benchmarks
an id took 0.15 us where `str(uuid.uuid4())` took 7.6 us (the fastest of 30
runs of 20,000 each). The prefix has 64 random bits, so ids of different
processes do not collide; a forked child draws a prefix of its own, since it
inherits the parent's counter.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Mapping

REQUEST_ID_HEADER = "X-Request-Id"


def _fresh_prefix() -> str:
    return f"ns-{os.urandom(8).hex()}-"


_prefix = _fresh_prefix()
# next() on an itertools.count is atomic under the GIL: threads get distinct ids.
_counter = itertools.count(1)


def new_request_id() -> str:
    """A request id no other request of any process has, e.g. `ns-1f0c...-2a`."""
    return f"{_prefix}{next(_counter):x}"


def callers_request_id(headers: Mapping[str, str]) -> str | None:
    """The `X-Request-Id` among a caller's per-call headers (any case), if any."""
    for name, value in headers.items():
        if name.lower() == "x-request-id":
            return value
    return None


def _after_fork_in_child() -> None:
    global _prefix, _counter
    _prefix = _fresh_prefix()
    _counter = itertools.count(1)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
