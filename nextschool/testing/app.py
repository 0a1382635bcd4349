"""The ASGI application: GraphQL over HTTP at `POST /`, as the API documents it."""

from __future__ import annotations

import asyncio
import json
import secrets
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any, cast

from graphql import ExecutionResult, OperationType
from graphql import execute as _execute  # pyright: ignore[reportUnknownVariableType]

from nextschool._json import json_object
from nextschool.testing.controls import ServerControls
from nextschool.testing.counters import ServerCounters
from nextschool.testing.documents import DocumentCache, Operation
from nextschool.testing.ratelimit import FixedWindowLimiter
from nextschool.testing.responses import (
    HTML,
    Headers,
    Response,
    fault_response,
    field_errors,
    json_response,
    rate_limited_graphql,
    request_error,
    too_many_requests,
)
from nextschool.testing.schema import AUTH_REQUIRED, RequestContext, load_schema
from nextschool.testing.seed import SeedData, load_seed
from nextschool.testing.settings import AccountBook, ServerSettings
from nextschool.testing.tokens import TokenStatus, TokenStore

# graphql-core leaves one parameter of execute() (middleware) untyped; the
# server never passes it.
Execute = Callable[..., ExecutionResult | Awaitable[ExecutionResult]]
execute: Execute = cast("Execute", _execute)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

MAX_BODY_BYTES = 1 << 20
_RESULT_CACHE_SIZE = 256
# Big pages are rare and cheap to rebuild relative to their size; keeping
# them out bounds the cache to a few megabytes.
_RESULT_CACHE_MAX_BODY = 64 * 1024
_FORBIDDEN = "Your account is not assigned to a school"
_GET_PAGE = (
    b"<!doctype html><title>NextSchool local server</title>"
    b"<p>Send GraphQL requests to this URL with <code>POST</code> and a JSON body.</p>"
)


_REQUEST_IDS_KEPT = 10_000
_MAX_ECHOED_ID = 200


@dataclass
class ServerState:
    """Everything one server instance owns."""

    settings: ServerSettings
    accounts: AccountBook
    seed: SeedData
    tokens: TokenStore
    counters: ServerCounters
    controls: ServerControls
    documents: DocumentCache
    global_limiter: FixedWindowLimiter | None
    login_limiter: FixedWindowLimiter | None
    user_limiter: FixedWindowLimiter | None
    # The X-Request-Id each request came with (None: without one), oldest first.
    received_request_ids: deque[str | None] = field(
        default_factory=lambda: deque[str | None](maxlen=_REQUEST_IDS_KEPT)
    )


def create_state(settings: ServerSettings) -> ServerState:
    """A fresh server state (seed data, tokens, counters, controls) for `settings`."""
    tokens = TokenStore(settings.jwt_secret, settings.access_token_ttl, settings.refresh_token_ttl)
    limiters: tuple[FixedWindowLimiter | None, ...] = (None, None, None)
    if settings.rate_limits:
        window = settings.rate_limit_window
        limiters = (
            FixedWindowLimiter(settings.global_limit_per_minute, window),
            FixedWindowLimiter(settings.login_limit_per_minute, window),
            FixedWindowLimiter(settings.user_limit_per_minute, window),
        )
    active = tuple(limiter for limiter in limiters if limiter is not None)
    return ServerState(
        settings=settings,
        accounts=settings.accounts(),
        seed=load_seed(settings.seed),
        tokens=tokens,
        counters=ServerCounters(),
        controls=ServerControls(tokens, active),
        documents=DocumentCache(load_schema()),
        global_limiter=limiters[0],
        login_limiter=limiters[1],
        user_limiter=limiters[2],
    )


