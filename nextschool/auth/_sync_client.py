"""BaseClient, the sync auth layer: the base of NextSchool and of generated clients."""

from __future__ import annotations

import contextlib
import inspect
import threading
import time
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import httpx
from typing_extensions import Self

from .._constants import DEFAULT_DEADLINE, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_MAX_RETRIES
from .._exceptions import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    NextSchoolError,
    RateLimitError,
)
from .._logging import logger
from .._masking import conceal
from .._ratelimit import RateLimiter
from .._raw import RAW_CAPTURE, RawCapture, RawResponse
from .._response import GraphQLResult
from ..generated_client import models
from ..generated_client.models.operations import LOGIN_GQL, LOGOUT_GQL, REFRESH_TOKEN_GQL
from ._core import (
    ClientCore,
    Connections,
    PreparedRequest,
    TokensChangedHook,
    deadline_exceeded,
    new_http_client,
    renewal_timed_out,
)
from ._flow import FailedAttempt, ObtainToken, SendRequest, Sleep, call_flow, log_wait
from ._http import check_max_response_bytes, send
from ._store import TokenStore
from ._tokens import Clock, LogIn, RefreshAccessToken, TokenSet

if TYPE_CHECKING:
    from ..generated_client.models import LoginLogin, RefreshTokenRefreshToken

T = TypeVar("T")
P = ParamSpec("P")


