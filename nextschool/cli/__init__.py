"""The `nextschool` command.

    nextschool login                      # prompts for the password, saves tokens
    nextschool students --search สมชาย
    nextschool students --all --json > students.json
    nextschool query 'query { students(limit: 2) { id code } }'
    nextschool schema pull --output schema.graphql

`main()` is the console-script entry point; it returns the exit code (see
`nextschool --help` for what each code means) and never lets an SDK error
escape as a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys

from .._exceptions import NextSchoolError
from ._commands import (
    run_adviser_screens,
    run_eq_template,
    run_sdq_template,
    run_stats,
    run_student,
    run_students,
    run_teacher,
    run_teachers,
    run_visit_students,
)
from ._config import SessionConfig
from ._context import Context
from ._errors import CommandError, ExitCode, describe, one_line
from ._generate import run_generate
from ._notices import CliLogging
from ._parser import Handler, build_parser
from ._query import run_query
from ._schema import run_schema_pull
from ._serve import run_serve
from ._session_commands import run_login, run_logout

HANDLERS: dict[str, Handler] = {
    "login": run_login,
    "logout": run_logout,
    "students": run_students,
    "student": run_student,
    "teachers": run_teachers,
    "teacher": run_teacher,
    "adviser-screens": run_adviser_screens,
    "visit-students": run_visit_students,
    "stats": run_stats,
    "sdq-template": run_sdq_template,
    "eq-template": run_eq_template,
    "query": run_query,
    "generate": run_generate,
    "schema pull": run_schema_pull,
    "serve": run_serve,
}


def report(message: str) -> None:
    sys.stderr.write(f"nextschool: error: {one_line(message)}\n")
    sys.stderr.flush()


def run(args: argparse.Namespace, notices: CliLogging) -> int:
    ctx = Context(args=args, config=SessionConfig(), stdout=sys.stdout, stderr=sys.stderr)
    handler: Handler = args.handler
    try:
        return handler(ctx)
    except CommandError as error:
        notices.close()
        report(error.message)
        return error.code
    except NextSchoolError as error:
        notices.close()
        message, code = describe(error)
        report(message)
        return code


def main(argv: list[str] | None = None) -> int:
    try:
        return run_command(argv)
    except KeyboardInterrupt:
        # Between the command's own handling and the exit; still no traceback.
        return ExitCode.INTERRUPTED


def run_command(argv: list[str] | None) -> int:
    parser = build_parser(HANDLERS)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_request:
        # --help, --version and usage errors; argparse has printed the text.
        code = exit_request.code
        return code if isinstance(code, int) else ExitCode.USAGE
    notices = CliLogging(sys.stderr, args.verbose)
    interrupted = False
    try:
        return run(args, notices)
    except KeyboardInterrupt:
        interrupted = True
        notices.close(interrupted=True)
        sys.stderr.write("\n")
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`nextschool students --all | head`): stop
        # quietly, and keep Python from complaining when it flushes stdout.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return ExitCode.OK
    finally:
        if not interrupted:
            notices.close()


__all__ = ["ExitCode", "main"]
