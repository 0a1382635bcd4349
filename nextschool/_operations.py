"""Which result model each generated operation returns, keyed by its query text.

Keyed by the exact query document so that a hand-written query sent through
`execute()` under the same operation name is never validated against a
generated model.
"""

from __future__ import annotations

import re

import pydantic

# The documents both generated clients send are in the models package, so the
# table is built without importing a client (a client imports the bases).
from .generated_client import models
from .generated_client.models import operations

_OPERATION_NAME = re.compile(r"^\s*(?:query|mutation)\s+(\w+)")


def _result_models() -> dict[str, type[pydantic.BaseModel]]:
    table: dict[str, type[pydantic.BaseModel]] = {}
    for constant in operations.__all__:
        query = getattr(operations, constant)
        match = _OPERATION_NAME.match(query)
        model = getattr(models, match.group(1), None) if match else None
        if isinstance(model, type) and issubclass(model, pydantic.BaseModel):
            table[query] = model
    return table


RESULT_MODELS = _result_models()