class BaseClient(ClientCore):
    """The NextSchool auth layer as a base for sync clients, generated or not.

    Login, refresh before expiry, one renewal and retry on UNAUTHENTICATED,
    bounded retries of rate-limited and failed queries, token stores, hooks and
    redaction, for every operation sent through `execute()`. `NextSchool` and
    every client `nextschool generate` writes derive from it, so they are
    constructed alike. A subclass adds typed methods that call `execute()`
    and `get_data()`, as ariadne-codegen's generated methods do.
    """

    # The UNSET of the generated package, whose left-out arguments are not sent;
    # generated subclasses set their own. A hand-written subclass has none.
    _unset: object = object()
    _connections: Connections[httpx.Client, threading.Lock]

    def __init__(
        self,
        url: str | None = None,
        *,
        username: str | None = None,
        password: str | None = None,
        access_token: str | None = None,
        refresh_token: str | None = None,
        http_client: httpx.Client | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        deadline: float | None = DEFAULT_DEADLINE,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        token_store: TokenStore | None = None,
        on_tokens_changed: TokensChangedHook | None = None,
        rate_limiter: RateLimiter | None = None,
        clock: Clock = time.monotonic,
        wall_clock: Clock = time.time,
    ) -> None:
        # Masked in this frame's locals too, should construction fail.
        password, access_token = conceal(password), conceal(access_token)
        refresh_token = conceal(refresh_token)
        self._setup(
            url=url,
            username=username,
            password=password,
            access_token=access_token,
            refresh_token=refresh_token,
            max_retries=max_retries,
            deadline=deadline,
            token_store=token_store,
            on_tokens_changed=on_tokens_changed,
            clock=clock,
            wall_clock=wall_clock,
            rate_limiter=rate_limiter,
        )
        self._adopt_http_client(http_client, timeout)
        self._max_response_bytes = check_max_response_bytes(max_response_bytes)
        self._connections = Connections(
            http_client or new_http_client(httpx.Client, self._http_settings), threading.Lock()
        )
        self._closes_pool = self._owns_http_client
        self._track_for_fork()

    @property
    def _http(self) -> httpx.Client:
        return self._connections.http

    # -- lifecycle ---------------------------------------------------------

    def _after_fork(self) -> None:
        self._renew_after_fork(self._connections)

    def _fresh_connections(self, *, new_pool: bool) -> None:
        self._connections.renewal_lock = threading.Lock()
        if new_pool:
            self._connections.http = new_http_client(httpx.Client, self._http_settings)

    def close(self) -> None:
        """Close the HTTP connections, unless the http_client was passed in.

        A client made by `with_options()` closes nothing: the pool belongs to
        the client it was derived from.
        """
        if self._closes_pool:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: object, exc_val: object, exc_tb: object) -> None:
        self.close()

    # -- sessions ----------------------------------------------------------

    def login(
        self, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> LoginLogin:
        """Log in now, with these credentials or the configured ones."""
        password = conceal(password)
        if username is not None or password is not None:
            self._use_credentials(username, password)
        credentials = self._tokens.require_credentials()
        with self._connections.renewal_lock, self._shared.lock():
            started = self._tokens.now()
            payload = self._login_request(credentials.username, credentials.password, **kwargs)
            self._tokens.adopt_login(payload, started)
            self._tokens_changed("login")
        return payload

    def refresh_token(
        self, refresh_token: str | None = None, **kwargs: Any
    ) -> RefreshTokenRefreshToken:
        """Refresh the session's access token now (or exchange the given refresh token)."""
        refresh_token = conceal(refresh_token)
        if refresh_token is not None:
            return self._refresh_request(refresh_token, **kwargs)
        return self._refresh_payload(
            self._obtain_token(None, None, self._new_deadline(), force=True)
        )

    def logout(self, refresh_token: str | None = None, **kwargs: Any) -> bool | None:
        """Revoke the session's refresh token (or the given one) and forget the tokens."""
        refresh_token = conceal(refresh_token)
        if refresh_token is not None:
            return self._logout_request(refresh_token, **kwargs)
        current = self._tokens.current
        revoked: bool | None = None
        if current is not None and current.refresh_token:
            revoked = self._logout_request(conceal(current.refresh_token), **kwargs)
        with self._connections.renewal_lock:
            self._tokens.clear()
            self._tokens_changed("logout")
        return revoked

    # -- the request path --------------------------------------------------

    def execute(
        self,
        query: str,
        operation_name: str | None = None,
        variables: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> GraphQLResult:
        """Send any GraphQL document through the auth and retry layer.

        The result's `.data` is the operation's model for the generated
        operations and the `data` dict for any other document.
        """
        request = self._prepare(query, operation_name, variables, kwargs)
        first_attempt = None
        fresh, token = self._fresh_token(request)
        # A rate limiter needs its slot before each send: only the flow takes it.
        if fresh and self._rate_limiter is None:
            # The common case, sent without the call flow's machinery; a
            # failure hands over to the flow, which carries on from it.
            try:
                return self._send(request, token)
            except NextSchoolError as error:
                first_attempt = FailedAttempt(token, error)
        flow = call_flow(
            authenticated=request.authenticated,
            is_mutation=request.is_mutation,
            retry=self._retry,
            deadline_at=request.deadline_at,
            first_attempt=first_attempt,
        )
        result: GraphQLResult = self._drive(flow, request, request.deadline_at)
        return result

    def with_raw_response(
        self, method: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs
    ) -> RawResponse[T]:
        """Call `method(*args, **kwargs)` and return its result with the HTTP response.

            raw = client.with_raw_response(client.students, limit=5)
            raw.status_code, raw.headers, raw.elapsed, raw.request_id
            students = raw.parse()

        `method` is a method of this client that makes one API call (any
        generated operation, `execute`, ...). Errors are raised as usual; they
        carry `response` and `request_id` themselves.
        """
        capture = RawCapture(self)
        token = RAW_CAPTURE.set(capture)
        try:
            parsed = method(*args, **kwargs)
        finally:
            RAW_CAPTURE.reset(token)
        return capture.raw_response(parsed, method)

    def _drive(
        self,
        flow: Generator[Any, Any, Any],
        request: PreparedRequest | None,
        deadline_at: float | None,
    ) -> Any:
        """Run a flow from _flow or _tokens, performing each step it yields."""
        value: Any = None
        error: NextSchoolError | None = None
        # Closed on the way out whatever happens (a cancellation included), so
        # its bookkeeping runs now, not whenever it is garbage-collected.
        with contextlib.closing(flow):
            while True:
                try:
                    step = flow.throw(error) if error is not None else flow.send(value)
                except StopIteration as stop:
                    return stop.value
                value, error = None, None
                try:
                    value = self._perform(step, request, deadline_at)
                except NextSchoolError as exc:
                    error = exc

    def _perform(
        self, step: object, request: PreparedRequest | None, deadline_at: float | None
    ) -> Any:
        if isinstance(step, SendRequest):
            assert request is not None
            token = step.token
            if self._rate_limiter is not None:
                # Right before sending, so the server counts the request when
                # the limiter does.
                self._acquire_slot(request, deadline_at)
                if token is not None and self._tokens.renewal_needed(None):
                    # The wait outlasted the token: renew (or adopt) first.
                    token = self._obtain_token(None, request, deadline_at)
            return self._send(request, token)
        if isinstance(step, ObtainToken):
            return self._obtain_token(step.rejected, request, deadline_at)
        if isinstance(step, Sleep):
            log_wait(step, request.operation if request else None)
            time.sleep(step.seconds)
            return None
        if isinstance(step, (RefreshAccessToken, LogIn)):
            try:
                return self._renew(step, request, deadline_at)
            except APITimeoutError as error:
                failure = renewal_timed_out(request, deadline_at, error)
            raise failure  # outside the handler: the caller's own timeout
        raise AssertionError(f"unknown step {step!r}")

    def _renew(
        self,
        step: RefreshAccessToken | LogIn,
        request: PreparedRequest | None,
        deadline_at: float | None,
    ) -> RefreshTokenRefreshToken | LoginLogin:
        """A login or refresh on behalf of `request`, within its limits."""
        if isinstance(step, RefreshAccessToken):
            logger.info("Refreshing the access token")
            return self._refresh_request(
                conceal(step.refresh_token), **self._renewal_options(request, deadline_at)
            )
        logger.info("Logging in")
        return self._login_request(
            step.credentials.username,
            step.credentials.password,
            **self._renewal_options(request, deadline_at),
        )

    def _send(self, request: PreparedRequest, token: TokenSet | None) -> GraphQLResult:
        options = self._http_options(request, self._http.timeout)
        headers, request_id = self._headers(request, token)
        started = time.perf_counter()
        try:
            response, content = send(
                self._http,
                self._request_url,
                request.body,
                headers,
                options,
                operation=request.operation,
                max_bytes=self._max_response_bytes,
                deadline_at=request.deadline_at,
                secret_body=not request.authenticated,
            )
        except httpx.HTTPError as exc:
            failure: NextSchoolError = self._transport_error(request, exc, request_id)
        except RuntimeError:
            # httpx's only error for a closed client, named for the caller below.
            if not self._http.is_closed:
                raise
            failure = self._closed_error()
        except (APIError, APIConnectionError) as error:
            # Refused before decoding (a redirect, too large, the deadline).
            if error.request_id is None:
                error.request_id = request_id
            raise
        else:
            if self._rate_limiter is None:
                return self._answered(request, response, content, request_id, started)
            try:
                result = self._answered(request, response, content, request_id, started)
            except RateLimitError as error:
                self._pause_fleet(error.retry_after)
                raise
            self._pause_fleet(self._server_pause(response))
            return result
        # Raised outside the handler: the httpx error (its request carries the
        # body, a login's password included) must not become __context__.
        raise failure

    def _acquire_slot(self, request: PreparedRequest, deadline_at: float | None) -> None:
        assert self._rate_limiter is not None
        self._rate_limiter.acquire(
            login=self._takes_login_slot(request),
            timeout=self._slot_timeout(request, deadline_at),
        )

    def _pause_fleet(self, seconds: float | None) -> None:
        pause = getattr(self._rate_limiter, "pause", None)
        if seconds is not None and pause is not None:
            pause(seconds)

    def _obtain_token(
        self,
        rejected: TokenSet | None,
        request: PreparedRequest | None,
        deadline_at: float | None,
        *,
        force: bool = False,
    ) -> TokenSet:
        """A usable token for `request`, renewing first if needed (single flight)."""
        if not force and not self._tokens.renewal_needed(rejected):
            return self._tokens.usable()
        ticket = self._tokens.renewal_ticket()
        operation = request.operation if request else None
        wait = -1.0 if deadline_at is None else self._remaining(operation, deadline_at)
        if not self._connections.renewal_lock.acquire(timeout=wait):
            raise deadline_exceeded(operation)
        try:
            before = self._tokens.current
            failure = self._tokens.failure_since(ticket)
            if failure is not None and not force:
                raise failure
            # Whoever held the lock before us may have renewed already.
            if force or self._tokens.renewal_needed(rejected):
                # And another process, when the store is shared.
                with self._shared.lock(self._lock_timeout(request, deadline_at)):
                    adopted = False
                    try:
                        adopted = not force and self._shared.adopt_newer(self._tokens, rejected)
                        if not adopted:
                            renewal = self._tokens.renew(proactive=rejected is None and not force)
                            self._drive(renewal, request, deadline_at)
                    finally:
                        # Under the locks, so the store and the hook see renewals in order.
                        if self._tokens.current is not before:
                            self._tokens_changed("renewal", saved=adopted)
        finally:
            self._connections.renewal_lock.release()
        return self._tokens.usable()

    def _tokens_changed(self, reason: str, *, saved: bool = False) -> None:
        stored = self.tokens if saved else self._save_tokens()
        logger.debug("Tokens changed (%s)", reason)
        if self._on_tokens_changed is None:
            return
        try:
            outcome = self._on_tokens_changed(stored)
        except Exception:
            logger.exception("on_tokens_changed hook failed")
            return
        if inspect.isawaitable(outcome):
            if inspect.iscoroutine(outcome):
                outcome.close()
            logger.error("on_tokens_changed of the sync client must not be async; it was not run")

    # -- the auth operations -----------------------------------------------

    def _login_request(self, username: str, password: str, **kwargs: Any) -> LoginLogin:
        variables: dict[str, object] = {"username": username, "password": password}
        result = self.execute(LOGIN_GQL, "Login", variables, **kwargs)
        return models.Login.model_validate(self.get_data(result)).login

    def _refresh_request(self, refresh_token: str, **kwargs: Any) -> RefreshTokenRefreshToken:
        variables: dict[str, object] = {"refreshToken": refresh_token}
        result = self.execute(REFRESH_TOKEN_GQL, "RefreshToken", variables, **kwargs)
        return models.RefreshToken.model_validate(self.get_data(result)).refresh_token

    def _logout_request(self, refresh_token: str, **kwargs: Any) -> bool | None:
        variables: dict[str, object] = {"refreshToken": refresh_token}
        result = self.execute(LOGOUT_GQL, "Logout", variables, **kwargs)
        return models.Logout.model_validate(self.get_data(result)).logout
