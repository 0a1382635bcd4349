"""Which result model each generated operation returns, keyed by its query text.

Keyed by the exact query document so that a hand-written query sent through
`execute()` under the same operation name is never validated against a
generated model. A model is looked up, and its module imported, the first time
its operation is sent: a program loads only the models it uses.
"""

from __future__ import annotations

import re

import pydantic

# The documents both generated clients send are in the models package, so the
# table is built without importing a client (a client imports the bases).
from .generated_client import models
from .generated_client.models import operations

_OPERATION_NAME = re.compile(r"^\s*(?:query|mutation)\s+(\w+)")


def _operation_names() -> dict[str, str]:
    table: dict[str, str] = {}
    for constant in operations.__all__:
        query = getattr(operations, constant)
        match = _OPERATION_NAME.match(query)
        if match:
            table[query] = match.group(1)
    return table


_OPERATION_OF = _operation_names()
_RESULT_MODELS: dict[str, type[pydantic.BaseModel] | None] = {}


def result_model(query: str) -> type[pydantic.BaseModel] | None:
    """The result model of the generated operation whose document is `query`, if any."""
    try:
        return _RESULT_MODELS[query]
    except KeyError:
        pass
    name = _OPERATION_OF.get(query)
    if name is None:
        # Not cached: callers may send any number of distinct documents.
        return None
    model = getattr(models, name, None)
    found = model if isinstance(model, type) and issubclass(model, pydantic.BaseModel) else None
    _RESULT_MODELS[query] = found
    return found
