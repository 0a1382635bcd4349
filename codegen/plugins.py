"""Plugins that shape the generated client without editing generated files."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

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
# result model or the operations' documents (ExtractOperationsPlugin's
# `operations`), which both clients import from the shared models package.
CLIENT_OWN_MODULES = frozenset(
    {
        "__init__",
        "client",
        "async_base_client",
        "base_client",
        "base_model",
        "exceptions",
    }
)
SHARED_MODELS_PACKAGE = "models"
# The pydantic base class ariadne-codegen copies into every package.
PYDANTIC_BASE_MODEL = "BaseModel"
# Written by ExtractOperationsPlugin itself, so not in the list of generated files.
OPERATIONS_MODULE = "operations.py"


class SharedModelsPlugin(Plugin):
    """Make a client package use the models and documents of `generated_client.models`.

    ariadne-codegen writes a full copy of every result model into each client
    package, so the async and sync clients would return different classes for
    the same data and a `list[Student]` annotation could only fit one of them.
    This plugin points the client at the shared package and removes the copies,
    the operations' documents included: the models package holds the one copy
    (it is generated with ExtractOperationsPlugin too), which the base clients
    send for login, refresh and logout without importing a client package.
    """

    def generate_client_module(self, module: ast.Module) -> ast.Module:
        for node in module.body:
            if isinstance(node, ast.ImportFrom) and _is_result_model_import(node):
                node.module = f"{SHARED_MODELS_PACKAGE}.{node.module}"
                node.level = 2
        return module

    def copy_code(self, copied_code: str) -> str:
        # The client package's copy of base_model.py is only there for UNSET;
        # its pydantic BaseModel is not the base of the shared models, and
        # defining it would load pydantic's field machinery at import.
        tree = ast.parse(copied_code)
        unused = [
            node
            for node in tree.body
            if (isinstance(node, ast.ClassDef) and node.name == PYDANTIC_BASE_MODEL)
            or (isinstance(node, ast.ImportFrom) and node.module == "pydantic")
        ]
        if not any(isinstance(node, ast.ClassDef) for node in unused):
            return copied_code
        lines = copied_code.splitlines(keepends=True)
        for node in sorted(unused, key=lambda node: node.lineno, reverse=True):
            assert node.end_lineno is not None
            del lines[node.lineno - 1 : node.end_lineno]
        return "".join(lines)

    def generate_init_module(self, module: ast.Module) -> ast.Module:
        module.body = [
            node
            for node in module.body
            if not (isinstance(node, ast.ImportFrom) and _is_result_model_import(node))
        ]
        for node in module.body:
            if isinstance(node, ast.ImportFrom):
                node.names = [alias for alias in node.names if alias.name != PYDANTIC_BASE_MODEL]
        module.body = [
            node
            for node in module.body
            if not (isinstance(node, ast.ImportFrom) and not node.names)
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
        (package_dir / OPERATIONS_MODULE).unlink(missing_ok=True)
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


# Docstrings for the names ariadne-codegen copies into every package. Its base
# clients and their exceptions are not kept: NextSchoolClientsPlugin bases the
# clients on the SDK's own (nextschool.base).
RUNTIME_DOCSTRINGS = {
    "BaseModel": "Base of every generated result model (pydantic v2, API field names as aliases).",
    "UnsetType": "Type of `UNSET`: an argument the caller left out, so it is not sent at all.",
    "Upload": "A file to send as a GraphQL multipart upload.",
    "gql": "Mark a string as a GraphQL document (for editors and linters); returns it unchanged.",
}


class DocstringsPlugin(Plugin):
    """Give every public class and function of the generated code a docstring.

    Type checkers and documentation tools (`pyright --verifytypes`, the API
    reference) expect one on every public name. Operations are described by
    their GraphQL name and kind, result models by the operation or fragment
    they come from (with the schema's description of the type, if it has one),
    and the copied runtime by `RUNTIME_DOCSTRINGS`. The plugin also annotates
    `BaseModel.model_config`, which ariadne-codegen leaves to inference, so its
    type is declared.
    """

    def generate_client_class(self, class_def: ast.ClassDef) -> ast.ClassDef:
        kind = "async" if class_def.name.lower().startswith("generatedasync") else "sync"
        _set_docstring(class_def, f"The API's operations from queries/, as {kind} methods.")
        return class_def

    def generate_client_method(
        self, method_def: ast.FunctionDef | ast.AsyncFunctionDef, operation_definition: Any
    ) -> ast.FunctionDef | ast.AsyncFunctionDef:
        name = operation_definition.name.value if operation_definition.name else method_def.name
        kind = operation_definition.operation.value
        _set_docstring(method_def, f"Send the `{name}` {kind} and return its typed result.")
        return method_def

    def generate_gql_function(self, function_def: ast.FunctionDef) -> ast.FunctionDef:
        _set_docstring(function_def, RUNTIME_DOCSTRINGS["gql"])
        return function_def

    def generate_result_types_module(
        self, module: ast.Module, operation_definition: ExecutableDefinitionNode
    ) -> ast.Module:
        name = getattr(getattr(operation_definition, "name", None), "value", "?")
        kind = getattr(getattr(operation_definition, "operation", None), "value", "operation")
        for node in module.body:
            if isinstance(node, ast.ClassDef):
                if node.name.lower() == name.lower():
                    text = f"Result of the `{name}` {kind}."
                else:
                    text = f"Part of the `{name}` {kind}'s result, with the fields it selects."
                _set_docstring(node, text)
        return module

    def generate_fragments_module(
        self, module: ast.Module, fragments_definitions: dict[str, Any]
    ) -> ast.Module:
        for node in module.body:
            if not isinstance(node, ast.ClassDef):
                continue
            fragment = fragments_definitions.get(node.name)
            if fragment is None:
                owner = max((f for f in fragments_definitions if node.name.startswith(f)), key=len)
                _set_docstring(node, f"Nested selection of the `{owner}` fragment.")
                continue
            type_name = fragment.type_condition.name.value
            graphql_type = self.schema.type_map.get(type_name)
            description = getattr(graphql_type, "description", None)
            text = f"A `{type_name}` with the fields of the `{node.name}` fragment."
            _set_docstring(node, f"{description}\n\n{text}" if description else text)
        return module

    def generate_enum(self, class_def: ast.ClassDef, enum_type: Any) -> ast.ClassDef:
        text = enum_type.description or f"The GraphQL enum `{enum_type.name}`."
        _set_docstring(class_def, text)
        return class_def

    def copy_code(self, copied_code: str) -> str:
        tree = ast.parse(copied_code)
        lines = copied_code.splitlines(keepends=True)
        inserts: list[tuple[int, str]] = []
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if node.name.startswith("_") or ast.get_docstring(node) is not None:
                continue
            text = RUNTIME_DOCSTRINGS.get(node.name)
            if text is not None:
                inserts.append((node.body[0], " " * (node.col_offset + 4) + f'"""{text}"""\n'))
        for first, docstring in sorted(inserts, key=lambda item: item[0].lineno, reverse=True):
            index = first.lineno - 1
            line = lines[index]
            if line[: first.col_offset].strip():
                # A one-line body (`def json(self) -> Any: ...`): move it down.
                body = " " * len(docstring[: -len(docstring.lstrip())]) + line[first.col_offset :]
                lines[index : index + 1] = [
                    line[: first.col_offset].rstrip() + "\n",
                    docstring,
                    body,
                ]
            else:
                lines.insert(index, docstring)
        code = "".join(lines)
        if "    model_config = ConfigDict(" in code:
            code = code.replace(
                "    model_config = ConfigDict(",
                "    model_config: ClassVar[ConfigDict] = ConfigDict(",
            ).replace(
                "from pydantic import ConfigDict\n",
                "from pydantic import ConfigDict\n\nfrom typing import ClassVar\n",
            )
        if code == copied_code:
            return code
        from ariadne_codegen.utils import format_code

        return format_code(code)


def _set_docstring(node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef, text: str) -> None:
    if ast.get_docstring(node) is None:
        node.body.insert(0, ast.Expr(value=ast.Constant(value=text)))


# Where the generated client methods find the type of their per-call options:
# nextschool._options, three levels up from nextschool.generated_client.*.client.
REQUEST_OPTIONS_MODULE = "_options"
REQUEST_OPTIONS_LEVEL = 3


class RequestOptionsPlugin(Plugin):
    """Type the `**kwargs` of every generated method as `Unpack[RequestOptions]`.

    ariadne-codegen passes `**kwargs: Any` through to the HTTP call, so a
    misspelt option (`timout=2`) type-checks. With the TypedDict, mypy and
    pyright reject it, and IDEs complete the accepted options.
    """

    def generate_client_method(
        self, method_def: ast.FunctionDef | ast.AsyncFunctionDef, operation_definition: Any
    ) -> ast.FunctionDef | ast.AsyncFunctionDef:
        kwarg = method_def.args.kwarg
        if kwarg is not None and isinstance(kwarg.annotation, ast.Name):
            kwarg.annotation = ast.Subscript(
                value=ast.Name(id="Unpack", ctx=ast.Load()),
                slice=ast.Name(id="RequestOptions", ctx=ast.Load()),
                ctx=ast.Load(),
            )
        return method_def

    def generate_client_module(self, module: ast.Module) -> ast.Module:
        module.body[:0] = [
            ast.ImportFrom(module="typing_extensions", names=[ast.alias(name="Unpack")], level=0),
            ast.ImportFrom(
                module=REQUEST_OPTIONS_MODULE,
                names=[ast.alias(name="RequestOptions")],
                level=REQUEST_OPTIONS_LEVEL,
            ),
        ]
        return module


# What the models package's `__init__` runs instead of importing every module:
# a table of where each name lives, and PEP 562 hooks that import a module the
# first time one of its names is asked for.
LAZY_PACKAGE_HOOKS = """
def __getattr__(name: str) -> object:
    module_name = _MODULE_OF.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module_name}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