class NextSchoolApp:
    """ASGI 3 application. Use `create_app` to get one with its state."""

    def __init__(self, state: ServerState) -> None:
        self.state = state
        self._schema = load_schema()
        self._results: dict[tuple[str, str | None, str, int | None], bytes] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        counters = self.state.counters
        client = scope.get("client")
        counters.request_started(None if client is None else (str(client[0]), int(client[1])))
        try:
            request_id = self._request_id(scope)
            delay = self.state.controls.delay
            if delay > 0:
                await asyncio.sleep(delay)
            response = await self._respond(scope, receive)
            await _send(send, response, request_id)
        finally:
            counters.request_finished()

    def _request_id(self, scope: Scope) -> bytes | None:
        """Record the client's X-Request-Id; the one to answer with, if any."""
        received: bytes | None = next(
            (value for name, value in scope["headers"] if name == b"x-request-id"), None
        )
        shown = None if received is None else received.decode("latin-1")
        self.state.received_request_ids.append(shown)
        mode = self.state.settings.request_ids
        if mode == "none":
            return None
        if mode == "echo" and received is not None and _echoable(received):
            return received
        return f"req_{secrets.token_hex(12)}".encode()

    async def _respond(self, scope: Scope, receive: Receive) -> Response:
        if scope["path"] not in ("/", ""):
            return request_error("Not found. The GraphQL endpoint is POST /.", 404)
        if scope["method"] != "POST":
            headers: Headers = ((b"allow", b"POST"),)
            return Response(405, _GET_PAGE, HTML, headers)
        body = await _read_body(receive)
        if body is None:
            return request_error("Request body too large", 413)
        params = _parse_params(body)
        if isinstance(params, Response):
            return params
        query, operation_name, variables = params

        state = self.state
        prepared = state.documents.get(query)
        operation = prepared.operation(operation_name)
        operation_key = operation.name if operation else operation_name
        state.counters.operation(operation_key)

        hold = state.controls.take_hold(operation_key)
        if hold is not None:
            await asyncio.to_thread(hold.wait_for_release)
        fault = state.controls.take_fault(operation_key)
        if fault is not None:
            return fault_response(fault, operation, state.settings.global_limit_per_minute)

        client = scope.get("client")
        client_ip = str(client[0]) if client else "unknown"
        limit_headers: Headers = ()
        if state.global_limiter is not None:
            limit = state.global_limiter.hit(client_ip)
            if not limit.allowed:
                state.counters.add("rate_limited_global")
                return too_many_requests(limit.retry_after, limit.limit, 0, limit.reset_at)
            limit_headers = tuple(limit.headers())

        if prepared.errors:
            errors = [error.formatted for error in prepared.errors]
            return json_response({"errors": errors}, 200, limit_headers)
        assert prepared.document is not None

        context = RequestContext(
            client_ip=client_ip,
            accounts=state.accounts,
            seed=state.seed,
            tokens=state.tokens,
            counters=state.counters,
            login_limiter=state.login_limiter,
        )
        if operation is not None and operation.needs_auth:
            refusal = self._authorize(scope, context, operation, limit_headers)
            if refusal is not None:
                return refusal

        cache_key = None
        if operation is not None and operation.kind is OperationType.QUERY:
            # Seed data never changes and query resolvers have no side effects,
            # so a query's answer depends only on these; caching it keeps the
            # server cheap under benchmarks that repeat one request.
            school_id = context.world.school.id if context.world else None
            cache_key = (query, operation_name, _canonical(variables), school_id)
            cached = self._results.get(cache_key)
            if cached is not None:
                return Response(200, cached, headers=limit_headers)
        result = execute(
            self._schema,
            prepared.document,
            context_value=context,
            variable_values=variables,
            operation_name=operation_name,
            is_awaitable=_never_awaitable,
        )
        if not isinstance(result, ExecutionResult):  # pragma: no cover - resolvers are sync
            raise TypeError("the local server's resolvers must be synchronous")
        response = json_response(result.formatted, 200, limit_headers)
        if cache_key is not None and len(response.body) <= _RESULT_CACHE_MAX_BODY:
            self._remember(cache_key, response.body)
        return response

    def _remember(self, key: tuple[str, str | None, str, int | None], body: bytes) -> None:
        if len(self._results) >= _RESULT_CACHE_SIZE:
            self._results.pop(next(iter(self._results)), None)
        self._results[key] = body

    def _authorize(
        self,
        scope: Scope,
        context: RequestContext,
        operation: Operation,
        limit_headers: Headers,
    ) -> Response | None:
        """Authenticate a data query; a Response when it must not run."""
        state = self.state
        token = _bearer_token(scope)
        account = None
        if token:
            check = state.tokens.check_access(token, reject_all=state.controls.reject_all_tokens)
            if check.status is TokenStatus.EXPIRED:
                state.counters.add("expired_token_requests")
            if check.status is TokenStatus.VALID and check.user_id is not None:
                account = state.accounts.by_id.get(check.user_id)
        if account is None:
            state.counters.add("unauthenticated_responses")
            errors = field_errors(AUTH_REQUIRED, operation.data_fields, {"code": "UNAUTHENTICATED"})
            status = state.controls.auth_failure_status
            headers = limit_headers
            if status == 401:
                headers = (*headers, (b"www-authenticate", b'Bearer realm="nextschool"'))
            return json_response({"data": None, "errors": errors}, status, headers)
        context.account = account
        if state.user_limiter is not None:
            limit = state.user_limiter.hit(str(account.id))
            if not limit.allowed:
                state.counters.add("rate_limited_user")
                return rate_limited_graphql(operation, limit.retry_after, limit_headers)
        if account.school_id is None:
            errors = field_errors(_FORBIDDEN, operation.data_fields, {"code": "FORBIDDEN"})
            return json_response({"data": None, "errors": errors}, 200, limit_headers)
        context.world = state.seed.schools[account.school_id]
        return None


