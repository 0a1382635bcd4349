"""`generate`: a typed client package from your own .graphql operations.

    nextschool generate queries/ --package roster [--output src] [--schema schema.graphql]
    nextschool generate queries/ --package roster --output src --check   # CI: exit 1 if stale

Needs the `codegen` extra (ariadne-codegen): pip install 'nextschool[codegen]'.
"""

from __future__ import annotations

from pathlib import Path

from ._context import Context
from ._errors import CommandError, ExitCode

MISSING_CODEGEN = (
    "`generate` needs ariadne-codegen: install it with pip install 'nextschool[codegen]'"
)


def run_generate(ctx: Context) -> int:
    try:
        import ariadne_codegen  # noqa: F401

        from ..codegen._documents import DocumentError
        from ..codegen._generate import generate
    except ImportError:
        raise CommandError(MISSING_CODEGEN, ExitCode.MISSING_DEPENDENCY) from None
    args = ctx.args
    output = Path(args.output)
    try:
        outcome = generate(
            [Path(source) for source in args.sources],
            args.package,
            output,
            schema=Path(args.schema) if args.schema else None,
            check_only=args.check,
        )
    except DocumentError as error:
        for problem in error.problems[:-1]:
            ctx.stderr.write(f"nextschool: error: {problem}\n")
        raise CommandError(error.problems[-1], ExitCode.API_ERROR) from None
    if args.check:
        state = "up to date"
        if outcome.changed:
            state = "out of date: run the same command without --check"
        ctx.stdout.write(f"{outcome.package_dir}: {state}\n")
        return ExitCode.API_ERROR if outcome.changed else ExitCode.OK
    ctx.stdout.write(f"{outcome.package_dir}: written ({len(outcome.files)} files)\n")
    return ExitCode.OK
