"""Benchmarks of the nextschool SDK, each row ours beside the alternative, one run.

    python benchmarks/run.py            # the full table (about 3-4 minutes on 2 cores)
    python benchmarks/run.py --quick    # a fast smoke run of every row; numbers are rough

Needs the SDK with its `testing` extra and `pip install -r benchmarks/requirements.txt`.
See benchmarks/README.md for what each row measures.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    # `python benchmarks/run.py` puts benchmarks/ itself on the path, not the repo.
    sys.path.insert(0, str(REPO))

REQUIRED = ("gql", "requests", "cryptography", "uvicorn", "graphql", "ariadne_codegen")


def _missing() -> list[str]:
    return [name for name in REQUIRED if importlib.util.find_spec(name) is None]


def _versions() -> str:
    from importlib.metadata import version

    names = ("nextschool", "httpx", "pydantic", "gql", "requests")
    packages = ", ".join(f"{name} {version(name)}" for name in names)
    return (
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs; {packages}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer calls: a smoke run")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument(
        "--strict", action="store_true", help="exit with status 1 if any target is missed"
    )
    parser.add_argument(
        "--only", metavar="1,5,...", help="run only these row groups (default: all nine)"
    )
    args = parser.parse_args(argv)
    missing = _missing()
    if missing:
        print(
            f"Missing benchmark dependencies: {', '.join(missing)}.\n"
            'Install them with: pip install -e ".[testing]" -r benchmarks/requirements.txt',
            file=sys.stderr,
        )
        return 2

    from benchmarks import (
        export_memory,
        fleet,
        import_time,
        instructions,
        overhead,
        parsing,
        refresh_storm,
        server_calls,
        token_lifetime,
    )
    from benchmarks._table import Row, render_markdown, render_text
    from benchmarks._tls import make_self_signed

    started = time.perf_counter()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="nextschool-bench-") as scratch:
        certificate = make_self_signed(Path(scratch))
        steps: list[tuple[str, Callable[[], list[Row]]]] = [
            ("1 client overhead (in process)", lambda: overhead.run(quick=args.quick)),
            (
                "2 sequential calls, HTTP and HTTPS",
                lambda: server_calls.run(quick=args.quick, certificate=certificate),
            ),
            ("3 refresh storm", lambda: refresh_storm.run(quick=args.quick)),
            ("4 token lifetime", lambda: token_lifetime.run(quick=args.quick)),
            ("5 parsing 10,000 students", lambda: parsing.run(quick=args.quick)),
            ("6 import time", lambda: import_time.run(quick=args.quick)),
            ("7 export memory", lambda: export_memory.run(quick=args.quick)),
            ("8 fleet: naive, file, Redis", lambda: fleet.run(quick=args.quick)),
            ("9 instruction counts", lambda: instructions.run(quick=args.quick)),
        ]
        if args.only:
            wanted = set(args.only.split(","))
            steps = [(label, step) for label, step in steps if label.split()[0] in wanted]
        for label, step in steps:
            step_started = time.perf_counter()
            print(f"running {label} ...", end="", file=sys.stderr, flush=True)
            rows += step()
            print(f" {time.perf_counter() - step_started:.0f} s", file=sys.stderr, flush=True)

    elapsed = time.perf_counter() - started
    mode = "quick run (rough numbers)" if args.quick else "full run"
    if args.only:
        mode += f" of rows {args.only}"
    print(f"nextschool benchmarks, {mode}: {_versions()}")
    print(
        "Ratio: our time / the baseline's (below 1.00x we are faster), the median of the\n"
        "per-round ratios of interleaved turns. Rounds: the lowest round ratio, the spread\n"
        "(highest - lowest) and how many rounds met the target.\n"
    )
    print(render_markdown(rows) if args.markdown else render_text(rows))
    print(f"\nFinished in {elapsed:.0f} s.")
    missed = [row.number for row in rows if row.missed]
    if missed:
        print(f"Targets missed in rows: {', '.join(dict.fromkeys(missed))}")
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
