"""The command line: global options, subcommands and their arguments."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from .._paging import DEFAULT_PAGE_SIZE
from .._version import __version__
from ._context import Context
from ._errors import EXIT_CODES_HELP

Handler = Callable[[Context], int]

DESCRIPTION = """\
Command-line client for the NextSchool Data API.

Log in once with `nextschool login`; later commands reuse the saved tokens and
renew them as needed. Environment: NEXTSCHOOL_URL, NEXTSCHOOL_USERNAME,
NEXTSCHOOL_PASSWORD, NEXTSCHOOL_CONFIG_DIR.
"""

ADVISER_SCREEN_STATUSES = ("special", "talent", "problem", "risk", "normal", "not_screened", "all")
VISIT_STATUSES = ("visited", "not_visited", "problem", "normal", "all")


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {text}")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0: {text}")
    return value


def add_common_options(parser: argparse.ArgumentParser, *, defaults: bool) -> None:
    """Options accepted both before and after the subcommand.

    A subcommand's parser would overwrite what the main parser parsed with its
    own defaults, so only the main parser has defaults.
    """
    default: object = None if defaults else argparse.SUPPRESS
    parser.add_argument(
        "--url", default=default, help="API URL (default: $NEXTSCHOOL_URL, then the login's URL)"
    )
    parser.add_argument(
        "--json",
        action="store_true",
        default=False if defaults else argparse.SUPPRESS,
        help="print JSON instead of a table",
    )
    parser.add_argument(
        "--timeout",
        type=positive_float,
        default=default,
        metavar="SECONDS",
        help="per-request timeout",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0 if defaults else argparse.SUPPRESS,
        help="log renewals and retries to stderr (-vv: every request)",
    )


def add_paging_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--limit", type=non_negative_int, help="rows in the page (API default)")
    group.add_argument("--all", action="store_true", help="every row, fetched page by page")
    parser.add_argument("--offset", type=non_negative_int, help="rows to skip")
    parser.add_argument(
        "--page-size",
        type=int,
        default=DEFAULT_PAGE_SIZE,
        metavar="N",
        help=f"rows per request with --all (default {DEFAULT_PAGE_SIZE})",
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="no progress lines on stderr with --all"
    )


def add_care_filters(parser: argparse.ArgumentParser, statuses: tuple[str, ...]) -> None:
    parser.add_argument("--academic-year-id", type=int, metavar="ID")
    parser.add_argument(
        "--semester-id", type=int, metavar="ID", help="overrides --academic-year-id"
    )
    parser.add_argument("--classroom-id", type=int, metavar="ID")
    parser.add_argument("--status", choices=statuses, help="(API default: all)")


class ParserBuilder:
    def __init__(self, handlers: dict[str, Handler]) -> None:
        self.handlers = handlers
        self.parser = argparse.ArgumentParser(
            prog="nextschool",
            description=DESCRIPTION,
            epilog=EXIT_CODES_HELP,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        self.parser.add_argument("--version", action="version", version=__version__)
        add_common_options(self.parser, defaults=True)
        self.commands = self.parser.add_subparsers(dest="command", metavar="COMMAND")
        self.commands.required = True

    def command(
        self,
        name: str,
        help_text: str,
        # argparse has no public name for the type add_subparsers() returns.
        parent: argparse._SubParsersAction[argparse.ArgumentParser] | None = None,  # pyright: ignore[reportPrivateUsage]
    ) -> argparse.ArgumentParser:
        """A subcommand; `name` may be nested ("schema pull") under `parent`."""
        action = parent if parent is not None else self.commands
        parser = action.add_parser(name.split()[-1], help=help_text, description=help_text)
        add_common_options(parser, defaults=False)
        parser.set_defaults(handler=self.handlers[name])
        return parser


def build_parser(handlers: dict[str, Handler]) -> argparse.ArgumentParser:
    builder = ParserBuilder(handlers)
    command = builder.command

    login = command("login", "log in and save the session's tokens")
    login.add_argument("--username", help="default: $NEXTSCHOOL_USERNAME, else a prompt")
    login.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from stdin (default: $NEXTSCHOOL_PASSWORD, else a prompt)",
    )
    command("logout", "revoke the saved session and delete its tokens")

    students = command("students", "list students")
    students.add_argument(
        "--search", help="part of the code, a name, the mobile number or the citizen id"
    )
    for name in ("code", "firstname", "lastname"):
        students.add_argument(f"--{name}", help="partial match")
    students.add_argument("--mobile-no")
    students.add_argument("--citizen-id")
    add_paging_options(students)
    command("student", "show one student").add_argument("id", type=int)

    teachers = command("teachers", "list teachers and staff")
    teachers.add_argument(
        "--search", help="part of the username, a name, the email, mobile number or citizen id"
    )
    for name in ("username", "firstname", "lastname", "email"):
        teachers.add_argument(f"--{name}", help="partial match")
    teachers.add_argument("--mobile-no")
    teachers.add_argument("--citizen-id")
    teachers.add_argument("--status", type=int, help="e.g. 1: working")
    teachers.add_argument(
        "--visit-semester-id", type=int, metavar="ID", help="semester of visitSummary"
    )
    add_paging_options(teachers)
    teacher = command("teacher", "show one teacher")
    teacher.add_argument("id", type=int)
    teacher.add_argument("--visit-semester-id", type=int, metavar="ID")

    screens = command("adviser-screens", "care module: latest adviser screening per student")
    add_care_filters(screens, ADVISER_SCREEN_STATUSES)
    add_paging_options(screens)
    visits = command("visit-students", "care module: home-visit status per student")
    add_care_filters(visits, VISIT_STATUSES)
    add_paging_options(visits)
    command("stats", "care module: home-visit and adviser-screening counts")
    command("sdq-template", "care module: the SDQ questionnaire")
    command("eq-template", "care module: the EQ questionnaire")

    schema = builder.commands.add_parser("schema", help="the API's GraphQL schema")
    schema_commands = schema.add_subparsers(dest="schema_command", metavar="COMMAND")
    schema_commands.required = True
    pull = command("schema pull", "introspect the API and write its schema", schema_commands)
    pull.add_argument(
        "--output", "-o", default="schema.graphql", help="file to write, - for stdout"
    )
    pull.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if the file is out of date"
    )

    serve = command("serve", "run the local NextSchool server (needs nextschool[testing])")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=non_negative_int, default=8000)
    serve.add_argument("--access-token-ttl", type=positive_float, metavar="SECONDS")
    serve.add_argument("--no-rate-limits", action="store_true")
    return builder.parser
