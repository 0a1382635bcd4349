"""The SDK's own clients come from the plugin `nextschool generate` uses for yours.

pyproject.toml and codegen/sync.toml generate GeneratedAsyncClient and
GeneratedSyncClient with NextSchoolClientsPlugin, onto nextschool.base. Two
keys of the plugin exist for the SDK's layout: `base_operations` (operations
the base sends itself get no method) and `sync_twin = false` (no sync client
in the async module). Both are checked here on the committed code and on a
package generated from scratch.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from nextschool.codegen import PLUGINS
from nextschool.codegen._generate import config_text
from nextschool.generated_client import models
from nextschool.generated_client.async_client import GeneratedAsyncClient
from nextschool.generated_client.sync_client import GeneratedSyncClient

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "nextschool" / "generated_client"
SDK_CONFIGS = [ROOT / "pyproject.toml", ROOT / "codegen" / "sync.toml"]


def plugins_of(config: Path) -> list[str]:
    section = config.read_text(encoding="utf-8").split("[tool.ariadne-codegen]", 1)[1]
    plugins = re.search(r"^plugins = \[(.*?)^\]", section, flags=re.MULTILINE | re.DOTALL)
    assert plugins is not None, config
    return re.findall(r'"([^"]+)"', plugins.group(1))


def imported_names(module: Path) -> set[str]:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    return {
        f"{node.module}.{alias.name}"
        for node in tree.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }


@pytest.mark.parametrize("config", SDK_CONFIGS, ids=lambda path: path.name)
def test_the_sdk_clients_are_generated_with_the_users_plugins(config: Path) -> None:
    # Every plugin of `nextschool generate`, in its order; the SDK adds its own
    # (shared models, documents, docstrings, typed request options) before them.
    plugins = plugins_of(config)
    assert [plugin for plugin in plugins if plugin in PLUGINS] == PLUGINS
    assert plugins[-1] == PLUGINS[-1]


def test_the_clients_derive_from_the_public_bases() -> None:
    from nextschool.base import AsyncBaseClient, BaseClient

    assert GeneratedAsyncClient.__bases__ == (AsyncBaseClient,)
    assert GeneratedSyncClient.__bases__ == (BaseClient,)
    # Each package's own UNSET is what its client leaves out of requests.
    from nextschool.generated_client.async_client.base_model import UNSET as ASYNC_UNSET
    from nextschool.generated_client.sync_client.base_model import UNSET as SYNC_UNSET

    assert GeneratedAsyncClient._unset is ASYNC_UNSET
    assert GeneratedSyncClient._unset is SYNC_UNSET


def test_the_sync_module_never_imports_the_async_base() -> None:
    # sync_twin = false: the async module holds the async client only, and the
    # sync module names only BaseClient, so sync programs never load asyncio.
    async_imports = imported_names(GENERATED / "async_client" / "client.py")
    sync_imports = imported_names(GENERATED / "sync_client" / "client.py")
    assert "nextschool.base.AsyncBaseClient" in async_imports
    assert "nextschool.base.BaseClient" not in async_imports
    assert "nextschool.base.BaseClient" in sync_imports
    assert "nextschool.base.AsyncBaseClient" not in sync_imports


def test_base_operations_keep_their_documents_and_models_but_get_no_method() -> None:
    for client in (GeneratedAsyncClient, GeneratedSyncClient):
        own = set(vars(client))
        assert {"login", "refresh_token", "logout"}.isdisjoint(own)
        assert {"students", "teacher", "visit_stats"} <= own
    assert "mutation Login(" in models.LOGIN_GQL
    assert "mutation RefreshToken(" in models.REFRESH_TOKEN_GQL
    assert "mutation Logout(" in models.LOGOUT_GQL
    assert models.Login.model_fields.keys() == {"login"}
    # One copy of the documents: the clients import theirs from the models package.
    assert not (GENERATED / "async_client" / "operations.py").exists()
    assert not (GENERATED / "sync_client" / "operations.py").exists()


OPERATIONS = """
mutation Logout($t: String!) { logout(refreshToken: $t) }
query Roster($limit: Int) { students(limit: $limit) { id code } }
"""


def test_the_keys_on_a_package_generated_from_scratch(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "queries").mkdir(parents=True)
    (project / "queries" / "ops.graphql").write_text(OPERATIONS, encoding="utf-8")
    config = config_text("mine") + 'base_operations = ["Logout"]\nsync_twin = false\n'
    (project / "pyproject.toml").write_text(config, encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "ariadne_codegen"],
        cwd=project,
        check=True,
        capture_output=True,
        timeout=120,
    )
    code = (
        "import nextschool, mine\n"
        "assert issubclass(mine.AsyncClient, nextschool.AsyncBaseClient)\n"
        "assert not hasattr(mine, 'Client')\n"
        "assert 'logout' not in vars(mine.AsyncClient)\n"
        "assert mine.AsyncClient.logout is nextschool.AsyncBaseClient.logout\n"
        "assert mine.Logout.model_validate({'logout': True}).logout is True\n"
        "print(sorted(m for m in vars(mine.AsyncClient) if not m.startswith('_')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=project, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['roster']"
    assert "class Client(" not in (project / "mine" / "client.py").read_text(encoding="utf-8")


def test_the_readme_shows_the_sdks_own_configuration() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    after = readme[readme.index("This is the SDK's own section, from its `pyproject.toml`") :]
    block = re.search(r"```toml\n(.*?)```", after, flags=re.DOTALL)
    assert block is not None
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    start = pyproject.index("[tool.ariadne-codegen]\n")
    section = pyproject[start : pyproject.index("\n[", start + 1) + 1]
    without_comments = "".join(
        line for line in section.splitlines(keepends=True) if not line.startswith("#")
    )
    assert block.group(1) == without_comments.rstrip("\n") + "\n"


def test_base_operations_only_lists_what_the_base_sends(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "queries").mkdir(parents=True)
    (project / "queries" / "ops.graphql").write_text(OPERATIONS, encoding="utf-8")
    config = config_text("mine") + 'base_operations = ["Logout", "Roster"]\n'
    (project / "pyproject.toml").write_text(config, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "ariadne_codegen"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "the NextSchool base client has no method roster()" in result.stderr


def test_the_lazy_models_package_gives_every_name_of_its_modules() -> None:
    # The package's __init__ imports nothing: each name resolves to the object
    # its module defines, on first use.
    import importlib

    submodules = [
        importlib.import_module(f"{models.__name__}.{path.stem}")
        for path in sorted((GENERATED / "models").glob("*.py"))
        if path.stem != "__init__"
    ]
    for name in models.__all__:
        value = getattr(models, name)
        owners = [vars(module)[name] for module in submodules if name in vars(module)]
        assert owners, name
        assert all(owner is value for owner in owners), name
        assert name in dir(models)
    with pytest.raises(AttributeError, match="NoSuchModel"):
        models.NoSuchModel  # noqa: B018
    namespace: dict[str, object] = {}
    exec(f"from {models.__name__} import *", namespace)  # noqa: S102
    assert all(namespace[name] is getattr(models, name) for name in models.__all__)


def test_the_client_packages_define_no_pydantic_model() -> None:
    # Their copy of base_model.py is there for UNSET only; the result models'
    # base is the models package's.
    for package in ("async_client", "sync_client"):
        source = (GENERATED / package / "base_model.py").read_text(encoding="utf-8")
        assert "pydantic" not in source
        assert "UNSET = UnsetType()" in source
