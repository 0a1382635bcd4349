"""What the auth tests share; the local-server fixtures are in the top-level conftest."""

from __future__ import annotations

from testkit.requests import RequestLog

__all__ = ["RequestLog"]
