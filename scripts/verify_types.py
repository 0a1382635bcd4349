"""Gate on `pyright --verifytypes`: how completely the public API is typed.

    python scripts/verify_types.py           # fails below the threshold
    python scripts/verify_types.py --list    # also lists what lowers the score

Every public name must also carry a docstring. pyright counts symbols whose
types come from other packages too; `--ignoreexternal` leaves those out.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

THRESHOLD = 0.95
DOCSTRING_COUNTS = ("missingFunctionDocStringCount", "missingClassDocStringCount")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--list", action="store_true", help="list what lowers the score")
    args = parser.parse_args(argv)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pyright",
            "--verifytypes",
            "nextschool",
            "--ignoreexternal",
            "--outputjson",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        # pyright does not follow the editable install's .pth file when it looks
        # for the package to verify; the source tree on PYTHONPATH it does.
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        report = json.loads(result.stdout)["typeCompleteness"]
    except (ValueError, KeyError):
        print(result.stdout + result.stderr, file=sys.stderr)
        return 2
    if not report["packageRootDirectory"]:
        print("verifytypes: pyright did not find the nextschool package", file=sys.stderr)
        return 2
    score = report["completenessScore"]
    undocumented = {name: report[name] for name in DOCSTRING_COUNTS}
    if args.list or score < THRESHOLD or any(undocumented.values()):
        for symbol in report["symbols"]:
            if not symbol["isTypeKnown"] or any(
                "docstring" in d["message"].lower() for d in symbol["diagnostics"]
            ):
                messages = "; ".join(d["message"].splitlines()[0] for d in symbol["diagnostics"])
                print(f"  {symbol['name']}: {messages}")
    total = sum(report["exportedSymbolCounts"].values())
    print(
        f"verifytypes: {score:.1%} of {total} public symbols typed (threshold "
        f"{THRESHOLD:.0%}); without docstring: {undocumented}"
    )
    return 0 if score >= THRESHOLD and not any(undocumented.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
