"""Base classes for typed clients of your own operations.

`AsyncBaseClient` and `BaseClient` are the SDK's auth layer: login, refresh
before expiry, one renewal and retry on UNAUTHENTICATED, bounded retries,
rate-limit handling, token stores, `on_tokens_changed`, redaction and the
typed errors of `nextschool`. `AsyncNextSchool` / `NextSchool` are generated
onto these bases from the API's own operations, so they take the same
arguments. A subclass gets all of it for every method that sends its document
through `execute()` and reads the result with `get_data()`, which is what
ariadne-codegen generates:

    class Roster(AsyncBaseClient):
        async def roster(self, limit: int) -> list[dict[str, object]]:
            result = await self.execute(ROSTER_QUERY, "Roster", {"limit": limit})
            return list(self.get_data(result)["students"])

`nextschool generate` (or ariadne-codegen with the plugin
`nextschool.codegen.plugin.NextSchoolClientsPlugin`) writes such subclasses from
`.graphql` files; the SDK's own `NextSchool` and `AsyncNextSchool` are generated
onto these bases by the same plugin. Names a subclass must not reuse are the attributes of these
classes (`login`, `logout`, `refresh_token`, `execute`, `get_data`, `tokens`,
`with_options`, `with_raw_response`, `close` / `aclose`, ...).

`client.with_options(timeout=..., max_retries=..., headers=...)` returns an
instance of the subclass itself (its methods included) with other defaults,
sharing the connection pool and the session; the client that opened the pool
stays the one that closes it.

`client.with_raw_response(client.roster, 5)` returns a method's result with its
HTTP response, typed from the method.
"""

from typing import TYPE_CHECKING, Any

from .auth._sync_client import BaseClient

if TYPE_CHECKING:
    from .auth._async_client import AsyncBaseClient

__all__ = ["AsyncBaseClient", "BaseClient"]


def __getattr__(name: str) -> Any:
    # The async base brings asyncio with it: loaded on first use, so a sync
    # client generated onto BaseClient (the SDK's own included) never pays.
    if name == "AsyncBaseClient":
        from .auth._async_client import AsyncBaseClient

        globals()[name] = AsyncBaseClient
        return AsyncBaseClient
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
