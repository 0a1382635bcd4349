"""Entry point of the `nextschool` command.

It lives outside the `nextschool` package because importing that package (httpx,
pydantic) takes a noticeable fraction of a second: a Ctrl-C during the import
must end the command like a Ctrl-C anywhere else, with exit code 130 and no
traceback, so the import happens inside this function's guard.
"""

from __future__ import annotations

INTERRUPTED = 130


def main() -> int:
    try:
        from nextschool.cli import main as run

        return run()
    except KeyboardInterrupt:
        return INTERRUPTED