def create_app(settings: ServerSettings | None = None) -> tuple[NextSchoolApp, ServerState]:
    """A fresh ASGI app and its state, for any ASGI server."""
    state = create_state(settings or ServerSettings())
    return NextSchoolApp(state), state


def _never_awaitable(_value: object) -> bool:
    # Every resolver is synchronous; skipping graphql-core's per-field
    # awaitable probe saves a noticeable share of execution time.
    return False


def _canonical(variables: dict[str, Any] | None) -> str:
    return json.dumps(variables, sort_keys=True, separators=(",", ":")) if variables else ""


def _bearer_token(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer":
                return token.strip() or None
            return None
    return None


def _parse_params(body: bytes) -> tuple[str, str | None, dict[str, Any] | None] | Response:
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return request_error('Body must be a JSON object: {"query": ..., "variables": ...}')
    payload = json_object(payload)
    if payload is None:
        return request_error("Body must be a JSON object; batched requests are not supported")
    query = payload.get("query")
    if not isinstance(query, str) or not query.strip():
        return request_error("Must provide a query string")
    operation_name = payload.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        return request_error("operationName must be a string")
    variables = payload.get("variables")
    if variables is not None and json_object(variables) is None:
        return request_error("variables must be a JSON object")
    return query, operation_name or None, json_object(variables)


async def _read_body(receive: Receive) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _echoable(request_id: bytes) -> bool:
    return 0 < len(request_id) <= _MAX_ECHOED_ID and all(33 <= b < 127 for b in request_id)


async def _send(send: Send, response: Response, request_id: bytes | None) -> None:
    headers = [
        (b"content-type", response.content_type),
        (b"content-length", str(len(response.body)).encode()),
        *response.headers,
    ]
    if request_id is not None:
        headers.append((b"x-request-id", request_id))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    if response.drop:
        # Promise the whole body, deliver a third of it, and return without
        # finishing: the server then closes the connection mid-body.
        third = len(response.body) // 3
        await send({"type": "http.response.body", "body": response.body[:third], "more_body": True})
        return
    await send({"type": "http.response.body", "body": response.body})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
