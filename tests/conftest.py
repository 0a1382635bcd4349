"""Hypothesis profiles and the local-server fixtures for the whole suite.

"ci" (the default) is derandomised: every run tries the same examples, so a
red build is reproducible and a green one means the same thing each time;
examples that ever found a bug are pinned with @example on top of it.
"long" is random and tries ten times as many examples, for hunting new bugs
locally: HYPOTHESIS_PROFILE=long python -m pytest tests/robustness
"mutation" is "ci" with a tenth of the examples, for mutation runs.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, Phase, Verbosity, settings

from nextschool.testing import LocalServer
from nextschool.testing.pytest_plugin import (
    ServerFactory,
    nextschool_server,
    nextschool_server_factory,
)

# Imported, not only loaded through the entry point: the suite also runs with
# plugin autoloading off.
__all__ = ["nextschool_server", "nextschool_server_factory"]

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "long",
    max_examples=1000,
    deadline=None,
    print_blob=True,
    phases=list(Phase),
    verbosity=Verbosity.normal,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Mutation runs (scripts/mutate.py) repeat the suite once per surviving mutant:
# the same derandomised examples, a tenth as many of them.
settings.register_profile("mutation", parent=settings.get_profile("ci"), max_examples=10)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def start_server(nextschool_server_factory: ServerFactory) -> ServerFactory:
    """Start local servers with settings overrides; rate limits off unless asked."""
    return nextschool_server_factory


@pytest.fixture
def server(start_server: ServerFactory) -> LocalServer:
    """A local server of this test alone (a package may define its own `server`)."""
    return start_server()
