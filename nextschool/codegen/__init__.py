"""Typed clients for your own GraphQL operations, on the SDK's auth layer.

`nextschool generate` (extra `nextschool[codegen]`) validates a user's
`.graphql` files against the API schema and runs ariadne-codegen with
`NextSchoolClientsPlugin`, which puts the generated operations on
`nextschool.AsyncBaseClient` / `nextschool.BaseClient`. The same result is
available from ariadne-codegen itself with the configuration the README
documents (`nextschool.codegen._generate.config_text()` renders it).
"""

from __future__ import annotations

from pathlib import Path

# The API schema the SDK is generated from, shipped inside the package. Usable
# as `schema_paths = ["nextschool.codegen.SCHEMA_PATH"]` in an ariadne-codegen
# configuration.
SCHEMA_PATH = str(Path(__file__).resolve().parent.parent / "generated_client" / "schema.graphql")

PLUGIN_PATH = "nextschool.codegen.plugin.NextSchoolClientsPlugin"
PLUGINS = ["ariadne_codegen.contrib.shorter_results.ShorterResultsPlugin", PLUGIN_PATH]

__all__ = ["PLUGINS", "PLUGIN_PATH", "SCHEMA_PATH"]
