"""The command line: global options, subcommands and their arguments."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import NoReturn

from .._paging import DEFAULT_PAGE_SIZE
from .._version import __version__
from ._context import Context
from ._errors import EXIT_CODES_HELP
from ._notices import PREFIX

Handler = Callable[[Context], int]

DESCRIPTION = """\
Command-line client for the NextSchool Data API.

Log in once with `nextschool login`; later commands reuse the saved tokens and
renew them as needed. Environment: NEXTSCHOOL_URL, NEXTSCHOOL_USERNAME,
NEXTSCHOOL_PASSWORD, NEXTSCHOOL_CONFIG_DIR.
"""

QUERY_DESCRIPTION = """\
Run any GraphQL document with the saved session and print its data as JSON.

  nextschool query 'query { students(limit: 2) { id code } }'
  nextschool query -f roster.graphql -v limit=50 -v search=สมชาย

-v values are typed from the variables' declared types: Int, Float and Boolean
are parsed, enum values checked against the schema, lists take a JSON array or
a repeated -v, input objects a JSON object. Here -v is a variable; --verbose
logs renewals and retries.
"""

GENERATE_DESCRIPTION = """\
Generate a typed client package from your own .graphql operations.

  nextschool generate queries/ --package roster --output src

Validates every operation against the schema first (file:line and the
offending field, argument or variable; nothing is written on error), then
writes NAME/ with AsyncClient and Client: one method per operation, pydantic
models for the selections, on the SDK's auth layer (login, refresh, retries),
constructed like AsyncNextSchool / NextSchool. Same input, same bytes.
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


def add_common_options(
    parser: argparse.ArgumentParser, *, defaults: bool, short_verbose: bool = True
) -> None:
    """Options accepted both before and after the subcommand.

    A subcommand's parser would overwrite what the main parser parsed with its
    own defaults, so only the main parser has defaults. `query` keeps `-v` for
    its variables (as `-v name=value`), so there only `--verbose` is verbose.
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
        *(("-v", "--verbose") if short_verbose else ("--verbose",)),
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


class PrefixedParser(argparse.ArgumentParser):
    """Usage errors under the tool's prefix, like every other message it prints."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("nextschool").strip()
        where = f"{command}: " if command else ""
        lines = [f"error: {where}{message}", *self.format_usage().rstrip("\n").splitlines()]
        self.exit(2, "".join(f"{PREFIX}{line}\n" for line in lines))


class ParserBuilder:
    def __init__(self, handlers: dict[str, Handler]) -> None:
        self.handlers = handlers
        self.parser = PrefixedParser(
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
        parent: argparse._SubParsersAction[PrefixedParser] | None = None,  # pyright: ignore[reportPrivateUsage]
        *,
        short_verbose: bool = True,
        description: str | None = None,
    ) -> argparse.ArgumentParser:
        """A subcommand; `name` may be nested ("schema pull") under `parent`."""
        action = parent if parent is not None else self.commands
        parser = action.add_parser(
            name.split()[-1],
            help=help_text,
            description=description or help_text,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        add_common_options(parser, defaults=False, short_verbose=short_verbose)
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

    query = command(
        "query",
        "run any GraphQL document with the saved session; JSON out",
        short_verbose=False,
        description=QUERY_DESCRIPTION,
    )
    query.add_argument("document", nargs="?", help="the document (or -f FILE)")
    query.add_argument("-f", "--file", help="read the document from FILE")
    query.add_argument(
        "-v",
        "--var",
        dest="variables",
        action="append",
        metavar="NAME=VALUE",
        help="a variable, typed from its declaration; repeat for more (or for list items)",
    )
    query.add_argument("--operation", metavar="NAME", help="which operation of the document to run")

    generate = command(
        "generate",
        "generate a typed client package from your .graphql operations (nextschool[codegen])",
        description=GENERATE_DESCRIPTION,
    )
    generate.add_argument(
        "sources", nargs="+", metavar="QUERY_FILES_OR_DIRS", help=".graphql/.gql files or dirs"
    )
    generate.add_argument("--package", required=True, metavar="NAME", help="package to write")
    generate.add_argument(
        "--output", "-o", default=".", metavar="DIR", help="where NAME/ goes (default: .)"
    )
    generate.add_argument(
        "--schema", metavar="PATH", help="schema SDL (default: the one bundled with nextschool)"
    )
    generate.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if the package is out of date"
    )

    serve = command("serve", "run the local NextSchool server (needs nextschool[testing])")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=non_negative_int, default=8000)
    serve.add_argument("--access-token-ttl", type=positive_float, metavar="SECONDS")
    serve.add_argument("--no-rate-limits", action="store_true")
    return builder.parser
