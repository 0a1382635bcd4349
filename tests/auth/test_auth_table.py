"""The README's "What the auth layer does for you" table, row by row, over loopback.

Each row has a test that fails when its promise is broken (module: test):

- First call: test_auth_over_http: test_logs_in_lazily_once,
  test_sync_client_logs_in_lazily_once.
- Access token near expiry: below, test_a_token_near_expiry_is_refreshed_before_the_call;
  test_token_manager: test_refresh_is_due_before_expiry_with_a_margin,
  test_short_lifetimes_refresh_at_three_quarters; test_auth_over_http:
  test_short_lived_tokens_are_refreshed_before_they_expire.
- UNAUTHENTICATED, HTTP 200 or 401: test_auth_over_http:
  test_unauthenticated_refreshes_and_retries_once,
  test_a_server_rejecting_every_token_gets_one_retry_then_an_error; below,
  test_a_second_rejection_is_raised_after_at_most_four_requests.
- 500 coroutines or 50 threads: test_auth_over_http:
  test_500_coroutines_on_revoked_tokens_cause_one_refresh,
  test_50_threads_on_revoked_tokens_cause_one_refresh,
  test_a_late_rejection_of_an_older_token_does_not_refresh_again.
- The refresh fails while other calls wait: test_auth_over_http:
  test_waiters_share_the_error_of_a_failed_refresh,
  test_threads_share_the_error_of_a_failed_refresh.
- Refresh token refused, however worded: test_auth_over_http:
  test_rejected_refresh_token_logs_in_again_once,
  test_rejected_refresh_token_without_credentials_ends_the_session;
  hardening/test_rejected_refresh_any_wording: test_sync_client_logs_in_again_once,
  test_async_client_logs_in_again_once,
  test_without_credentials_the_session_ends_and_the_saved_tokens_are_dropped,
  test_a_failing_refresh_endpoint_is_not_a_dead_token.
- Login rejected: test_auth_over_http:
  test_wrong_password_is_invalid_credentials_and_not_retried;
  hardening/test_rejected_refresh_any_wording:
  test_invalid_credentials_is_typed_whatever_the_status.
- The call that leads a refresh is cancelled: hardening/test_cancelled_renewal:
  test_waiters_behind_a_cancelled_leader_do_not_get_an_earlier_error,
  test_a_renewal_closed_part_way_reports_no_failure_to_its_waiters.
- An unusable expiresIn: hardening/test_bad_token_lifetimes (every test);
  robustness/test_malformed_regressions: test_expires_in_beyond_float_range.
- Early refresh fails while the token is valid: below,
  test_a_failed_early_refresh_keeps_the_valid_token_and_tries_again_5_s_later.
- Rate limited: below, test_rate_limits_are_retried_at_most_max_retries_times;
  test_retries: test_rate_limited_query_waits_and_succeeds,
  test_a_wait_longer_than_the_cap_is_not_slept,
  test_rate_limit_error_carries_retry_after_when_retries_run_out.
- Connection error or 5xx: test_retries: test_failed_queries_are_retried,
  test_retries_are_bounded, test_a_failed_mutation_is_not_sent_again,
  test_a_rate_limited_mutation_is_sent_again.
- Anything that takes too long: hardening/test_one_deadline_per_call (every test).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from nextschool import AuthenticationError, NextSchool, RateLimitError
from nextschool.testing import DEMO_PASSWORD, DEMO_USERNAME, LocalServer


class SteppedClock:
    """A monotonic clock that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@contextmanager
def stepped_client(server: LocalServer, clock: SteppedClock) -> Iterator[NextSchool]:
    with NextSchool(
        server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, clock=clock
    ) as client:
        yield client


def test_a_token_near_expiry_is_refreshed_before_the_call(server: LocalServer) -> None:
    clock = SteppedClock()
    with stepped_client(server, clock) as client:
        client.login()
        lifetime = server.settings.access_token_ttl
        clock.now += lifetime - 61  # more than the 60 s margin left: no refresh
        client.students(limit=1)
        assert server.counters.refreshes == 0
        clock.now += 2  # inside the margin, still valid: refresh first, then send
        client.students(limit=1)
    assert server.counters.refreshes == 1
    assert server.counters.unauthenticated_responses == 0


def test_a_failed_early_refresh_keeps_the_valid_token_and_tries_again_5_s_later(
    server: LocalServer,
) -> None:
    clock = SteppedClock()
    with stepped_client(server, clock) as client:
        client.login()
        first_token = client.tokens.access_token if client.tokens else None
        clock.now += server.settings.access_token_ttl - 30  # refresh due, token still valid
        server.controls.fail_next(1, "http_503", operation="RefreshToken")
        assert len(client.students(limit=1)) == 1
        assert server.counters.requests_by_operation["RefreshToken"] == 1
        assert client.tokens is not None and client.tokens.access_token == first_token
        clock.now += 4.9  # within the pause: the valid token is used as is
        assert len(client.students(limit=1)) == 1
        assert server.counters.requests_by_operation["RefreshToken"] == 1
        clock.now += 0.1  # 5 s after the failure: try again, and succeed
        assert len(client.students(limit=1)) == 1
        assert server.counters.requests_by_operation["RefreshToken"] == 2
        assert client.tokens is not None and client.tokens.access_token != first_token
    assert server.counters.requests_by_operation["Students"] == 3
    assert server.counters.unauthenticated_responses == 0


def test_a_second_rejection_is_raised_after_at_most_four_requests(server: LocalServer) -> None:
    with NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        server.controls.reject_all_tokens = True
        with pytest.raises(AuthenticationError):
            client.students(limit=1)  # login, send, renew (refresh), re-send
    assert server.counters.requests_total == 4
    assert server.counters.requests_by_operation["Students"] == 2


@pytest.mark.parametrize(("max_retries", "sent"), [(None, 3), (0, 1), (4, 5)])
def test_rate_limits_are_retried_at_most_max_retries_times(
    server: LocalServer, max_retries: int | None, sent: int
) -> None:
    client = (
        NextSchool(server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD)
        if max_retries is None
        else NextSchool(
            server.url, username=DEMO_USERNAME, password=DEMO_PASSWORD, max_retries=max_retries
        )
    )
    with client:
        client.login()
        server.controls.rate_limit_next(10, mode="graphql", retry_after=0, operation="Students")
        with pytest.raises(RateLimitError) as caught:
            client.students(limit=1)
    assert caught.value.retry_after == 0.0
    assert server.counters.requests_by_operation["Students"] == sent
