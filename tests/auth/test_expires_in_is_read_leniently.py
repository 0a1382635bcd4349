"""`expiresIn` as a server may send it: whole seconds, or 0 ("unknown") when unusable.

The generated login and refresh models read the field through
`lenient_expires_in`; 0 sends the token logic to the JWT's own expiry or a
conservative default (see tests/hardening/test_bad_token_lifetimes.py).
"""

from __future__ import annotations

import math

import pytest

from nextschool._constants import MAX_TOKEN_LIFETIME
from nextschool._lifetimes import lenient_expires_in, plausible_lifetime

WEEK = int(MAX_TOKEN_LIFETIME)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (900, 900),
        (1, 1),
        (WEEK, WEEK),
        (WEEK + 1, 0),
        (900.2, 901),
        (0.5, 1),
        ("900", 900),
        (" 900 ", 900),
        ("900.2", 901),
        ("0.5", 1),
        (str(WEEK + 1), 0),
        (0, 0),
        (-5, 0),
        (-0.5, 0),
        ("-5", 0),
        (True, 0),
        (False, 0),
        ("abc", 0),
        ("", 0),
        (math.nan, 0),
        (math.inf, 0),
        ("Infinity", 0),
        (None, 0),
        ([900], 0),
    ],
)
def test_expires_in_is_whole_seconds_or_unknown(value: object, seconds: int) -> None:
    assert lenient_expires_in(value) == seconds
    assert type(lenient_expires_in(value)) is int


@pytest.mark.parametrize(
    ("seconds", "plausible"),
    [
        (0.5, True),
        (1, True),
        (MAX_TOKEN_LIFETIME, True),
        (MAX_TOKEN_LIFETIME + 0.5, False),
        (0, False),
        (-1, False),
        (True, False),
        ("900", False),
        (None, False),
        (math.nan, False),
    ],
)
def test_a_plausible_lifetime_is_positive_and_at_most_a_week(
    seconds: object, plausible: bool
) -> None:
    assert plausible_lifetime(seconds) is plausible
