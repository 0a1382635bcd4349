"""pytest fixtures for the local server.

pytest loads them automatically once ``nextschool[testing]`` is installed (a
``pytest11`` entry point). Where plugin autoloading is off
(``PYTEST_DISABLE_PLUGIN_AUTOLOAD``), enable them with
``pytest_plugins = ["nextschool.testing.pytest_plugin"]`` in the top-level
conftest.py.

- `nextschool_server`: a fresh server per test, rate limits off.
- `nextschool_server_factory`: call it with ServerSettings field overrides
  (or a whole ServerSettings) to start more servers; all stop at teardown.
"""

from __future__ import annotations

from nextschool._pytest_plugin import ServerFactory, nextschool_server, nextschool_server_factory

__all__ = ["ServerFactory", "nextschool_server", "nextschool_server_factory"]
