"""Plugins that shape the generated client without editing generated files."""

from __future__ import annotations

import ast
from pathlib import Path

from ariadne_codegen.plugins.base import Plugin
from graphql import ExecutableDefinitionNode, FieldNode, FragmentDefinitionNode

# GraphQL fields whose values are credentials. Their generated model fields are
# typed pydantic.SecretStr so that a repr(), a log line or a traceback that
# shows the model never shows the token itself.
SECRET_FIELD_NAMES = frozenset({"accessToken", "refreshToken"})


class SecretTokenFieldsPlugin(Plugin):
    def generate_result_field(
        self,
        field_implementation: ast.AnnAssign,
        operation_definition: ExecutableDefinitionNode,
        field: FieldNode,
    ) -> ast.AnnAssign:
        if field.name.value in SECRET_FIELD_NAMES and _is_plain_str(field_implementation):
            field_implementation.annotation = ast.Name(id="SecretStr", ctx=ast.Load())
        return field_implementation

    def generate_result_types_module(
        self, module: ast.Module, operation_definition: ExecutableDefinitionNode
    ) -> ast.Module:
        if any(_uses_secret_str(node) for node in module.body):
            module.body.insert(
                0,
                ast.ImportFrom(module="pydantic", names=[ast.alias(name="SecretStr")], level=0),
            )
        return module


def _is_plain_str(field_implementation: ast.AnnAssign) -> bool:
    annotation = field_implementation.annotation
    return isinstance(annotation, ast.Name) and annotation.id == "str"


def _uses_secret_str(node: ast.stmt) -> bool:
    return isinstance(node, ast.ClassDef) and any(
        isinstance(item, ast.AnnAssign)
        and isinstance(item.annotation, ast.Name)
        and item.annotation.id == "SecretStr"
        for item in node.body
    )


# Modules that belong to a client package; every other generated module is a
# result model, which both clients import from the shared models package.
CLIENT_OWN_MODULES = frozenset(
    {
        "__init__",
        "client",
        "async_base_client",
        "base_client",
        "base_model",
        "exceptions",
        "operations",
    }
)
SHARED_MODELS_PACKAGE = "models"


class SharedModelsPlugin(Plugin):
    """Make a client package use the models of `generated_client.models`.

    ariadne-codegen writes a full copy of every result model into each client
    package, so the async and sync clients would return different classes for
    the same data and a `list[Student]` annotation could only fit one of them.
    This plugin points the client at the shared package and removes the copies.
    """

    def generate_client_module(self, module: ast.Module) -> ast.Module:
        for node in module.body:
            if isinstance(node, ast.ImportFrom) and _is_result_model_import(node):
                node.module = f"{SHARED_MODELS_PACKAGE}.{node.module}"
                node.level = 2
        return module

    def generate_init_module(self, module: ast.Module) -> ast.Module:
        module.body = [
            node
            for node in module.body
            if not (isinstance(node, ast.ImportFrom) and _is_result_model_import(node))
        ]
        kept_names = {
            alias.name
            for node in module.body
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
        }
        for node in module.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.List) and _is_all(node):
                node.value.elts = [
                    elt
                    for elt in node.value.elts
                    if isinstance(elt, ast.Constant) and elt.value in kept_names
                ]
        return module

    def generate_files(self, generated_files: list[str]) -> list[str]:
        settings = self.config_dict["tool"]["ariadne-codegen"]
        package_dir = Path(settings["target_package_path"], settings["target_package_name"])
        kept = []
        for file_name in generated_files:
            if file_name.endswith(".py") and file_name[: -len(".py")] not in CLIENT_OWN_MODULES:
                (package_dir / file_name).unlink()
            else:
                kept.append(file_name)
        return kept


def _is_result_model_import(node: ast.ImportFrom) -> bool:
    return node.level == 1 and node.module is not None and node.module not in CLIENT_OWN_MODULES


