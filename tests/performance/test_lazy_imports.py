"""Sync-only programs never load asyncio or the async client.

Each check runs in a fresh interpreter, since this test process has long
imported everything. The sync calls go over HTTP to a local server running in
this process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer, ServerSettings
from nextschool.testing.server import run_local_server

ASYNC_MODULES = """
import json, sys
loaded = sorted(
    name for name in sys.modules
    if name == "asyncio" or name.startswith("asyncio.") or ".async_client" in name
    or name == "nextschool.auth._async_client"
)
print(json.dumps(loaded))
"""


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with run_local_server(ServerSettings(rate_limits=False)) as running:
        yield running


def _reported_after(program: str, report: str) -> Any:
    """What `report` prints as JSON after `program`, in a fresh interpreter."""
    completed = subprocess.run(
        [sys.executable, "-c", program + report],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.splitlines()[-1])


def _loaded_after(program: str) -> list[str]:
    loaded: list[str] = _reported_after(program, ASYNC_MODULES)
    return loaded


def test_import_nextschool_loads_no_asyncio() -> None:
    assert _loaded_after("import nextschool\n") == []


def test_sync_calls_load_no_asyncio(server: LocalServer) -> None:
    program = f"""
from nextschool import NextSchool
from nextschool.types import Student
with NextSchool({server.url!r}, username={DEMO_USERNAME!r}, password={DEMO_PASSWORD!r}) as client:
    assert len(client.students(limit=3)) == 3
    assert sum(1 for _ in client.iter_students(page_size=100)) > 100
    client.refresh_token()
"""
    assert _loaded_after(program) == []


def test_the_async_client_loads_on_first_use() -> None:
    program = """
import nextschool
assert "AsyncNextSchool" in nextschool.__all__ and "AsyncNextSchool" in dir(nextschool)
from nextschool import AsyncNextSchool
from nextschool.auth import AsyncNextSchool as FromAuth
assert AsyncNextSchool is FromAuth is nextschool.AsyncNextSchool
"""
    loaded = _loaded_after(program)
    assert "asyncio" in loaded
    assert "nextschool.auth._async_client" in loaded


def test_unknown_names_still_raise_attribute_error() -> None:
    import nextschool
    import nextschool.auth

    with pytest.raises(AttributeError, match="NoSuchClient"):
        nextschool.NoSuchClient  # noqa: B018
    with pytest.raises(AttributeError, match="NoSuchClient"):
        nextschool.auth.NoSuchClient  # noqa: B018


def test_models_build_their_validators_on_first_use() -> None:
    program = """
import json
import nextschool
from nextschool.generated_client import models
classes = [getattr(models, name) for name in models.__all__]
classes = [c for c in classes if isinstance(c, type) and issubclass(c, models.BaseModel)]
built_at_import = [c.__name__ for c in classes if c.__pydantic_complete__]
students = models.Students.model_validate({"students": []})
print(json.dumps([built_at_import, models.Students.__pydantic_complete__]))
"""
    completed = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=False
    )
    assert completed.returncode == 0, completed.stderr
    built_at_import, built_after_use = json.loads(completed.stdout)
    assert built_at_import == []
    assert built_after_use is True


RARELY_USED_MODULES = """
import json, sys
print(json.dumps(sorted(
    name for name in sys.modules
    if name in ("nextschool._redis", "pydantic.types", "annotated_types")
)))
"""


def test_the_redis_stores_load_on_first_use() -> None:
    completed = subprocess.run(
        [sys.executable, "-c", "import nextschool\n" + RARELY_USED_MODULES],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "nextschool._redis" not in json.loads(completed.stdout.splitlines()[-1])
    program = """
import nextschool
assert "RedisTokenStore" in nextschool.__all__ and "RedisTokenStore" in dir(nextschool)
from nextschool import RedisRateLimiter, RedisTokenStore
from nextschool._redis import RedisTokenStore as Defined
assert RedisTokenStore is Defined is nextschool.RedisTokenStore
assert RedisRateLimiter.__module__ == "nextschool._redis"
"""
    completed = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=False
    )
    assert completed.returncode == 0, completed.stderr


LOADED_MODELS = """
import json, sys
prefix = "nextschool.generated_client.models."
print(json.dumps({
    "models": sorted(name[len(prefix):] for name in sys.modules if name.startswith(prefix)),
    "pydantic_fields": "pydantic.fields" in sys.modules,
}))
"""


def _models_loaded_after(program: str) -> dict[str, object]:
    loaded: dict[str, object] = _reported_after(program, LOADED_MODELS)
    return loaded


def test_importing_the_client_defines_no_pydantic_model() -> None:
    # Defining the first pydantic model loads pydantic's field machinery
    # (pydantic.fields, pydantic.types, annotated_types): most of what the
    # import used to cost beyond httpx and pydantic.
    loaded = _models_loaded_after("from nextschool import NextSchool\n")
    assert loaded == {"models": ["operations"], "pydantic_fields": False}


def test_a_call_loads_the_models_of_its_own_operations_only(server: LocalServer) -> None:
    program = f"""
from nextschool import NextSchool
with NextSchool({server.url!r}, username={DEMO_USERNAME!r}, password={DEMO_PASSWORD!r}) as client:
    assert [type(row).__name__ for row in client.students(limit=2)] == ["StudentFields"] * 2
"""
    loaded = _models_loaded_after(program)
    assert loaded["pydantic_fields"] is True
    models = loaded["models"]
    assert isinstance(models, list)
    assert {"students", "login", "fragments", "base_model"} <= set(models)
    # Neither another query's models nor the refresh's (the token stayed fresh).
    assert not {"teachers", "visit_students", "sdq_template", "refresh_token"} & set(models)
