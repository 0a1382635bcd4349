"""Settings of the local server and the accounts it knows."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass, field

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo"  # noqa: S105 - the documented demo account of a local test server

OTHER_SCHOOL_USERNAME = "other"
OTHER_SCHOOL_PASSWORD = "other"  # noqa: S105
NO_SCHOOL_USERNAME = "noschool"
NO_SCHOOL_PASSWORD = "noschool"  # noqa: S105


def _random_secret() -> str:
    return secrets.token_urlsafe(32)


REQUEST_ID_MODES = frozenset({"echo", "own", "none"})


@dataclass(frozen=True)
class ServerSettings:
    """How one local server instance behaves.

    The defaults are the documented production values. Lifetimes are floats so
    a test can let a token expire within a second.
    """

    access_token_ttl: float = 900.0
    refresh_token_ttl: float = 7 * 24 * 3600.0
    rate_limits: bool = True
    global_limit_per_minute: int = 100
    login_limit_per_minute: int = 5
    user_limit_per_minute: int = 60
    # The length of every rate-limit window. The documented one is a minute;
    # a shorter one keeps the documented counts (100, 5, 60 per window) so a
    # fleet of clients meets the limits within seconds.
    rate_limit_window: float = 60.0
    # Random per instance so tokens of one server never validate on another.
    jwt_secret: str = field(default_factory=_random_secret, repr=False)
    seed: int = 2567
    # More (username, password) accounts in the demo account's school, for
    # tests that need credentials of their own (odd characters, many users).
    extra_accounts: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    # The X-Request-Id header of every response: "echo" sends back the
    # client's (when it is printable ASCII of at most 200 characters) or else
    # an id of the server's own, as many APIs and their proxies do; "own"
    # always sends the server's own id; "none" sends no such header.
    request_ids: str = "echo"

    def __post_init__(self) -> None:
        if not self.access_token_ttl > 0 or not self.refresh_token_ttl > 0:
            raise ValueError("token lifetimes must be positive")
        limits = (
            self.global_limit_per_minute,
            self.login_limit_per_minute,
            self.user_limit_per_minute,
        )
        if min(limits) < 1:
            raise ValueError("rate limits must be at least 1 per minute")
        if not 0 < self.rate_limit_window < math.inf:
            raise ValueError("rate_limit_window must be a positive number of seconds")
        if not self.jwt_secret:
            raise ValueError("jwt_secret must not be empty")
        if self.request_ids not in REQUEST_ID_MODES:
            raise ValueError(f"request_ids must be one of {sorted(REQUEST_ID_MODES)}")
        names = [username for username, _ in self.extra_accounts]
        if any(not n for n in names) or len(set(names)) != len(names):
            raise ValueError("extra account usernames must be unique and not empty")
        if set(names) & {a.username for a in ACCOUNTS}:
            raise ValueError("extra accounts must not reuse a built-in username")

    def accounts(self) -> AccountBook:
        """Every account the server accepts: the built-in ones and `extra_accounts`."""
        extra = tuple(
            Account(
                EXTRA_ACCOUNT_FIRST_ID + n,
                username,
                password,
                username,
                f"{username}@school.ac.th",
                1,
            )
            for n, (username, password) in enumerate(self.extra_accounts)
        )
        return AccountBook(ACCOUNTS + extra)

    @property
    def access_expires_in(self) -> int:
        """`expiresIn` as clients see it: rounded up so a token never dies early."""
        return max(1, math.ceil(self.access_token_ttl))


@dataclass(frozen=True)
class Account:
    """An API account that can log in (an AuthUser)."""

    id: int
    username: str
    password: str = field(repr=False)
    name: str
    email: str
    school_id: int | None


ACCOUNTS: tuple[Account, ...] = (
    Account(42, DEMO_USERNAME, DEMO_PASSWORD, "API User", "api@school.ac.th", 1),
    Account(
        43,
        OTHER_SCHOOL_USERNAME,
        OTHER_SCHOOL_PASSWORD,
        "API User (Wat Tha Chang)",
        "api@watthachang.ac.th",
        2,
    ),
    Account(
        44,
        NO_SCHOOL_USERNAME,
        NO_SCHOOL_PASSWORD,
        "Unassigned API User",
        "unassigned@nextschool.io",
        None,
    ),
)
EXTRA_ACCOUNT_FIRST_ID = 1001


class AccountBook:
    """The accounts one server knows, by username and by id."""

    def __init__(self, accounts: tuple[Account, ...]) -> None:
        self.all = accounts
        self.by_username: dict[str, Account] = {a.username: a for a in accounts}
        self.by_id: dict[int, Account] = {a.id: a for a in accounts}
