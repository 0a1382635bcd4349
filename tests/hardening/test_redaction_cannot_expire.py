"""Item 6: redaction covers tracebacks and stacks, and never forgets a live secret.

`logger.exception(...)` records carry the traceback in `exc_info`, formatted
by the handler after the filter has run; `stack_info` likewise. And a client
that renews its access token every few minutes must keep its password and
refresh token masked for as long as it lives, not only for its first few
hundred renewals.
"""

from __future__ import annotations

import gc
import io
import logging
import sys
from collections.abc import Iterator

import httpx
import pytest

from nextschool import NextSchool, RedactingFilter, StoredTokens
from nextschool._logging import logger, pinned_secret_count, redact
from nextschool.testing import LocalServer, ServerSettings, run_local_server

USERNAME = "redaction"
PASSWORD = "Red4ction-Passw0rd-2b7a"


@pytest.fixture
def server() -> Iterator[LocalServer]:
    settings = ServerSettings(rate_limits=False, extra_accounts=((USERNAME, PASSWORD),))
    with run_local_server(settings) as running:
        yield running


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """What an ordinary handler on the `nextschool` logger writes."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


class LeakyStore:
    """A token store whose error message quotes the token, as some do."""

    def load(self) -> StoredTokens | None:
        return None

    def save(self, tokens: StoredTokens | None) -> None:
        refresh = tokens.refresh_token if tokens else None
        raise OSError(f"could not write refresh token {refresh} to /var/lib/tokens")


def test_a_token_store_traceback_is_logged_masked(
    server: LocalServer, log_output: io.StringIO
) -> None:
    with NextSchool(
        server.url, username=USERNAME, password=PASSWORD, token_store=LeakyStore()
    ) as client:
        client.login()
        tokens = client.tokens
    assert tokens is not None and tokens.refresh_token
    text = log_output.getvalue()
    assert "Could not save tokens" in text
    assert "Traceback (most recent call last)" in text
    assert "OSError: could not write refresh token [redacted]" in text
    assert tokens.refresh_token not in text


def test_a_failing_hook_that_quotes_the_password_is_logged_masked(
    server: LocalServer, log_output: io.StringIO
) -> None:
    def hook(tokens: StoredTokens | None) -> None:
        raise ValueError(f"rejected {USERNAME}:{PASSWORD}")

    with NextSchool(
        server.url, username=USERNAME, password=PASSWORD, on_tokens_changed=hook
    ) as client:
        client.login()
    text = log_output.getvalue()
    assert "on_tokens_changed hook failed" in text
    assert f"ValueError: rejected {USERNAME}:[redacted]" in text
    assert PASSWORD not in text


def test_a_record_redacted_in_its_traceback_hands_formatters_only_the_masked_text(
    server: LocalServer,
) -> None:
    # Formatters that render exc_info themselves (JSON formatters, for
    # instance) must not be able to get at the unmasked exception.
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    keep = Keep()
    logger.addHandler(keep)
    try:
        with NextSchool(server.url, username=USERNAME, password=PASSWORD) as client:
            client.login()
            try:
                raise RuntimeError(f"password was {PASSWORD}")
            except RuntimeError:
                logger.exception("Something failed")
    finally:
        logger.removeHandler(keep)
    (record,) = [r for r in records if r.getMessage() == "Something failed"]
    assert record.exc_info is None
    assert record.exc_text is not None
    assert "RuntimeError: password was [redacted]" in record.exc_text


def test_stack_info_is_redacted(server: LocalServer, log_output: io.StringIO) -> None:
    with NextSchool(server.url, username=USERNAME, password=PASSWORD) as client:
        client.login()
        tokens = client.tokens
        assert tokens is not None and tokens.refresh_token is not None
        # A stack whose source lines hold a token, as a debugging print might.
        record = logging.LogRecord(
            "nextschool",
            logging.WARNING,
            __file__,
            1,
            "stack",
            None,
            None,
            sinfo=f'Stack (most recent call last):\n  use("{tokens.refresh_token}")',
        )
        logger.handle(record)
    text = log_output.getvalue()
    assert 'use("[redacted]")' in text
    assert tokens.refresh_token not in text


def test_credentials_stay_masked_after_many_renewals(
    server: LocalServer, log_output: io.StringIO
) -> None:
    with NextSchool(server.url, username=USERNAME, password=PASSWORD) as client:
        client.login()
        first = client.tokens
        assert first is not None and first.refresh_token
        for _ in range(300):  # more than any bounded list of recent tokens holds
            client.refresh_token()
        logger.warning("password %s, refresh token %s", PASSWORD, first.refresh_token)
    text = log_output.getvalue().splitlines()[-1]
    assert text == "WARNING password [redacted], refresh token [redacted]"
    assert server.counters.refreshes == 300


def client_with(password: str, http: httpx.Client) -> NextSchool:
    # A shared httpx client: making one per NextSchool costs an SSL context each.
    return NextSchool("https://api.example.org/", username="u", password=password, http_client=http)


def test_secrets_of_unrelated_short_lived_clients_do_not_push_ours_out() -> None:
    with httpx.Client() as http:
        ours = client_with(PASSWORD, http)
        for n in range(1000):
            other = client_with(f"other-password-{n:04d}", http)
            del other
        gc.collect()
        assert redact(f"x {PASSWORD} y") == "x [redacted] y"
        del ours


def test_a_client_released_unpins_its_secrets() -> None:
    # Pins are for a client's life: a process creating clients per job does
    # not grow its list of pinned secrets without bound.
    with httpx.Client() as http:
        client = client_with("Pinned-0nly-While-Alive", http)
        assert redact("Pinned-0nly-While-Alive") == "[redacted]"
        del client
        gc.collect()
        before = pinned_secret_count()
        clients = [client_with(f"pw-{n:05d}", http) for n in range(50)]
        assert pinned_secret_count() == before + 50
        del clients
        gc.collect()
        assert pinned_secret_count() == before


def test_the_public_filter_redacts_other_loggers_tracebacks(server: LocalServer) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    other = logging.getLogger("someapp.redaction-test")
    other.addHandler(handler)
    other.propagate = False
    try:
        with NextSchool(server.url, username=USERNAME, password=PASSWORD) as client:
            client.login()
            try:
                raise KeyError(PASSWORD)
            except KeyError:
                other.error("lookup failed", exc_info=sys.exc_info())
    finally:
        other.removeHandler(handler)
    assert "KeyError: '[redacted]'" in stream.getvalue()
    assert PASSWORD not in stream.getvalue()
