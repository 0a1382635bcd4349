"""One call of an operation, as a generator shared by the async and sync clients.

The flow decides; the client performs. It yields `ObtainToken`, `SendRequest`
and `Sleep` steps, receives their results (or has their `NextSchoolError`
thrown in), and returns the decoded result. Everything about when to renew,
when to retry and when to give up lives here once.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

from .._constants import (
    DEFAULT_MAX_RETRIES,
    INITIAL_RETRY_DELAY,
    MAX_RETRY_AFTER,
    MAX_RETRY_DELAY,
)
from .._exceptions import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    HTTPStatusError,
    NextSchoolError,
    RateLimitError,
)
from .._logging import logger
from .._response import GraphQLResult
from ._tokens import TokenSet


@dataclass(frozen=True)
class ObtainToken:
    """Get a usable token, renewing first if needed (single flight).

    `rejected` is the token the server just refused, if any.
    """

    rejected: TokenSet | None


@dataclass(frozen=True)
class SendRequest:
    token: TokenSet | None


@dataclass(frozen=True)
class Sleep:
    seconds: float
    # Why, for people: the CLI shows it during long waits.
    reason: str = field(default="retrying", compare=False)


def retry_reason(error: NextSchoolError) -> str:
    if isinstance(error, RateLimitError):
        return "rate limited by the API"
    if isinstance(error, APITimeoutError):
        return "the API did not answer in time"
    if isinstance(error, APIConnectionError):
        return "no response from the API"
    if isinstance(error, HTTPStatusError) and error.status_code is not None:
        return f"the API answered HTTP {error.status_code}"
    return "the API failed"


def log_wait(step: Sleep, operation: str | None) -> None:
    """One INFO record per wait; `wait_*` attributes let a handler show a countdown."""
    logger.info(
        "Retrying %s in %.2f s (%s)",
        operation,
        step.seconds,
        step.reason,
        extra={
            "wait_seconds": step.seconds,
            "wait_reason": step.reason,
            "wait_operation": operation,
        },
    )


Step = ObtainToken | SendRequest | Sleep
CallFlow = Generator[Step, Any, GraphQLResult]


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries for rate limits, connection errors and 5xx.

    Mutations are re-sent only after a rate-limit rejection, which means the
    server did not run them; a connection error or a 5xx may come after it did.
    """

    max_retries: int = DEFAULT_MAX_RETRIES
    initial_delay: float = INITIAL_RETRY_DELAY
    max_delay: float = MAX_RETRY_DELAY
    max_retry_after: float = MAX_RETRY_AFTER
    jitter: Callable[[], float] = random.random

    def delay(self, error: NextSchoolError, attempt: int, *, is_mutation: bool) -> float | None:
        """Seconds to wait before attempt `attempt + 1`, or None to give up."""
        if attempt >= self.max_retries:
            return None
        if isinstance(error, RateLimitError):
            if error.retry_after is None:
                return self._backoff(attempt)
            if error.retry_after > self.max_retry_after:
                return None
            return float(error.retry_after)
        if is_mutation:
            return None
        if isinstance(error, APIConnectionError) or (
            isinstance(error, HTTPStatusError) and error.is_server_error
        ):
            return self._backoff(attempt)
        return None

    def _backoff(self, attempt: int) -> float:
        # Full jitter: spreads the retries of many clients failing together.
        ceiling = min(self.max_delay, self.initial_delay * 2**attempt)
        return float(ceiling * (0.5 + self.jitter() / 2))


def call_flow(
    *,
    authenticated: bool,
    is_mutation: bool,
    retry: RetryPolicy,
    deadline_at: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> CallFlow:
    """Send one operation: obtain a token, send, retry within bounds.

    An UNAUTHENTICATED answer (or HTTP 401) gets exactly one renewal and one
    re-send; a second rejection is raised. Ordinary retries are counted apart
    from that single auth retry. A retry whose wait would end past the call's
    deadline is not attempted: the error that asked for it is raised at once.
    """
    rejected: TokenSet | None = None
    auth_retried = False
    attempt = 0
    while True:
        token = (yield ObtainToken(rejected)) if authenticated else None
        try:
            result: GraphQLResult = yield SendRequest(token)
        except AuthenticationError as error:
            # Only a refused token is worth renewing; InvalidCredentialsError
            # and SessionExpiredError are final.
            if token is None or auth_retried or type(error) is not AuthenticationError:
                raise
            auth_retried = True
            rejected = token
            continue
        except NextSchoolError as error:
            delay = retry.delay(error, attempt, is_mutation=is_mutation)
            if delay is None or (deadline_at is not None and clock() + delay >= deadline_at):
                raise
            attempt += 1
            rejected = None
            yield Sleep(delay, retry_reason(error))
            continue
        return result
