"""What the clients' shared core says and does at its edges, over loopback:
its reprs and messages, the ids on transport errors, deadlines applied to
renewals made outside a call, and timeouts capped by a call's deadline."""

from __future__ import annotations

import gc
import secrets
import socket
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import pytest

from nextschool import (
    APIConnectionError,
    APITimeoutError,
    AsyncNextSchool,
    ConfigurationError,
    FileTokenStore,
    NextSchool,
    StoredTokens,
)
from nextschool._logging import pinned_secret_count, redact
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer
from nextschool.testing.pytest_plugin import ServerFactory

ANONYMOUS_QUERY = "{ students(limit: 1) { id } }"


@pytest.fixture(autouse=True)
def _no_credentials_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NEXTSCHOOL_URL", "NEXTSCHOOL_USERNAME", "NEXTSCHOOL_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def closed_port_url() -> str:
    """A loopback URL where nothing listens: every connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def demo(server: LocalServer, **options: Any) -> NextSchool:
    return NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, **options)


# -- reprs and messages -------------------------------------------------------


@pytest.mark.parametrize("client_class", [NextSchool, AsyncNextSchool])
def test_a_client_whose_construction_failed_says_so_in_its_repr(
    client_class: type[NextSchool] | type[AsyncNextSchool],
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        client_class("http://127.0.0.1:9/", max_retries=-1)
    # The traceback keeps the half-built client; printing it must work.
    frame: TracebackType | None = caught.tb
    half_built = None
    while frame is not None:
        found = frame.tb_frame.f_locals.get("self")
        if isinstance(found, client_class):
            half_built = found
        frame = frame.tb_next
    assert half_built is not None
    assert repr(half_built) == f"{client_class.__name__}(not configured)"


async def test_an_async_client_says_when_its_token_store_is_not_read_yet(
    server: LocalServer, tmp_path: Any
) -> None:
    store = FileTokenStore(tmp_path / "tokens.json")
    async with AsyncNextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, token_store=store
    ) as client:
        assert repr(client) == (
            f"AsyncNextSchool(url={server.url!r}, username='demo', token store not read yet)"
        )
        await client.students(limit=1)
        assert repr(client) == (
            f"AsyncNextSchool(url={server.url!r}, username='demo', authenticated)"
        )


def test_an_unknown_option_of_with_options_lists_the_accepted_ones(server: LocalServer) -> None:
    with demo(server) as client, pytest.raises(ConfigurationError) as caught:
        client.with_options(timout=2.0)  # type: ignore[call-arg]
    assert str(caught.value) == (
        "Unknown option(s) for with_options(): timout "
        "(accepted: deadline, extensions, headers, max_retries, timeout)"
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"headers": {"X-Count": 1}}, "headers must be a mapping of header names to string values"),
        ({"extensions": [("trace", None)]}, "extensions must be a dict"),
    ],
)
def test_bad_defaults_of_with_options_are_named_exactly(
    server: LocalServer, options: dict[str, Any], message: str
) -> None:
    with demo(server) as client, pytest.raises(ConfigurationError) as caught:
        client.with_options(**options)
    assert str(caught.value) == message


@pytest.mark.parametrize("client_class", [NextSchool, AsyncNextSchool])
async def test_a_closed_client_says_what_closed_it_and_what_to_do(
    server: LocalServer, client_class: type[NextSchool] | type[AsyncNextSchool]
) -> None:
    client = client_class(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD)
    if isinstance(client, AsyncNextSchool):
        await client.aclose()
        with pytest.raises(ConfigurationError) as caught:
            await client.students(limit=1)
    else:
        client.close()
        with pytest.raises(ConfigurationError) as caught:
            client.students(limit=1)
    assert str(caught.value) == (
        f"{client_class.__name__} is closed: its connection pool was closed (by close(), "
        "by the client with_options() made it from, or by the owner of the http_client "
        "passed in); create a new client to send requests"
    )


def test_get_data_takes_only_what_execute_returned(server: LocalServer) -> None:
    with demo(server) as client:
        result = client.execute("{ students(limit: 1) { id } }")
        assert client.get_data(result) == result.data
        with pytest.raises(TypeError) as caught:
            client.get_data({"data": result.data})
    assert str(caught.value) == "execute() of a NextSchool client returns GraphQLResult"


# -- transport errors ---------------------------------------------------------


def test_a_transport_error_keeps_the_id_its_request_was_sent_with(closed_port_url: str) -> None:
    with NextSchool(closed_port_url, access_token="a" * 40, max_retries=0) as client:
        with pytest.raises(APIConnectionError) as caught:
            client.students(limit=1, headers={"X-Request-Id": "job-17"})
        assert caught.value.request_id == "job-17"
        with pytest.raises(APIConnectionError) as caught:
            client.students(limit=1)
    assert caught.value.request_id is not None
    assert caught.value.request_id.startswith("ns-")


# -- deadlines ----------------------------------------------------------------


def test_refresh_token_called_directly_keeps_the_clients_deadline(server: LocalServer) -> None:
    with demo(server, deadline=1.0, max_retries=0) as client:
        client.login()
        # Answered after 3 s: well within the default timeout, not the deadline.
        held = server.controls.hold_next(1, operation="RefreshToken")
        release = _release_later(held, 3.0)
        try:
            with pytest.raises(APITimeoutError) as caught:
                client.refresh_token()
        finally:
            release.join()
    assert str(caught.value) == "RefreshToken timed out (ReadTimeout)"


@pytest.mark.parametrize("ended", ["deadline", "timeout"])
def test_a_renewal_that_times_out_for_an_unnamed_operation_says_request(
    server: LocalServer, ended: str
) -> None:
    options: dict[str, Any] = {"deadline": 0.5} if ended == "deadline" else {"timeout": 0.3}
    with demo(server, max_retries=0, **options) as client:
        held = server.controls.hold_next(1, operation="Login")
        try:
            with pytest.raises(APITimeoutError) as caught:
                client.execute(ANONYMOUS_QUERY)
        finally:
            held.release()
    if ended == "deadline":
        assert str(caught.value) == (
            "Request did not complete within its deadline: it ended while renewing the session"
        )
    else:
        assert str(caught.value).startswith("Request timed out while renewing the session (")


def test_a_part_of_a_timeout_shorter_than_the_deadline_is_kept(server: LocalServer) -> None:
    # No connect limit, a read limit of 0.3 s, and a deadline of 10 s: the
    # deadline caps the missing part and leaves the read limit as it is.
    timeout = httpx.Timeout(0.3, connect=None)
    with demo(server, max_retries=0, deadline=10.0) as client:
        client.login()
        held = server.controls.hold_next(1, operation="Students")
        release = _release_later(held, 2.0)
        try:
            with pytest.raises(APITimeoutError) as caught:
                client.students(limit=1, timeout=timeout)
        finally:
            release.join()
        assert str(caught.value) == "Students timed out (ReadTimeout)"


def test_a_timeout_without_limits_is_capped_by_the_deadline_after_one_with_limits(
    server: LocalServer,
) -> None:
    # The first call's timeout is short and left alone; the second has no
    # limit at all, so the deadline must cap it, whatever the first one was.
    with demo(server, max_retries=0, deadline=None) as client:
        client.login()
        assert len(client.students(limit=1, timeout=httpx.Timeout(1.0), deadline=10.0)) == 1
        release = _release_later(server.controls.hold_next(1, operation="Students"), 3.0)
        try:
            with pytest.raises(APITimeoutError) as caught:
                client.students(limit=1, timeout=httpx.Timeout(None), deadline=2.0)
        finally:
            release.join()
    # Ended by the capped read timeout, not after the answer came, too late.
    assert str(caught.value) == "Students timed out (ReadTimeout)"


def _release_later(held: Any, seconds: float) -> threading.Timer:
    timer = threading.Timer(seconds, held.release)
    timer.start()
    return timer


def test_refresh_token_reports_the_lifetime_left_in_whole_seconds_rounded_down(
    start_server: ServerFactory,
) -> None:
    # A one-second token: by the time the answer is read, less than one whole second is left.
    server = start_server(access_token_ttl=1.0)
    with demo(server) as client:
        client.login()
        refreshed = client.refresh_token()
    assert refreshed.access_token
    assert refreshed.expires_in == 0


# -- secrets ------------------------------------------------------------------


def test_tokens_passed_in_are_masked_in_logs_while_the_client_lives(server: LocalServer) -> None:
    issued = server.issue_tokens()  # the refresh token is opaque: no pattern would catch it
    with NextSchool(
        server.url, access_token=issued.access_token, refresh_token=issued.refresh_token
    ):
        assert redact(f"refresh={issued.refresh_token}") == "refresh=[redacted]"
    # An access token of another API's making need not be a JWT either.
    opaque = f"opaque-access-{secrets.token_hex(12)}"
    with NextSchool(server.url, access_token=opaque):
        assert redact(f"access={opaque}") == "access=[redacted]"


def test_tokens_restored_from_a_store_are_masked_in_logs(
    server: LocalServer, tmp_path: Path
) -> None:
    issued = server.issue_tokens()
    store = FileTokenStore(tmp_path / "tokens.json")
    store.save(StoredTokens(issued.access_token, issued.refresh_token, None, server.url))
    with NextSchool(server.url, token_store=store) as client:
        assert client.is_authenticated
        assert redact(f"refresh={issued.refresh_token}") == "refresh=[redacted]"


def test_a_password_given_to_login_is_masked_in_place_of_the_clients_earlier_one(
    start_server: ServerFactory,
) -> None:
    new_password = f"Login-0nly-{secrets.token_hex(8)}"
    server = start_server(extra_accounts=(("relogin", new_password),))
    with NextSchool(
        server.url, username="nobody", password=f"Made-With-{secrets.token_hex(8)}"
    ) as client:
        gc.collect()  # clients of earlier tests let go of their secrets now, not midway
        before = pinned_secret_count()
        client.login("relogin", new_password)
        assert redact(f"password={new_password}") == "password=[redacted]"
        # The new password replaced the old one; the session added its two tokens.
        assert pinned_secret_count() == before + 2


TWO_OPERATIONS = """
query Students { students(limit: 1) { id } }
mutation Logout($refreshToken: String!) { logout(refreshToken: $refreshToken) }
"""


def test_the_named_query_of_a_document_with_a_mutation_is_retried_as_a_query(
    server: LocalServer,
) -> None:
    # A dropped connection may have run the request: a query is sent again,
    # a mutation never. Which one runs is the name's, not the document's.
    with demo(server, max_retries=1) as client:
        client.login()
        server.controls.fail_next(1, "drop_connection", operation="Students")
        result = client.execute(TWO_OPERATIONS, "Students")
    assert len(result.data["students"]) == 1
    assert server.counters.requests_by_operation["Students"] == 2
