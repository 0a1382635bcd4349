"""The codegen plugins that shape generated files, on their own inputs."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import ariadne_codegen
from graphql import build_schema

ROOT = Path(__file__).resolve().parents[2]


def _load_plugins() -> ModuleType:
    # By path: the name `codegen` is also the package of tests/codegen.
    spec = importlib.util.spec_from_file_location(
        "_sdk_codegen_plugins", ROOT / "codegen" / "plugins.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


NoSubscriptionTransportPlugin: Any = _load_plugins().NoSubscriptionTransportPlugin
UPSTREAM_ASYNC_BASE = (
    Path(ariadne_codegen.__file__).parent
    / "client_generators"
    / ("dependencies/async_base_client.py")
)
GENERATED_ASYNC_BASE = (
    ROOT / "nextschool" / "generated_client" / "async_client" / "async_base_client.py"
)


def plugin_for(sdl: str) -> Any:
    return NoSubscriptionTransportPlugin(schema=build_schema(sdl), config_dict={})


def test_websocket_transport_removed_without_subscriptions() -> None:
    upstream = UPSTREAM_ASYNC_BASE.read_text(encoding="utf-8")
    assert "websockets" in upstream
    result = plugin_for("type Query { a: Int }").copy_code(upstream)
    assert "websocket" not in result.lower()
    assert "ws_url" not in result
    # What is left still runs: import it against the generated package's siblings.
    absolute = result.replace("from .", "from nextschool.generated_client.async_client.")
    namespace: dict[str, object] = {}
    exec(compile(absolute, "async_base_client.py", "exec"), namespace)  # noqa: S102
    assert "AsyncBaseClient" in namespace


def test_schema_with_subscriptions_keeps_the_transport() -> None:
    upstream = UPSTREAM_ASYNC_BASE.read_text(encoding="utf-8")
    sdl = "type Query { a: Int } type Subscription { ticks: Int }"
    assert plugin_for(sdl).copy_code(upstream) == upstream


def test_other_copied_files_untouched() -> None:
    code = "class BaseModel:\n    pass\n"
    assert plugin_for("type Query { a: Int }").copy_code(code) == code


def test_committed_async_base_client_has_no_websocket_code() -> None:
    assert "websocket" not in GENERATED_ASYNC_BASE.read_text(encoding="utf-8").lower()
