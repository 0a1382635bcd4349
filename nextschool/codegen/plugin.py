"""The ariadne-codegen plugin that builds clients on the SDK's auth layer.

In the `[tool.ariadne-codegen]` section of a pyproject:

    plugins = [
      "ariadne_codegen.contrib.shorter_results.ShorterResultsPlugin",
      "nextschool.codegen.plugin.NextSchoolClientsPlugin",
    ]

What it changes in the generated package:

- the client class derives from `nextschool.AsyncBaseClient` (or
  `nextschool.BaseClient` with `async_client = false`) instead of the bundled
  base client, so it logs in, refreshes, retries and raises the SDK's typed
  errors, and is constructed exactly like `AsyncNextSchool` / `NextSchool`;
- an async client also gets its sync twin in the same module, named by the
  `sync_client_name` key of the section (default `Client`), over the same
  result models;
- the bundled base client and its exceptions are not written (they would be
  unused), and the package gets a `py.typed` marker.
"""

from __future__ import annotations

import ast
import copy
from pathlib import Path
from typing import Any

from ariadne_codegen.plugins.base import Plugin

BASE_MODULE = "nextschool.base"
ASYNC_BASE = "AsyncBaseClient"
SYNC_BASE = "BaseClient"
DEFAULT_SYNC_CLIENT_NAME = "Client"
DEFAULT_CLIENT_NAME = "Client"
# Modules of the bundled base clients; the SDK's base replaces them.
BUNDLED_MODULES = frozenset({"async_base_client", "base_client", "exceptions"})
CLASS_DOCSTRING = (
    "{kind} client generated from your operations, on the NextSchool auth layer.\n\n"
    "Constructed like `{sdk}`: url, username, password, tokens, token_store, ...\n"
)


def settings_of(config_dict: dict[str, Any]) -> dict[str, Any]:
    section: dict[str, Any] = config_dict.get("tool", {}).get("ariadne-codegen", {})
    return section


class _SyncTwin(ast.NodeTransformer):
    """An async client class rewritten as its blocking twin."""

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.FunctionDef:
        self.generic_visit(node)
        # Same fields in every Python version (3.12 added type_params to both).
        function = ast.FunctionDef(**{name: getattr(node, name) for name in node._fields})
        return ast.copy_location(function, node)

    def visit_Await(self, node: ast.Await) -> ast.expr:
        self.generic_visit(node)
        return node.value


class NextSchoolClientsPlugin(Plugin):
    def __init__(self, schema: Any, config_dict: dict[str, Any]) -> None:
        super().__init__(schema=schema, config_dict=config_dict)
        settings = settings_of(config_dict)
        self.is_async = bool(settings.get("async_client", True))
        self.client_name = str(settings.get("client_name", DEFAULT_CLIENT_NAME))
        self.sync_client_name = str(settings.get("sync_client_name", DEFAULT_SYNC_CLIENT_NAME))
        self.package_dir = Path(
            settings.get("target_package_path", "."),
            settings.get("target_package_name", "graphql_client"),
        )

    def generate_client_module(self, module: ast.Module) -> ast.Module:
        bases = [ASYNC_BASE, SYNC_BASE] if self.is_async else [SYNC_BASE]
        body: list[ast.stmt] = []
        for node in module.body:
            if (
                isinstance(node, ast.ImportFrom)
                and node.level == 1
                and (node.module in BUNDLED_MODULES)
            ):
                body.append(
                    ast.ImportFrom(
                        module=BASE_MODULE, names=[ast.alias(name=b) for b in bases], level=0
                    )
                )
                continue
            body.append(node)
        if not any(
            isinstance(node, ast.ImportFrom)
            and node.module == "base_model"
            and any(alias.name == "UNSET" for alias in node.names)
            for node in body
        ):
            body.insert(
                0, ast.ImportFrom(module="base_model", names=[ast.alias(name="UNSET")], level=1)
            )
        client = next(
            node
            for node in body
            if isinstance(node, ast.ClassDef) and node.name == self.client_name
        )
        _refuse_shadowing(client)
        client.bases = [ast.Name(id=ASYNC_BASE if self.is_async else SYNC_BASE, ctx=ast.Load())]
        self._decorate(client, "Async" if self.is_async else "Sync")
        if self.is_async:
            twin = _SyncTwin().visit(copy.deepcopy(client))
            assert isinstance(twin, ast.ClassDef)
            twin.name = self.sync_client_name
            twin.bases = [ast.Name(id=SYNC_BASE, ctx=ast.Load())]
            self._decorate(twin, "Sync")
            body.append(twin)
        module.body = body
        return ast.fix_missing_locations(module)

    def generate_init_module(self, module: ast.Module) -> ast.Module:
        module.body = [
            node
            for node in module.body
            if not (
                isinstance(node, ast.ImportFrom)
                and node.level == 1
                and node.module in BUNDLED_MODULES
            )
        ]
        exported: set[str] = set()
        for node in module.body:
            if isinstance(node, ast.ImportFrom):
                if self.is_async and node.module == "client" and node.level == 1:
                    node.names.append(ast.alias(name=self.sync_client_name))
                exported.update(alias.asname or alias.name for alias in node.names)
        for node in module.body:
            if isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets
            ):
                node.value = ast.List(
                    elts=[ast.Constant(value=name) for name in sorted(exported)], ctx=ast.Load()
                )
        return ast.fix_missing_locations(module)

    def generate_files(self, generated_files: list[str]) -> list[str]:
        kept = []
        for file_name in generated_files:
            if file_name.endswith(".py") and file_name[: -len(".py")] in BUNDLED_MODULES:
                (self.package_dir / file_name).unlink(missing_ok=True)
            else:
                kept.append(file_name)
        (self.package_dir / "py.typed").write_text("", encoding="utf-8")
        return [*kept, "py.typed"]

    def _decorate(self, client: ast.ClassDef, kind: str) -> None:
        """A docstring and the package's UNSET, which the base leaves out of requests."""
        sdk = "AsyncNextSchool" if kind == "Async" else "NextSchool"
        body = [node for node in client.body if not _is_docstring_or_unset(node)]
        client.body = [
            ast.Expr(value=ast.Constant(value=CLASS_DOCSTRING.format(kind=kind, sdk=sdk))),
            ast.Assign(
                targets=[ast.Name(id="_unset", ctx=ast.Store())],
                value=ast.Name(id="UNSET", ctx=ast.Load()),
                lineno=0,
            ),
            *body,
        ]


class ShadowingOperationError(ValueError):
    """An operation whose method would replace one of the base client's."""


def _refuse_shadowing(client: ast.ClassDef) -> None:
    from nextschool.base import AsyncBaseClient, BaseClient

    reserved = set(dir(AsyncBaseClient)) | set(dir(BaseClient))
    for node in client.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in reserved:
            raise ShadowingOperationError(
                f"the operation of method {node.name}() would shadow {node.name} of the "
                "NextSchool base client; rename the operation"
            )


def _is_docstring_or_unset(node: ast.stmt) -> bool:
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
        return isinstance(node.value.value, str)
    return isinstance(node, ast.Assign) and any(
        isinstance(target, ast.Name) and target.id == "_unset" for target in node.targets
    )
