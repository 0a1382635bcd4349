"""`serve`: the local NextSchool server, for trying the tool and the SDK offline."""

from __future__ import annotations

from ._context import Context
from ._errors import CommandError, ExitCode

MISSING_TESTING_EXTRA = (
    "`serve` needs the local server's dependencies: pip install 'nextschool[testing]'"
)


def run_serve(ctx: Context) -> int:
    try:
        from ..testing.cli import main as serve_main
    except ImportError:
        raise CommandError(MISSING_TESTING_EXTRA, ExitCode.MISSING_DEPENDENCY) from None
    args = ctx.args
    argv = ["--host", args.host, "--port", str(args.port)]
    if args.access_token_ttl is not None:
        argv += ["--access-token-ttl", str(args.access_token_ttl)]
    if args.no_rate_limits:
        argv.append("--no-rate-limits")
    return serve_main(argv)
