"""Running part of a test in a forked child process."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable


def fork(child: Callable[[], int]) -> int:
    """Fork; the child runs `child` and exits with its result (3 if it raised)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 3
        try:
            code = child()
        finally:
            os._exit(code)
    return pid


def wait(pid: int, timeout: float) -> int | None:
    """The child's exit code, or None if it had to be killed after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return None
