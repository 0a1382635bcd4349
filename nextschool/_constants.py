"""Defaults shared by both clients. Each can be overridden per client."""

from __future__ import annotations

import httpx

PRODUCTION_URL = "https://data.nextschool.io/"
SANDBOX_URL = "https://sandbox.nextschool.io/"

ENV_URL = "NEXTSCHOOL_URL"
ENV_USERNAME = "NEXTSCHOOL_USERNAME"
ENV_PASSWORD = "NEXTSCHOOL_PASSWORD"  # noqa: S105 - the variable's name, not a password

# Connect fails fast; reads allow for a slow care-module aggregate.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
# The whole of one call: renewing the token, every attempt and the waits
# between them. httpx's timeouts bound each network operation, not their sum:
# a server trickling one byte at a time never trips a read timeout.
DEFAULT_DEADLINE = 120.0
DEFAULT_CONNECTION_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)

# Ordinary retries (rate limits, connection errors, 5xx on queries). The auth
# retry is separate: exactly one, after one token renewal.
DEFAULT_MAX_RETRIES = 2
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
# A server asking us to wait longer than this is not worth blocking a caller on;
# the RateLimitError goes to the caller with retry_after set instead.
MAX_RETRY_AFTER = 60.0

# Lifetimes from the server or a token file outside (0, MAX] are not trusted:
# the token's own JWT `exp` is used instead, else this conservative default.
FALLBACK_TOKEN_LIFETIME = 300.0
MAX_TOKEN_LIFETIME = 7 * 24 * 3600.0

# Refresh this long before the access token expires: a fixed margin for long
# lifetimes, a quarter of the lifetime for short ones (tests use 1-2 s tokens).
REFRESH_MARGIN_SECONDS = 60.0
REFRESH_MARGIN_FRACTION = 0.25
# After a failed early refresh, keep the still-valid token and try again later.
EARLY_REFRESH_RETRY_SECONDS = 5.0

# Operations that authenticate. They never carry a bearer token and never enter
# the auth retry; their variables and results are never logged.
AUTH_OPERATIONS = frozenset({"Login", "RefreshToken", "Logout"})
