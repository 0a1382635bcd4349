"""Child of row 5c: resident bytes per row that a parsed result keeps alive.

    python -m benchmarks._held_rss sdk|loads|validate ROWS

Prints one number. Run in a fresh interpreter per sample, so the pages it
measures hold nothing but this parse's leftovers and its result.
"""

from __future__ import annotations

import gc
import os
import sys

from benchmarks._data import students_response
from benchmarks.parsing import PARSERS


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def main() -> None:
    kind, count = sys.argv[1], int(sys.argv[2])
    parse = PARSERS[kind]
    parse(students_response(20))  # builds validators and caches before measuring
    body = students_response(count)
    gc.collect()
    before = resident_bytes()
    rows = parse(body)
    gc.collect()
    after = resident_bytes()
    assert len(rows) == count
    print((after - before) / count)


if __name__ == "__main__":
    main()
