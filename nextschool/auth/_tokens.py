"""The token state machine shared by the async and sync clients.

Pure: it reads only the clocks it is given and does no I/O and no locking.
Renewal is a generator that yields the auth calls it needs (`LogIn`,
`RefreshAccessToken`) and receives their results, in the style of httpx's
`Auth.auth_flow`; each client drives it with its own I/O and lock.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from .._constants import (
    EARLY_REFRESH_RETRY_SECONDS,
    FALLBACK_TOKEN_LIFETIME,
    MAX_TOKEN_LIFETIME,
    REFRESH_MARGIN_FRACTION,
    REFRESH_MARGIN_SECONDS,
)
from .._exceptions import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    ConfigurationError,
    HTTPStatusError,
    InvalidResponseError,
    NextSchoolError,
    RateLimitError,
    SessionExpiredError,
)
from .._json import json_object
from .._lifetimes import plausible_lifetime
from .._logging import logger

if TYPE_CHECKING:
    # Only named in a protocol: importing it at run time would load pydantic.types.
    from pydantic import SecretStr

Clock = Callable[[], float]
_NO_CREDENTIALS = (
    "Not logged in: pass username and password (or set NEXTSCHOOL_USERNAME and "
    "NEXTSCHOOL_PASSWORD), or saved access and refresh tokens"
)


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class StoredTokens:
    """Tokens as persisted: the expiry is wall-clock (epoch seconds) so it survives restarts."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    access_expires_at: float | None = None
    # The API that issued the tokens: they are never sent anywhere else.
    url: str | None = None


