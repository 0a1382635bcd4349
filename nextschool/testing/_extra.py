"""The testing extra's dependencies, checked before the server modules import them."""

from __future__ import annotations

EXTRA_HINT = 'pip install "nextschool[testing]"'
_EXTRA_MODULES = frozenset({"graphql", "uvicorn"})

try:
    import graphql  # noqa: F401
    import uvicorn  # noqa: F401
except ModuleNotFoundError as missing:
    if (missing.name or "").partition(".")[0] not in _EXTRA_MODULES:
        raise
    raise ImportError(
        f"nextschool.testing needs the testing extra ({missing.name} is not installed): "
        f"{EXTRA_HINT}",
        name=missing.name,
    ) from missing