"""


class LazyModelsPackagePlugin(Plugin):
    """Load each module of the models package when one of its names is first used.

    Defining a pydantic model costs even with `defer_model_build` (its fields
    are collected, and the first model loads most of pydantic), so importing
    every result model with the package made up most of what `import
    nextschool` cost beyond httpx and pydantic. With this plugin the package's
    `__init__` only maps names to modules: a program loads the models of the
    operations it calls, when it first calls them. Type checkers read the same
    imports as before, under `TYPE_CHECKING`.
    """

    def generate_init_module(self, module: ast.Module) -> ast.Module:
        imports = [
            node for node in module.body if isinstance(node, ast.ImportFrom) and node.level == 1
        ]
        module_of = {
            alias.asname or alias.name: node.module for node in imports for alias in node.names
        }
        rest = [node for node in module.body if node not in imports]
        module.body = [
            ast.ImportFrom(module="importlib", names=[ast.alias(name="import_module")], level=0),
            ast.ImportFrom(module="typing", names=[ast.alias(name="TYPE_CHECKING")], level=0),
            ast.If(test=ast.Name(id="TYPE_CHECKING", ctx=ast.Load()), body=imports, orelse=[]),
            ast.parse(f"_MODULE_OF: dict[str, str] = {module_of!r}").body[0],
            *rest,
            *ast.parse(LAZY_PACKAGE_HOOKS).body,
        ]
        return module


class LazyModelReferencesPlugin(Plugin):
    """Make a client module reach its result models through the lazy models package.

    Used after SharedModelsPlugin, which points the client's imports at
    `generated_client.models`. Importing a client then loads no model: its
    methods look each model up on the package when they run (one attribute
    lookup per call), and the models' imports are kept for type checkers only,
    with annotations left unevaluated.
    """

    def generate_client_module(self, module: ast.Module) -> ast.Module:
        model_imports = [
            node
            for node in module.body
            if isinstance(node, ast.ImportFrom)
            and node.level == 2
            and node.module is not None
            and node.module.startswith(f"{SHARED_MODELS_PACKAGE}.")
            and node.module != f"{SHARED_MODELS_PACKAGE}.{OPERATIONS_MODULE[: -len('.py')]}"
        ]
        names = {alias.asname or alias.name for node in model_imports for alias in node.names}
        body = [node for node in module.body if node not in model_imports]
        for node in body:
            if isinstance(node, ast.ClassDef):
                _ModelReferences(names).visit(node)
        imports_end = next(
            (
                index
                for index, node in enumerate(body)
                if not isinstance(node, ast.Import | ast.ImportFrom)
            ),
            len(body),
        )
        type_checking = (
            [
                ast.If(
                    test=ast.Name(id="TYPE_CHECKING", ctx=ast.Load()), body=model_imports, orelse=[]
                )
            ]
            if model_imports
            else []
        )
        module.body = [
            ast.ImportFrom(module="__future__", names=[ast.alias(name="annotations")], level=0),
            ast.ImportFrom(module="typing", names=[ast.alias(name="TYPE_CHECKING")], level=0),
            ast.ImportFrom(module=None, names=[ast.alias(name=SHARED_MODELS_PACKAGE)], level=2),
            *body[:imports_end],
            *type_checking,
            *body[imports_end:],
        ]
        return module


class _ModelReferences(ast.NodeTransformer):
    """`Students` -> `models.Students` in code that runs; annotations stay as they are."""

    def __init__(self, names: set[str]) -> None:
        self.names = names

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        node.body = [self.visit(statement) for statement in node.body]
        return node

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.AsyncFunctionDef:
        node.body = [self.visit(statement) for statement in node.body]
        return node

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AnnAssign:
        if node.value is not None:
            node.value = self.visit(node.value)
        return node

    def visit_Name(self, node: ast.Name) -> ast.expr:
        # ariadne-codegen builds its names without a context: a missing one is a load.
        if node.id in self.names and not isinstance(getattr(node, "ctx", None), ast.Store):
            return ast.Attribute(
                value=ast.Name(id=SHARED_MODELS_PACKAGE, ctx=ast.Load()),
                attr=node.id,
                ctx=ast.Load(),
            )
        return node
