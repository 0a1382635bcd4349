"""What the API URL says about the connection: loopback or not, encrypted or not."""

from __future__ import annotations

import ipaddress
import warnings
from urllib.parse import urlsplit


class PlainHTTPWarning(UserWarning):
    """The API URL is plain http:// to another machine.

    The password and tokens would cross the network unencrypted. Loopback
    URLs (127.0.0.0/8, ::1, localhost) do not warn: local test servers use them.
    """


def is_loopback_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def warn_if_plain_http(url: str, shown_url: str, *, stacklevel: int) -> None:
    """Warn (once per call, so once per client) about plain HTTP off this machine."""
    parts = urlsplit(url)
    if parts.scheme != "http" or is_loopback_host(parts.hostname or ""):
        return
    warnings.warn(
        f"{shown_url} is plain HTTP to another machine: the password and tokens "
        "would travel unencrypted; use an https:// URL",
        PlainHTTPWarning,
        stacklevel=stacklevel + 1,
    )


__all__ = ["PlainHTTPWarning", "is_loopback_host", "warn_if_plain_http"]
