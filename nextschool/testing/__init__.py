"""A local NextSchool Data API server for tests, demos and benchmarks.

It serves the SDK's own `schema.graphql` over real HTTP and behaves as the
documented API does: JWT login and refresh, school-scoped seed data, the three
rate-limit layers, and the documented error shapes. Tests steer it through
`server.controls` (revocation, faults, delays) and read `server.counters`.

Needs the `testing` extra: ``pip install "nextschool[testing]"``.

    from nextschool.testing import run_local_server

    with run_local_server() as server:
        print(server.url)  # log in as demo / demo

pytest users can enable the fixtures with
``pytest_plugins = ["nextschool.testing.pytest_plugin"]``.
"""

from __future__ import annotations

# First, so that a missing extra is reported as such before anything needs it.
from nextschool.testing import _extra  # noqa: F401  # pyright: ignore[reportUnusedImport]
from nextschool.testing.app import NextSchoolApp, ServerState, create_app
from nextschool.testing.controls import HeldRequests, ServerControls
from nextschool.testing.counters import CountersSnapshot, ServerCounters
from nextschool.testing.server import IssuedTokens, LocalServer, run_local_server
from nextschool.testing.settings import (
    DEMO_PASSWORD,
    DEMO_USERNAME,
    NO_SCHOOL_PASSWORD,
    NO_SCHOOL_USERNAME,
    OTHER_SCHOOL_PASSWORD,
    OTHER_SCHOOL_USERNAME,
    ServerSettings,
)

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_USERNAME",
    "NO_SCHOOL_PASSWORD",
    "NO_SCHOOL_USERNAME",
    "OTHER_SCHOOL_PASSWORD",
    "OTHER_SCHOOL_USERNAME",
    "CountersSnapshot",
    "HeldRequests",
    "IssuedTokens",
    "LocalServer",
    "NextSchoolApp",
    "ServerControls",
    "ServerCounters",
    "ServerSettings",
    "ServerState",
    "create_app",
    "run_local_server",
]