def _is_all(node: ast.Assign) -> bool:
    return any(isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets)


# Fields holding a lifetime in seconds. A server may send them as 0, `true`,
# NaN or a string; they are validated leniently so such a value never fails a
# login, and the token logic decides what to schedule with instead.
LIFETIME_FIELD_NAMES = frozenset({"expiresIn"})
# Relative to the generated models package (nextschool.generated_client.models):
# a relative import sorts the same wherever the code is generated.
LIFETIME_VALIDATOR_MODULE = "_lifetimes"
LIFETIME_VALIDATOR_LEVEL = 3
LIFETIME_VALIDATOR = "lenient_expires_in"


class LenientLifetimePlugin(Plugin):
    def generate_result_field(
        self,
        field_implementation: ast.AnnAssign,
        operation_definition: ExecutableDefinitionNode,
        field: FieldNode,
    ) -> ast.AnnAssign:
        annotation = field_implementation.annotation
        if (
            field.name.value in LIFETIME_FIELD_NAMES
            and isinstance(annotation, ast.Name)
            and annotation.id == "int"
        ):
            field_implementation.annotation = ast.Subscript(
                value=ast.Name(id="Annotated", ctx=ast.Load()),
                slice=ast.Tuple(
                    elts=[
                        ast.Name(id="int", ctx=ast.Load()),
                        ast.Call(
                            func=ast.Name(id="BeforeValidator", ctx=ast.Load()),
                            args=[ast.Name(id=LIFETIME_VALIDATOR, ctx=ast.Load())],
                            keywords=[],
                        ),
                    ],
                    ctx=ast.Load(),
                ),
                ctx=ast.Load(),
            )
        return field_implementation

    def generate_result_types_module(
        self, module: ast.Module, operation_definition: ExecutableDefinitionNode
    ) -> ast.Module:
        if LIFETIME_VALIDATOR in ast.unparse(module):
            module.body[:0] = [
                ast.ImportFrom(module="typing", names=[ast.alias(name="Annotated")], level=0),
                ast.ImportFrom(
                    module="pydantic", names=[ast.alias(name="BeforeValidator")], level=0
                ),
                ast.ImportFrom(
                    module=LIFETIME_VALIDATOR_MODULE,
                    names=[ast.alias(name=LIFETIME_VALIDATOR)],
                    level=LIFETIME_VALIDATOR_LEVEL,
                ),
            ]
        return module


class DisplayNamesPlugin(Plugin):
    """Give result models the names the documentation uses, in repr() and str().

    ariadne-codegen names a model after its fragment or its place in the query
    (`StudentFields`, `VisitStudentsVisitStudents`); `nextschool.types` exports
    them as `Student` and `VisitStudentRow`. The table `display_names` in the
    codegen configuration maps one to the other, and this plugin gives each
    mapped class a `__repr_name__`, the hook pydantic's repr() uses. The class
    keeps its generated name, so pickling and imports are unchanged.
    """

    def generate_fragments_module(
        self,
        module: ast.Module,
        fragments_definitions: dict[str, FragmentDefinitionNode],
    ) -> ast.Module:
        return self._name_classes(module)

    def generate_result_types_module(
        self, module: ast.Module, operation_definition: ExecutableDefinitionNode
    ) -> ast.Module:
        return self._name_classes(module)

    def _name_classes(self, module: ast.Module) -> ast.Module:
        names: dict[str, str] = self.config_dict["tool"]["ariadne-codegen"]["display_names"]
        for node in module.body:
            if isinstance(node, ast.ClassDef) and node.name in names:
                body = [item for item in node.body if not isinstance(item, ast.Pass)]
                node.body = [*body, _repr_name_method(names[node.name])]
        return module


def _repr_name_method(name: str) -> ast.FunctionDef:
    method = ast.parse(f"def __repr_name__(self) -> str:\n    return {name!r}\n").body[0]
    assert isinstance(method, ast.FunctionDef)
    return method
