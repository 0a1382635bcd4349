"""Exit codes of the command-line tool, and how SDK errors map onto them.

Scripts can tell the kinds of failure apart without parsing messages; see
EXIT_CODES_HELP, which `nextschool --help` prints.
"""

from __future__ import annotations

from enum import IntEnum

from .._exceptions import (
    APIConnectionError,
    AuthenticationError,
    ConfigurationError,
    ForbiddenError,
    NextSchoolError,
    RateLimitError,
    SessionExpiredError,
)


class ExitCode(IntEnum):
    OK = 0
    API_ERROR = 1
    USAGE = 2
    AUTH = 3
    NETWORK = 4
    RATE_LIMITED = 5
    MISSING_DEPENDENCY = 6
    INTERRUPTED = 130


EXIT_CODES_HELP = """\
exit codes:
    0  success
    1  the API answered with an error, the record does not exist,
       `generate` found an invalid operation, or `schema pull --check` /
       `generate --check` found the output out of date
    2  usage: bad arguments or configuration
    3  authentication: not logged in, bad credentials, session ended, forbidden
    4  network: no response from the server, or a timeout
    5  rate limited: try again later
    6  an optional dependency is missing
  130  interrupted
"""

LOGIN_HINT = "run `nextschool login` first"


class CommandError(Exception):
    """A failure the tool reports itself, with the exit code it deserves."""

    def __init__(self, message: str, code: ExitCode = ExitCode.API_ERROR) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def describe(error: NextSchoolError) -> tuple[str, ExitCode]:
    """One line for the user, and the exit code, for an error of the SDK."""
    message = error.message
    if isinstance(error, SessionExpiredError):
        return f"{message}; the session has ended: {LOGIN_HINT}", ExitCode.AUTH
    if isinstance(error, (AuthenticationError, ForbiddenError)):
        return message, ExitCode.AUTH
    if isinstance(error, RateLimitError):
        if error.retry_after is not None:
            message = f"{message} (retry after {error.retry_after:g} s)"
        return message, ExitCode.RATE_LIMITED
    if isinstance(error, APIConnectionError):
        return message, ExitCode.NETWORK
    if isinstance(error, ConfigurationError):
        return message, ExitCode.USAGE
    return message, ExitCode.API_ERROR


def one_line(text: str) -> str:
    return " ".join(text.split())
