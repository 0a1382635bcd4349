"""The reference "ariadne-codegen alone": a client generated from the same
schema and queries by ariadne-codegen with its own base client, no SDK.

The SDK's own clients are generated onto the SDK's base clients (the same way
`nextschool generate` generates yours), so the package has no plain generated
client left to compare with. This one is generated at run time into a scratch
directory, as any user of ariadne-codegen would get it: its bundled httpx base
client, `json` decoding and one `model_validate` of the data, and
ShorterResultsPlugin so that `students()` returns the list, as the SDK's does.
"""

from __future__ import annotations

import functools
import importlib
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
PACKAGE = "stock_ariadne_client"
CONFIG = """[tool.ariadne-codegen]
schema_path = "{schema}"
queries_path = "{queries}"
target_package_name = "{package}"
client_name = "{client}"
async_client = {async_client}
plugins = ["ariadne_codegen.contrib.shorter_results.ShorterResultsPlugin"]
"""


@functools.cache
def _scratch() -> Path:
    # Lives as long as the benchmark process; removed with the system's tmp.
    return Path(tempfile.mkdtemp(prefix="nextschool-bench-stock-"))


@functools.cache
def stock_client(*, async_client: bool) -> type:
    """The generated client class (`StockAsyncClient` or `StockClient`)."""
    package = f"{PACKAGE}_{'async' if async_client else 'sync'}"
    client = "StockAsyncClient" if async_client else "StockClient"
    project = _scratch() / package
    project.mkdir()
    config = CONFIG.format(
        schema=(REPO / "schema.graphql").as_posix(),
        queries=(REPO / "queries").as_posix(),
        package=package,
        client=client,
        async_client=str(async_client).lower(),
    )
    (project / "pyproject.toml").write_text(config, encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "ariadne_codegen"],
        cwd=project,
        check=True,
        capture_output=True,
        timeout=300,
    )
    sys.path.insert(0, str(project))
    module: ModuleType = importlib.import_module(package)
    generated: type = getattr(module, client)
    return generated
