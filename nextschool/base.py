"""Base classes for typed clients of your own operations.

`AsyncBaseClient` and `BaseClient` are the SDK's auth layer: login, refresh
before expiry, one renewal and retry on UNAUTHENTICATED, bounded retries,
rate-limit handling, token stores, `on_tokens_changed`, redaction and the
typed errors of `nextschool`. They take the same arguments as
`AsyncNextSchool` / `NextSchool`, which are these bases plus the API's own
operations. A subclass gets all of it for every method that sends its document
through `execute()` and reads the result with `get_data()`, which is what
ariadne-codegen generates:

    class Roster(AsyncBaseClient):
        async def roster(self, limit: int) -> list[dict[str, object]]:
            result = await self.execute(ROSTER_QUERY, "Roster", {"limit": limit})
            return list(self.get_data(result)["students"])

`nextschool generate` (or ariadne-codegen with the plugin
`nextschool.codegen.plugin.NextSchoolClientsPlugin`) writes such subclasses from
`.graphql` files. Names a subclass must not reuse are the attributes of these
classes (`login`, `logout`, `refresh_token`, `execute`, `get_data`, `tokens`,
`with_options`, `close` / `aclose`, ...).

`client.with_options(timeout=..., max_retries=..., headers=...)` returns an
instance of the subclass itself (its methods included) with other defaults,
sharing the connection pool and the session; the client that opened the pool
stays the one that closes it.
"""

from .auth._async_client import AsyncBaseClient
from .auth._sync_client import BaseClient

__all__ = ["AsyncBaseClient", "BaseClient"]
