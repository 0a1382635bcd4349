"""Typed views of decoded JSON, for code that must not trust what it reads."""

from __future__ import annotations

from typing import Any, cast


def json_object(value: object) -> dict[str, Any] | None:
    """`value` as a JSON object (a dict with string keys once decoded), else None."""
    if isinstance(value, dict):
        return cast("dict[str, Any]", value)
    return None


def json_array(value: object) -> list[Any] | None:
    """`value` as a JSON array, else None."""
    if isinstance(value, list):
        # mypy already narrows to list[Any]; pyright needs telling.
        return cast("list[Any]", value)  # type: ignore[redundant-cast,unused-ignore]
    return None
