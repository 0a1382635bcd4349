"""What the async and sync clients share apart from I/O: configuration,
request encoding, response decoding, token bookkeeping and logging."""

from __future__ import annotations

import copy
import math
import os
import time
import weakref
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import urlsplit

import httpx
import pydantic
import pydantic_core
from typing_extensions import Self, Unpack

from .._constants import (
    AUTH_OPERATIONS,
    DEFAULT_CONNECTION_LIMITS,
    DEFAULT_TIMEOUT,
    ENV_PASSWORD,
    ENV_URL,
    ENV_USERNAME,
    PRODUCTION_URL,
)
from .._exceptions import APIConnectionError, APIError, APITimeoutError, ConfigurationError
from .._logging import PinnedSecrets, logger
from .._masking import SecretBytes, conceal, mask_userinfo, strip_userinfo, url_password
from .._operation_type import is_mutation
from .._operations import result_model
from .._options import CLIENT_OPTIONS, PER_CALL_OPTIONS, ClientOptions, merge_options
from .._ratelimit import RateLimiter, pause_from_headers
from .._raw import RAW_CAPTURE, RawCapture, describe_error
from .._request_id import REQUEST_ID_HEADER, callers_request_id, new_request_id
from .._response import GraphQLResult, parse_response
from .._urls import warn_if_plain_http
from .._version import __version__
from ..generated_client import models
from ._flow import RetryPolicy
from ._shared import SharedSession
from ._store import MemoryTokenStore, TokenStore
from ._tokens import Clock, Credentials, StoredTokens, TokenManager, TokenSet

if TYPE_CHECKING:
    from ..generated_client.models import RefreshTokenRefreshToken

# Login and refresh draw from the limiter's login budget.
LOGIN_BUDGET_OPERATIONS = frozenset({"Login", "RefreshToken"})
TokensChangedHook = Callable[[StoredTokens | None], None | Awaitable[None]]
USER_AGENT = f"nextschool-python/{__version__}"
HttpT = TypeVar("HttpT")
LockT = TypeVar("LockT")
HTTPClientT = TypeVar("HTTPClientT", httpx.Client, httpx.AsyncClient)
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


class Connections(Generic[HttpT, LockT]):
    """The connection pool and renewal lock of a client and of every client
    `with_options()` derived from it: one pool, one renewal at a time."""

    def __init__(self, http: HttpT, renewal_lock: LockT) -> None:
        self.http = http
        self.renewal_lock = renewal_lock
        self.process = os.getpid()

    def first_in_child(self) -> bool:
        """In a forked child: True once, for the first of the clients sharing these."""
        if self.process == os.getpid():
            return False
        self.process = os.getpid()
        return True


# Not frozen: a frozen dataclass sets each field through object.__setattr__,
# a microsecond per call on the request path. Nothing assigns to it after _prepare.
@dataclass(slots=True)
class PreparedRequest:
    """One operation call, encoded once and re-sent as is on every attempt."""

    operation: str | None
    # Holds the variables, so a login's password: never in a repr or traceback.
    body: bytes = field(repr=False)
    model: type[pydantic.BaseModel] | None
    authenticated: bool
    is_mutation: bool
    http_options: Mapping[str, Any]
    # On the time.monotonic clock; None: no overall limit.
    deadline_at: float | None
    # Set when the call came through with_raw_response: its response goes here.
    capture: RawCapture | None = None


