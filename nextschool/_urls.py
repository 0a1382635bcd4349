"""What the API URL says about the connection: loopback or not, encrypted or not."""

from __future__ import annotations

import inspect
import ipaddress
import os
import warnings
from types import FrameType
from urllib.parse import urlsplit

_PACKAGE_DIRECTORY = os.path.dirname(os.path.abspath(__file__)) + os.sep


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


def _stacklevel_of_the_caller() -> int:
    """For `warnings.warn` in the function calling this one: the stacklevel of
    the nearest frame outside this package. A fixed count would point into the
    SDK as soon as one of its layers adds a frame."""
    level = 2
    this_frame = inspect.currentframe()
    warning_frame = this_frame.f_back if this_frame is not None else None
    frame: FrameType | None = warning_frame.f_back if warning_frame is not None else None
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIRECTORY):
        level += 1
        frame = frame.f_back
    return level


def warn_if_plain_http(url: str, shown_url: str) -> None:
    """Warn (once per call, so once per client) about plain HTTP off this machine,
    at the line of the caller's code that made the client."""
    parts = urlsplit(url)
    if parts.scheme != "http" or is_loopback_host(parts.hostname or ""):
        return
    warnings.warn(
        f"{shown_url} is plain HTTP to another machine: the password and tokens "
        "would travel unencrypted; use an https:// URL",
        PlainHTTPWarning,
        stacklevel=_stacklevel_of_the_caller(),
    )


__all__ = ["PlainHTTPWarning", "is_loopback_host", "warn_if_plain_http"]
