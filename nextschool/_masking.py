"""Values that hide themselves from repr(), and URLs without their userinfo.

Tools that print frame locals (`pytest -l`, rich tracebacks, error trackers)
call repr() on every local of every frame. A password or token held in a plain
`str` would be printed there; held in a `SecretText` it shows as a mask, while
JSON encoding, header encoding, comparison and str() still see the real value.
"""

from __future__ import annotations

from typing import overload
from urllib.parse import urlsplit, urlunsplit

MASK = "********"


class SecretText(str):
    """A str that is the secret everywhere except in its repr()."""

    __slots__ = ()

    def __repr__(self) -> str:
        return repr(MASK)


class SecretBytes(bytes):
    """Bytes (a request or response body holding secrets) with a masked repr()."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} bytes, masked>"


@overload
def conceal(value: str) -> str: ...
@overload
def conceal(value: None) -> None: ...
@overload
def conceal(value: str | None) -> str | None: ...
def conceal(value: str | None) -> str | None:
    """The same text, printed masked by repr()."""
    if value is None or type(value) is SecretText:
        return value
    return SecretText(value)


def mask_userinfo(url: str) -> str:
    """The URL with any password in it masked, for display."""
    if "@" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    netloc = f"{parts.username or ''}:{MASK}@{host}"
    return urlunsplit(parts._replace(netloc=netloc))


def strip_userinfo(url: str) -> str:
    """The URL without user and password: what identifies the API itself."""
    if "@" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def url_password(url: str) -> str | None:
    try:
        return urlsplit(url).password
    except ValueError:
        return None


__all__ = [
    "MASK",
    "SecretBytes",
    "SecretText",
    "conceal",
    "mask_userinfo",
    "strip_userinfo",
    "url_password",
]