@dataclass(frozen=True)
class TokenSet:
    """The tokens in use. Times are on the monotonic clock; None means unknown."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    expires_at: float | None
    refresh_at: float | None
    # Increases with every login or refresh, so a failure reported for an older
    # token can be told apart from a failure of the current one.
    generation: int


class LoginPayload(Protocol):
    """The generated login result, as far as the token logic needs it."""

    @property
    def access_token(self) -> SecretStr: ...
    @property
    def refresh_token(self) -> SecretStr: ...
    @property
    def expires_in(self) -> int: ...


@dataclass(frozen=True)
class LogIn:
    credentials: Credentials


@dataclass(frozen=True)
class RefreshAccessToken:
    refresh_token: str = field(repr=False)


AuthCall = LogIn | RefreshAccessToken
RenewalFlow = Generator[AuthCall, Any, None]

# A proactive refresh that fails for one of these reasons leaves the current,
# still valid token in use instead of failing the caller's request.
TRANSIENT_ERRORS = (APIConnectionError, HTTPStatusError, RateLimitError)


class TokenManager:
    def __init__(
        self,
        *,
        credentials: Credentials | None,
        clock: Clock,
        wall_clock: Clock,
    ) -> None:
        self.credentials = credentials
        self._clock = clock
        self._wall_clock = wall_clock
        self._generation = 0
        self._renewals = 0
        self._last_renewal_error: NextSchoolError | None = None
        self._warned_lifetime = False
        self.current: TokenSet | None = None

    def __repr__(self) -> str:
        state = "no token" if self.current is None else f"generation {self.current.generation}"
        return f"TokenManager({state})"

    # -- reading -----------------------------------------------------------

    def renewal_needed(self, rejected: TokenSet | None) -> bool:
        """Whether a caller must renew before sending.

        `rejected` is the token the server just refused, or None before a
        request. A refusal of a token that is no longer current needs no
        renewal: someone already replaced it.
        """
        current = self.current
        if current is None:
            return True
        if rejected is not None:
            return rejected.generation == current.generation
        return current.refresh_at is not None and self._clock() >= current.refresh_at

    def stored(self) -> StoredTokens | None:
        current = self.current
        if current is None:
            return None
        expires_at = None
        if current.expires_at is not None:
            expires_at = self._wall_clock() + (current.expires_at - self._clock())
        return StoredTokens(current.access_token, current.refresh_token, expires_at)

    # -- changing ----------------------------------------------------------

    def restore(self, tokens: StoredTokens) -> None:
        """Adopt saved tokens; the expiry comes from the store or the JWT itself."""
        now = self._wall_clock()
        saved = tokens.access_expires_at
        lifetime: float | None = None
        if saved is not None and _usable_expiry(saved, now):
            lifetime = saved - now
        else:
            if saved is not None:
                self._warn_lifetime("saved expiry")
            exp = jwt_expiry(tokens.access_token)
            if exp is not None and _usable_expiry(exp, now):
                lifetime = exp - now
            elif saved is not None:
                lifetime = FALLBACK_TOKEN_LIFETIME
        self._adopt(tokens.access_token, tokens.refresh_token, lifetime, self._clock())

    def restore_refresh_only(self, refresh_token: str | None) -> None:
        """Adopt a saved refresh token alone: the first call will refresh."""
        now = self._clock()
        self._generation += 1
        self.current = TokenSet("", refresh_token, now, now, self._generation)

    def adopt_login(self, payload: LoginPayload, issued_at: float) -> None:
        access_token = payload.access_token.get_secret_value()
        self._adopt(
            access_token,
            payload.refresh_token.get_secret_value(),
            self._issued_lifetime(payload.expires_in, access_token, issued_at),
            issued_at,
        )

    def set_credentials(self, username: str | None, password: str | None) -> None:
        if username is None or password is None:
            raise ConfigurationError("username and password must be given together")
        self.credentials = Credentials(username, password)

    def require_credentials(self) -> Credentials:
        if self.credentials is None:
            raise AuthenticationError(_NO_CREDENTIALS)
        return self.credentials

    def usable(self) -> TokenSet:
        if self.current is None:
            raise AuthenticationError(_NO_CREDENTIALS)
        return self.current

    def now(self) -> float:
        return self._clock()

    def clear(self) -> None:
        self.current = None

    def renewal_ticket(self) -> int:
        """Taken before waiting for a renewal; see `failure_since`."""
        return self._renewals

    def failure_since(self, ticket: int) -> NextSchoolError | None:
        """The error of a renewal that ran while the holder of `ticket` waited.

        Callers queued behind a failed renewal share its error instead of each
        trying again in turn: with the API down, a thousand waiting calls
        would otherwise make a thousand sequential refresh attempts.
        """
        return self._last_renewal_error if self._renewals != ticket else None

    def renew(self, *, proactive: bool) -> RenewalFlow:
        """Refresh, or log in when there is nothing to refresh or refresh is refused."""
        # Only this renewal's own failure may be shared with its waiters: one
        # that is abandoned part-way (its caller cancelled) leaves none.
        self._last_renewal_error = None
        try:
            yield from self._renew(proactive)
        except NextSchoolError as error:
            # A timeout is the leader's own deadline running out; the callers
            # waiting behind it have deadlines of their own and try again.
            if not isinstance(error, APITimeoutError):
                self._last_renewal_error = error
            raise
        finally:
            # Counted when a renewal ends, so a ticket taken while one runs
            # tells its waiter about that renewal's outcome.
            self._renewals += 1

    def _renew(self, proactive: bool) -> RenewalFlow:
        current = self.current
        if current is not None and current.refresh_token is not None:
            started = self._clock()
            try:
                payload = yield RefreshAccessToken(current.refresh_token)
            except NextSchoolError as error:
                if refresh_refused(error):
                    # The refresh token is dead (expired, revoked, logged out),
                    # however the server words it: only a new login helps.
                    self.current = None
                    if self.credentials is None:
                        raise _session_expired(error) from None
                elif isinstance(error, TRANSIENT_ERRORS) and proactive:
                    if not self._still_valid(current):
                        raise
                    self._postpone_refresh(current)
                    return
                else:
                    raise
            else:
                access_token = payload.access_token.get_secret_value()
                self._adopt(
                    access_token,
                    current.refresh_token,
                    self._issued_lifetime(payload.expires_in, access_token, started),
                    started,
                )
                return
        if self.credentials is None:
            raise AuthenticationError(_NO_CREDENTIALS)
        started = self._clock()
        self.adopt_login((yield LogIn(self.credentials)), started)

    # -- internals ---------------------------------------------------------

    def _adopt(
        self,
        access_token: str,
        refresh_token: str | None,
        lifetime: float | None,
        issued_at: float,
    ) -> None:
        # `issued_at` is when the request that produced the token was sent,
        # which is no later than when the server started the token's lifetime.
        access_token = _sendable(access_token)
        expires_at = refresh_at = None
        if lifetime is not None:
            expires_at = issued_at + lifetime
            margin = min(REFRESH_MARGIN_SECONDS, lifetime * REFRESH_MARGIN_FRACTION)
            refresh_at = expires_at - max(margin, 0.0)
        self._generation += 1
        self.current = TokenSet(
            access_token, refresh_token, expires_at, refresh_at, self._generation
        )

    def _issued_lifetime(self, expires_in: object, access_token: str, issued_at: float) -> float:
        """The lifetime the server gave a new token, or a safe stand-in for a bad one."""
        if isinstance(expires_in, (int, float)) and plausible_lifetime(expires_in):
            return float(expires_in)
        self._warn_lifetime("expiresIn")
        exp = jwt_expiry(access_token)
        if exp is not None:
            issued_at_wall = self._wall_clock() - (self._clock() - issued_at)
            if plausible_lifetime(exp - issued_at_wall):
                return exp - issued_at_wall
        return FALLBACK_TOKEN_LIFETIME

    def _warn_lifetime(self, source: str) -> None:
        if not self._warned_lifetime:
            self._warned_lifetime = True
            logger.warning(
                "Ignoring an unusable token lifetime (%s); scheduling refresh from the "
                "token's own expiry or a %.0f s default instead",
                source,
                FALLBACK_TOKEN_LIFETIME,
            )

    def _still_valid(self, tokens: TokenSet) -> bool:
        return tokens.expires_at is None or self._clock() < tokens.expires_at

    def _postpone_refresh(self, tokens: TokenSet) -> None:
        retry_at = self._clock() + EARLY_REFRESH_RETRY_SECONDS
        if tokens.expires_at is not None:
            retry_at = min(retry_at, tokens.expires_at)
        self.current = TokenSet(
            tokens.access_token,
            tokens.refresh_token,
            tokens.expires_at,
            retry_at,
            tokens.generation,
        )


def refresh_refused(error: NextSchoolError) -> bool:
    """Whether an error answering `refreshToken` means the refresh token is dead.

    Everything the server says on purpose counts, whatever its wording or
    status; what may pass (no answer, a 5xx, a rate limit, an answer we could
    not read) does not.
    """
    if isinstance(error, (APIConnectionError, RateLimitError, InvalidResponseError)):
        return False
    if not isinstance(error, APIError):
        return False
    return error.status_code is None or error.status_code < 500


def _session_expired(error: NextSchoolError) -> SessionExpiredError:
    if isinstance(error, SessionExpiredError):
        return error
    status_code = error.status_code if isinstance(error, APIError) else None
    errors = error.errors if isinstance(error, APIError) else ()
    return SessionExpiredError(
        f"The refresh token was refused ({error.message}) and there are no credentials "
        "to log in again",
        operation="RefreshToken",
        status_code=status_code,
        errors=errors,
    )


def _usable_expiry(expires_at: float, now: float) -> bool:
    """A saved expiry in epoch seconds: finite and not absurdly far ahead (past is fine)."""
    # Checked at run time too: the value comes from a token store.
    if isinstance(expires_at, bool) or not isinstance(expires_at, (int, float)):  # pyright: ignore[reportUnnecessaryIsInstance]
        return False
    return math.isfinite(expires_at) and expires_at - now <= MAX_TOKEN_LIFETIME


# RFC 6750 bearer tokens are visible ASCII; anything else cannot go in a header.
_SENDABLE_TOKEN = re.compile(r"[\x21-\x7e]+")


def _sendable(access_token: str) -> str:
    if access_token and not _SENDABLE_TOKEN.fullmatch(access_token):
        raise InvalidResponseError(
            "The API issued an access token that cannot be sent in an Authorization header"
        )
    return access_token


def jwt_expiry(token: str) -> float | None:
    """The `exp` claim of a JWT, read without verifying it (only for scheduling)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except (ValueError, binascii.Error, RecursionError):
        return None
    payload_claims = json_object(claims)
    exp = payload_claims.get("exp") if payload_claims is not None else None
    if isinstance(exp, (int, float)) and not isinstance(exp, bool):
        return float(exp)
    return None


__all__ = [
    "AuthCall",
    "Clock",
    "Credentials",
    "LogIn",
    "RefreshAccessToken",
    "StoredTokens",
    "TokenManager",
    "TokenSet",
    "jwt_expiry",
]