class ClientCore:
    """What AsyncBaseClient and BaseClient share; generated clients derive from those."""

    url: str
    _request_url: httpx.URL
    _unset: object
    _last_longest_wait: tuple[httpx.Timeout, float] | None
    # Only the client that opened its pool closes it, not those derived from it.
    _closes_pool: bool

    def _after_fork(self) -> None:
        """In a forked child: a connection pool and locks of its own; tokens stay."""
        raise NotImplementedError

    def _track_for_fork(self) -> None:
        """Renew this client's connections in forked children from now on.

        Called once construction has finished: a client whose constructor
        raised has no connections to renew, though a kept traceback may keep
        it alive.
        """
        _live_clients.add(self)

    def _renew_after_fork(self, connections: Connections[Any, Any]) -> None:
        """`_after_fork` for a client whose pool and lock are `connections`."""
        if not connections.first_in_child():
            return  # renewed already, through another client sharing them
        # The parent's pool stays the parent's: dropped here, not closed.
        self._fresh_connections(new_pool=self._owns_http_client)
        if not self._owns_http_client:
            logger.warning(
                "%s was forked with an http_client passed in: its connections are "
                "shared with the parent process; create the http_client after the fork",
                type(self).__name__,
            )

    def _fresh_connections(self, *, new_pool: bool) -> None:
        """A new renewal lock, and a new pool of the SDK's own if `new_pool`."""
        raise NotImplementedError

    def _setup(
        self,
        *,
        url: str | None,
        username: str | None,
        password: str | None,
        access_token: str | None,
        refresh_token: str | None,
        max_retries: int,
        deadline: float | None,
        token_store: TokenStore | None,
        on_tokens_changed: TokensChangedHook | None,
        clock: Clock,
        wall_clock: Clock,
        rate_limiter: RateLimiter | None = None,
        read_store: bool = True,
    ) -> None:
        """Configure the client; `read_store=False` leaves the token store unread
        until `_read_store_now()` (the async client reads it in a worker thread)."""
        # Secrets are held masked from here on, frame locals included.
        password, access_token, refresh_token = (
            conceal(password),
            conceal(access_token),
            conceal(refresh_token),
        )
        self.url = _resolve_url(url)
        # A password in the URL's userinfo is shown masked, and saved tokens
        # name the API by its URL without userinfo.
        self._shown_url = mask_userinfo(self.url)
        self._api_url = strip_userinfo(self.url)
        # Parsed once: httpx parses a str URL again for every request it builds.
        self._request_url = httpx.URL(self.url)
        warn_if_plain_http(self.url, self._shown_url)
        username, password = _resolve_credentials(username, password)
        password = conceal(password)
        self._deadline = check_deadline(deadline)
        credentials = Credentials(username, password) if username and password else None
        # Masked in log records for the client's whole life, however many renewals.
        self._secrets = PinnedSecrets()
        self._secrets.pin("password", password)
        self._secrets.pin("url_password", url_password(self.url))
        self._token_store: TokenStore = token_store or MemoryTokenStore()
        self._shared = SharedSession(self._token_store, self._api_url)
        if rate_limiter is not None and not callable(getattr(rate_limiter, "acquire", None)):
            raise ConfigurationError("rate_limiter must have an acquire() method")
        self._rate_limiter = rate_limiter
        self._on_tokens_changed = on_tokens_changed
        self._retry = RetryPolicy(max_retries=check_max_retries(max_retries))
        # Per-call options every call of this client starts from (with_options).
        self._call_defaults: dict[str, Any] = {}
        self._tokens = TokenManager(credentials=credentials, clock=clock, wall_clock=wall_clock)
        if access_token is not None or refresh_token is not None:
            self._shared.unread = False
            self._restore(StoredTokens(access_token or "", refresh_token, None))
        elif read_store:
            self._read_store_now()

    def _read_store_now(self) -> None:
        """Restore the session from the token store, if it has not been read yet."""
        if self._shared.unread:
            self._restore_saved(self._shared.load())

    def _restore_saved(self, saved: StoredTokens | None) -> None:
        """Restore what the store held when first read (once for derived clients too)."""
        if not self._shared.unread:
            return  # read meanwhile, by another caller
        self._shared.unread = False
        if saved is not None and saved.url not in (None, self._api_url):
            logger.warning(
                "Ignoring saved tokens: they were issued by another API URL than %s",
                self._shown_url,
            )
            saved = None
        if saved is not None:
            self._restore(saved)

    def _restore(self, initial: StoredTokens) -> None:
        self._register_token_secrets(initial)
        if initial.access_token:
            self._tokens.restore(initial)
        else:
            self._tokens.restore_refresh_only(initial.refresh_token)

    def __repr__(self) -> str:
        tokens: TokenManager | None = getattr(self, "_tokens", None)
        if tokens is None:  # construction failed; a traceback printer still asks
            return f"{type(self).__name__}(not configured)"
        credentials = tokens.credentials
        user = f", username={credentials.username!r}" if credentials else ""
        state = "authenticated" if tokens.current else "not authenticated"
        if self._shared.unread:  # a repr does no I/O
            state = "token store not read yet"
        return f"{type(self).__name__}(url={self._shown_url!r}{user}, {state})"

    # -- public state ------------------------------------------------------

    @property
    def tokens(self) -> StoredTokens | None:
        """The current tokens, e.g. to persist them yourself."""
        # Read here when asked before the first call (the async client reads lazily).
        self._read_store_now()
        stored = self._tokens.stored()
        return None if stored is None else replace(stored, url=self._api_url)

    @property
    def is_authenticated(self) -> bool:
        """Whether the client holds an access token (it may have expired)."""
        self._read_store_now()
        return self._tokens.current is not None

    # -- derived clients ---------------------------------------------------

    def with_options(self, **options: Unpack[ClientOptions]) -> Self:
        """A client of the same class with other defaults, sharing this one's session.

        `client.with_options(timeout=5.0, max_retries=0, headers={...})` takes the
        per-call options (`timeout`, `deadline`, `headers`, `extensions`) as
        defaults for all its calls, renewals included, and `max_retries`;
        `headers` and `extensions` are merged with this client's, the others
        replace them. A call's own options still win. An unknown option is a
        `ConfigurationError` (and a type error for mypy and pyright).

        The derived client shares this client's connection pool, tokens (one
        login for both, one renewal at a time), token store, hook and rate
        limiter. The pool stays owned by the client that opened it: closing a
        derived client closes nothing, and closing the original closes the
        pool for every client derived from it.
        """
        unknown = options.keys() - CLIENT_OPTIONS
        if unknown:
            accepted = ", ".join(sorted(CLIENT_OPTIONS))
            raise ConfigurationError(
                f"Unknown option(s) for with_options(): {', '.join(sorted(unknown))} "
                f"(accepted: {accepted})"
            )
        settings: dict[str, Any] = dict(options)
        derived = copy.copy(self)
        if "max_retries" in settings:
            derived._retry = RetryPolicy(max_retries=check_max_retries(settings.pop("max_retries")))
        if "deadline" in settings:
            derived._deadline = check_deadline(settings.pop("deadline"))
        check_call_defaults(settings)
        derived._call_defaults = merge_options(self._call_defaults, settings)
        derived._last_longest_wait = None
        derived._closes_pool = False  # the pool stays the original's
        derived._track_for_fork()
        return derived

    # -- requests ----------------------------------------------------------

    def _prepare(
        self,
        query: str,
        operation_name: str | None,
        variables: dict[str, Any] | None,
        http_options: dict[str, Any],
    ) -> PreparedRequest:
        if not http_options.keys() <= PER_CALL_OPTIONS:
            raise unknown_options(http_options)
        if self._call_defaults:
            http_options = merge_options(self._call_defaults, http_options)
        payload: dict[str, Any] = {"query": query}
        if operation_name is not None:
            payload["operationName"] = operation_name
        if variables:
            payload["variables"] = {
                name: value for name, value in variables.items() if value is not self._unset
            }
        deadline = (
            check_deadline(http_options.pop("deadline"))
            if "deadline" in http_options
            else self._deadline
        )
        capture = RAW_CAPTURE.get()
        if capture is not None:
            if capture.owner is self and not capture.claimed:
                capture.claimed = True
            else:
                capture = None
        return PreparedRequest(
            operation=operation_name,
            body=pydantic_core.to_json(payload, by_alias=True),
            model=result_model(query),
            authenticated=operation_name not in AUTH_OPERATIONS,
            is_mutation=is_mutation(query, operation_name),
            http_options=http_options,
            deadline_at=None if deadline is None else time.monotonic() + deadline,
            capture=capture,
        )

    def _fresh_token(self, request: PreparedRequest) -> tuple[bool, TokenSet | None]:
        """Whether `request` can go out now without the call flow, and with which token.

        True for an operation without a bearer token, or when the current
        token needs no renewal: exactly when the flow's first step would send
        at once.
        """
        if not request.authenticated:
            return True, None
        current = self._tokens.current
        if current is None or self._tokens.renewal_needed(None):
            return False, None
        return True, current

    def _headers(
        self, request: PreparedRequest, token: TokenSet | None
    ) -> tuple[dict[str, str], str]:
        """The headers of one attempt, and the request id it is sent with."""
        # The SDK's own client carries the constant headers from its creation;
        # a caller's client keeps its own, so they go with every request.
        headers = {} if self._owns_http_client else dict(JSON_HEADERS)
        extra = request.http_options.get("headers")
        request_id = None
        if extra:
            headers.update(extra)
            # A caller's own id is kept: it may already name the job upstream.
            request_id = callers_request_id(extra)
        if request_id is None:
            request_id = headers[REQUEST_ID_HEADER] = new_request_id()
        if token is not None:
            headers["Authorization"] = conceal(f"Bearer {token.access_token}")
        return headers, request_id

    def _http_options(
        self, request: PreparedRequest, default_timeout: httpx.Timeout
    ) -> dict[str, Any]:
        options = {key: value for key, value in request.http_options.items() if key != "headers"}
        if self._caller_client_timeout is not None:
            options.setdefault("timeout", self._caller_client_timeout)
        if request.deadline_at is not None:
            remaining = self._remaining(request.operation, request.deadline_at)
            timeout = options.get("timeout", default_timeout)
            if not isinstance(timeout, httpx.Timeout):
                timeout = httpx.Timeout(timeout)
            if self._longest_wait(timeout) > remaining:
                # No single network operation may outlast the call itself.
                options["timeout"] = _capped(timeout, remaining)
        return options

    def _longest_wait(self, timeout: httpx.Timeout) -> float:
        # Cached for the timeout most calls share: this runs on every request.
        cached = self._last_longest_wait
        if cached is not None and cached[0] is timeout:
            return cached[1]
        longest = _longest_wait(timeout)
        self._last_longest_wait = (timeout, longest)
        return longest

    def _remaining(self, operation: str | None, deadline_at: float) -> float:
        """Seconds left before `deadline_at`, or APITimeoutError when none are."""
        remaining = deadline_at - time.monotonic()
        if remaining <= 0:
            raise deadline_exceeded(operation)
        return remaining

    def _renewal_options(
        self, request: PreparedRequest | None, deadline_at: float | None
    ) -> dict[str, Any]:
        """Options of a login or refresh made on behalf of `request`: its limits apply."""
        options: dict[str, Any] = {"deadline": None}
        if deadline_at is not None:
            operation = request.operation if request is not None else None
            options["deadline"] = self._remaining(operation, deadline_at)
        if request is not None and "timeout" in request.http_options:
            options["timeout"] = request.http_options["timeout"]
        return options

    def _new_deadline(self) -> float | None:
        return None if self._deadline is None else time.monotonic() + self._deadline

    def _adopt_http_client(
        self, http_client: object | None, timeout: float | httpx.Timeout | None
    ) -> None:
        self._owns_http_client = http_client is None
        self._last_longest_wait = None
        self._http_settings = http_client_options(timeout)
        # A client the SDK makes gets the timeout at construction; a caller's
        # client keeps its own settings, so an explicit timeout goes per request.
        self._caller_client_timeout = (
            build_timeout(timeout) if http_client is not None and timeout is not None else None
        )

    def _decode(
        self, request: PreparedRequest, response: httpx.Response, content: bytes, started: float
    ) -> GraphQLResult:
        logger.debug(
            "%s -> HTTP %d in %.1f ms",
            request.operation or "operation",
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        if request.authenticated:
            return parse_response(
                operation=request.operation,
                status_code=response.status_code,
                headers=response.headers,
                content=content,
                model=request.model,
            )
        # The answer to an auth operation holds tokens: its body stays masked,
        # and a failure to decode it is raised without the parser's frames,
        # whose locals hold the decoded JSON.
        if not isinstance(content, SecretBytes):
            content = SecretBytes(content)
        try:
            return parse_response(
                operation=request.operation,
                status_code=response.status_code,
                headers=response.headers,
                content=content,
                model=request.model,
            )
        except APIError as error:
            failure = error
        raise failure.with_traceback(None)

    def _closed_error(self) -> ConfigurationError:
        return ConfigurationError(
            f"{type(self).__name__} is closed: its connection pool was closed (by close(), "
            "by the client with_options() made it from, or by the owner of the http_client "
            "passed in); create a new client to send requests"
        )

    def _transport_error(
        self, request: PreparedRequest, exc: Exception, request_id: str
    ) -> APIConnectionError:
        logger.debug("%s -> %s", request.operation or "operation", type(exc).__name__)
        error: APIConnectionError
        if isinstance(exc, httpx.TimeoutException):
            error = APITimeoutError(
                f"{request.operation or 'Request'} timed out ({type(exc).__name__})",
                operation=request.operation,
            )
        else:
            error = APIConnectionError(
                f"{request.operation or 'Request'} failed: {type(exc).__name__}: "
                f"could not get a response from {self._shown_url}",
                operation=request.operation,
            )
        error.request_id = request_id
        return error

    def _answered(
        self,
        request: PreparedRequest,
        response: httpx.Response,
        content: bytes,
        request_id: str,
        started: float,
    ) -> GraphQLResult:
        """Decode an answer; an error gets the response and the request id."""
        try:
            result = self._decode(request, response, content, started)
        except APIError as error:
            # The answer to an auth operation may hold tokens: not kept.
            describe_error(error, response, content if request.authenticated else b"", request_id)
            raise
        if request.capture is not None:
            request.capture.record(response, content, request_id)
        return result

    def get_data(self, response: Any) -> dict[str, Any]:
        # The generated methods call this with what execute() returned, then
        # `Model.model_validate(...)` on the result. When the data is already
        # the validated model, pydantic returns that instance as is, so the
        # body is decoded and validated exactly once.
        """The `data` of a response that `execute()` returned (already validated)."""
        if isinstance(response, GraphQLResult):
            data: dict[str, Any] = response.data
            return data
        raise TypeError("execute() of a NextSchool client returns GraphQLResult")

    # -- token bookkeeping -------------------------------------------------

    def _refresh_payload(self, tokens: TokenSet) -> RefreshTokenRefreshToken:
        remaining = 0.0 if tokens.expires_at is None else tokens.expires_at - self._tokens.now()
        return models.RefreshTokenRefreshToken.model_validate(
            {"accessToken": tokens.access_token, "expiresIn": max(0, int(remaining))}
        )

    def _use_credentials(self, username: str | None, password: str | None) -> None:
        password = conceal(password)
        self._tokens.set_credentials(username, password)
        self._secrets.pin("password", password)

    def _register_token_secrets(self, tokens: StoredTokens | None) -> None:
        if tokens is not None:
            self._secrets.pin("access_token", tokens.access_token)
            self._secrets.pin("refresh_token", tokens.refresh_token)

    def _save_tokens(self) -> StoredTokens | None:
        stored = self.tokens
        self._register_token_secrets(stored)
        self._shared.save(stored)
        return stored

    # -- rate limiting -----------------------------------------------------

    @staticmethod
    def _takes_login_slot(request: PreparedRequest) -> bool:
        return request.operation in LOGIN_BUDGET_OPERATIONS

    def _slot_timeout(self, request: PreparedRequest, deadline_at: float | None) -> float | None:
        """How long a call may wait for a rate-limit slot: what is left of its deadline."""
        return None if deadline_at is None else self._remaining(request.operation, deadline_at)

    def _lock_timeout(
        self, request: PreparedRequest | None, deadline_at: float | None
    ) -> float | None:
        """How long a renewal may wait for a shared store's lock (None: the store's own)."""
        if deadline_at is None:
            return None
        return self._remaining(request.operation if request else None, deadline_at)

    def _server_pause(self, response: httpx.Response) -> float | None:
        """How long the server's headers say the whole fleet should wait, if at all."""
        if self._rate_limiter is None:
            return None
        return pause_from_headers(response.headers, time.time())


def unknown_options(options: Mapping[str, Any]) -> ConfigurationError:
    unknown = ", ".join(sorted(options.keys() - PER_CALL_OPTIONS))
    accepted = ", ".join(sorted(PER_CALL_OPTIONS))
    return ConfigurationError(f"Unknown per-call option(s): {unknown} (accepted: {accepted})")


# Every client alive in this process, so a forked child can give each one its
# own connections and locks: sockets shared with the parent would interleave
# the two processes' requests and answers, and a lock held by another thread
# at fork time would never be released in the child.
_live_clients: weakref.WeakSet[ClientCore] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for client in list(_live_clients):
        client._after_fork()  # pyright: ignore[reportPrivateUsage]


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _resolve_credentials(
    username: str | None, password: str | None
) -> tuple[str | None, str | None]:
    """Arguments first, then the environment for whichever is missing.

    Half a pair from the environment alone is ignored rather than an error, so
    a shell that exports only NEXTSCHOOL_USERNAME can still resume saved tokens.
    """
    passed = username is not None or password is not None
    username = username if username is not None else os.environ.get(ENV_USERNAME)
    password = password if password is not None else os.environ.get(ENV_PASSWORD)
    if (username is None) != (password is None):
        if passed:
            raise ConfigurationError("username and password must be given together")
        return None, None
    return username, password


def _resolve_url(url: str | None) -> str:
    resolved = url or os.environ.get(ENV_URL) or PRODUCTION_URL
    parts = urlsplit(resolved)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(f"url must be an http(s) URL, got {resolved!r}")
    return resolved


_TIMEOUT_PARTS = ("connect", "read", "write", "pool")


def _longest_wait(timeout: httpx.Timeout) -> float:
    """The longest any one network operation may take under `timeout` (inf: no limit)."""
    parts = [getattr(timeout, name) for name in _TIMEOUT_PARTS]
    return math.inf if None in parts else max(parts)


def _capped(timeout: httpx.Timeout, limit: float) -> httpx.Timeout:
    parts = {name: getattr(timeout, name) for name in _TIMEOUT_PARTS}
    return httpx.Timeout(
        **{name: limit if part is None else min(part, limit) for name, part in parts.items()}
    )


def deadline_exceeded(operation: str | None) -> APITimeoutError:
    return APITimeoutError(
        f"{operation or 'Request'} did not complete within its deadline", operation=operation
    )


def renewal_timed_out(
    request: PreparedRequest | None, deadline_at: float | None, error: APITimeoutError
) -> APITimeoutError:
    """The timeout of a login or refresh made for `request`, as `request`'s own.

    The caller asked for its operation, not for the renewal: the error names
    that operation and says the time ran out while renewing the session.
    Without a request (`refresh_token()` called directly) it is `error` itself.
    """
    if request is None:
        return error
    operation = request.operation
    name = operation or "Request"
    if deadline_at is not None and time.monotonic() >= deadline_at:
        message = (
            f"{name} did not complete within its deadline: it ended while renewing the session"
        )
    else:
        message = f"{name} timed out while renewing the session ({error})"
    return APITimeoutError(message, operation=operation)


def check_max_retries(max_retries: object) -> int:
    if isinstance(max_retries, bool) or not isinstance(max_retries, int):
        raise ConfigurationError(f"max_retries must be an int, got {max_retries!r}")
    if max_retries < 0:
        raise ConfigurationError("max_retries must be 0 or more")
    return max_retries


def check_call_defaults(options: Mapping[str, object]) -> None:
    """What with_options() keeps for every call must be usable by httpx."""
    headers = options.get("headers", {})
    if not isinstance(headers, Mapping) or not all(
        isinstance(name, str) and isinstance(value, str)
        for name, value in headers.items()  # pyright: ignore[reportUnknownVariableType]
    ):
        raise ConfigurationError("headers must be a mapping of header names to string values")
    if not isinstance(options.get("extensions", {}), dict):
        raise ConfigurationError("extensions must be a dict")
    timeout = options.get("timeout")
    if isinstance(timeout, bool) or not isinstance(
        timeout, (int, float, httpx.Timeout, type(None))
    ):
        raise ConfigurationError(
            f"timeout must be a number of seconds, an httpx.Timeout or None, got {timeout!r}"
        )


def check_deadline(deadline: object) -> float | None:
    if deadline is None:
        return None
    if (
        isinstance(deadline, bool)
        or not isinstance(deadline, (int, float))
        or not math.isfinite(deadline)
        or deadline <= 0
    ):
        raise ConfigurationError(
            f"deadline must be a positive number of seconds or None, got {deadline!r}"
        )
    return float(deadline)


def http_client_options(timeout: float | httpx.Timeout | None) -> dict[str, Any]:
    """Settings of the httpx client the SDK makes when none is passed in."""
    return {
        "timeout": build_timeout(timeout),
        "limits": DEFAULT_CONNECTION_LIMITS,
        "headers": {"User-Agent": USER_AGENT, **JSON_HEADERS},
    }


def new_http_client(cls: type[HTTPClientT], settings: dict[str, Any]) -> HTTPClientT:
    """The httpx client the SDK makes when none is passed in."""
    client = cls(**settings)
    # HTTP/1.1 connections persist unless a side sends `close` (and HTTP/2
    # forbids the header), so httpx's `Connection: keep-alive` changes nothing
    # but the cost of every request: httpx handles headers one list scan at a
    # time, and this one header cost about 27,000 instructions (1.6%) of a
    # 20-row call.
    del client.headers["Connection"]
    return client


def build_timeout(timeout: float | httpx.Timeout | None) -> httpx.Timeout:
    if timeout is None:
        return DEFAULT_TIMEOUT
    if isinstance(timeout, httpx.Timeout):
        return timeout
    return httpx.Timeout(timeout)


__all__ = [
    "ClientCore",
    "Connections",
    "PreparedRequest",
    "TokensChangedHook",
    "deadline_exceeded",
    "http_client_options",
    "renewal_timed_out",
]
