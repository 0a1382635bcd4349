"""`python -m nextschool.testing`: serve the local server until interrupted."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from nextschool.testing.app import create_app
from nextschool.testing.server import bind_socket, make_uvicorn_server, server_url
from nextschool.testing.settings import DEMO_PASSWORD, DEMO_USERNAME, ServerSettings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m nextschool.testing",
        description="Serve a local NextSchool Data API with deterministic Thai school data.",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=8000,
        help="port to bind; 0 picks a free one (default: %(default)s)",
    )
    parser.add_argument(
        "--access-token-ttl",
        type=float,
        default=ServerSettings.access_token_ttl,
        metavar="SECONDS",
        help="access token lifetime (default: %(default)s)",
    )
    parser.add_argument(
        "--refresh-token-ttl",
        type=float,
        default=ServerSettings.refresh_token_ttl,
        metavar="SECONDS",
        help="refresh token lifetime (default: %(default)s)",
    )
    parser.add_argument(
        "--no-rate-limits", action="store_true", help="turn the documented rate limits off"
    )
    parser.add_argument("--seed", type=int, default=ServerSettings.seed, help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = ServerSettings(
        access_token_ttl=args.access_token_ttl,
        refresh_token_ttl=args.refresh_token_ttl,
        rate_limits=not args.no_rate_limits,
        seed=args.seed,
    )
    app, _state = create_app(settings)
    try:
        sock = bind_socket(args.host, args.port)
    except OSError as error:
        print(
            f"nextschool: error: Cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr
        )
        return 1
    port = int(sock.getsockname()[1])
    limits = "on" if settings.rate_limits else "off"
    print(f"NextSchool local server: {server_url(args.host, port)}")
    print(f"Demo account: username {DEMO_USERNAME!r}, password {DEMO_PASSWORD!r}")
    print(f"Access tokens live {settings.access_token_ttl:g} s; rate limits {limits}.")
    print("Press Ctrl+C to stop.", flush=True)
    server = make_uvicorn_server(app)
    try:
        # In the main thread uvicorn handles SIGINT/SIGTERM itself, shuts down
        # gracefully, then re-raises the signal.
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    print("Stopped.", flush=True)
    return 0
