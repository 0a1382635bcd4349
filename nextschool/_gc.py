"""Keep the cyclic garbage collector out of the parse of a large response body.

Decoding a page of thousands of rows allocates hundreds of thousands of
objects (models, their dicts and field sets, strings) and none of them forms a
reference cycle, yet every 700 allocations wake the collector, which then
walks the young objects again and again and, as they survive, the older
generations too. Holding the collector for the length of the parse removed
most of that work (the benchmarks' row 5a measures it); below
`LARGE_BODY_BYTES` the parse is too short for the collector to matter, and
the collector is left alone.

The hold is process-wide, since the collector is: it is counted, so nested
and concurrent parses (threads) share one hold and the collector is restored
to its previous state only when the last of them ends, on every path,
exceptions included. A program that keeps parsing large bodies in many
threads at once could otherwise keep the collector off indefinitely, so a
hold that has lasted `MAX_HOLD_SECONDS` accepts no newcomers: it ends when the
parses already inside it do.

Held, the collector still counts allocations. Re-enabled as it was, the first
allocation after the hold would run a young collection over everything the
parse made (every row, its dict and field set), and these survive it, then
the middle collection, as they are still in use: about as much work as
holding saved. So when the hold ends, the objects it let accumulate are
promoted to the oldest generation at once (`gc.freeze()` then
`gc.unfreeze()`: two list splices, no walk, and the young count starts from
zero). They are walked again only by a full collection, as they would have
been anyway. Whatever else was young then is promoted too, so a reference
cycle that became garbage meanwhile waits for the next full collection rather
than the next young one. A program that keeps objects frozen itself (a
pre-fork server, `gc.freeze()` before forking) is left alone: with anything
in the permanent generation the hold ends as before (so does it on Python
3.12, which starts with objects of its own frozen).
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Generator
from contextlib import contextmanager

# Measured (benchmarks/README.md, "Holding the collector"): from about this
# size up the hold saves time; below it the difference is noise.
LARGE_BODY_BYTES = 64 * 1024
MAX_HOLD_SECONDS = 1.0

_lock = threading.Lock()
_holders = 0
_reenable = False
_held_since = 0.0


@contextmanager
def gc_held_for(body_size: int) -> Generator[None, None, None]:
    """Hold the cyclic collector while the body of `body_size` bytes is parsed."""
    joined = body_size >= LARGE_BODY_BYTES and _join()
    try:
        yield
    finally:
        if joined:
            _leave()


def _join() -> bool:
    global _holders, _reenable, _held_since
    with _lock:
        if _holders == 0:
            _reenable = gc.isenabled()
            _held_since = time.monotonic()
            gc.disable()
        elif time.monotonic() - _held_since > MAX_HOLD_SECONDS:
            return False
        _holders += 1
        return True


def _leave() -> None:
    global _holders
    with _lock:
        _holders -= 1
        if _holders == 0 and _reenable:
            _promote_young_objects()
            gc.enable()


def _promote_young_objects() -> None:
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


def holders() -> int:
    """How many parses hold the collector now (for tests)."""
    return _holders
