"""Token lifetimes as a server may send them, made safe to schedule with.

The generated result models validate `expiresIn` through `lenient_expires_in`,
so an odd value (0, negative, `true`, NaN, infinite, a string) never fails a
login and never reaches the token logic as a plausible number: it arrives as
0, which means "unknown", and the token logic falls back to the token's own
expiry or a conservative default.
"""

from __future__ import annotations

import math

from ._constants import MAX_TOKEN_LIFETIME

UNKNOWN_LIFETIME = 0


def lenient_expires_in(value: object) -> int:
    """`expiresIn` in whole seconds, or UNKNOWN_LIFETIME when it is not usable."""
    if isinstance(value, bool):
        return UNKNOWN_LIFETIME
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return UNKNOWN_LIFETIME
    if isinstance(value, int):
        return value if plausible_lifetime(value) else UNKNOWN_LIFETIME
    if isinstance(value, float) and plausible_lifetime(value):
        return math.ceil(value)
    return UNKNOWN_LIFETIME


def plausible_lifetime(seconds: object) -> bool:
    """A finite, positive number of seconds no longer than any real session."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        return False
    try:
        return 0 < seconds <= MAX_TOKEN_LIFETIME
    except OverflowError:  # pragma: no cover - an int too large to compare with a float
        return False
