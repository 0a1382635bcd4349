"""`login` and `logout`.

The password never comes from the command line, where other users could read
it in the process list: it comes from NEXTSCHOOL_PASSWORD, from stdin with
--password-stdin, or from a prompt that does not echo.
"""

from __future__ import annotations

import getpass
import os
import sys

from .._constants import ENV_PASSWORD, ENV_USERNAME
from .._exceptions import NextSchoolError
from .._logging import logger
from .._masking import mask_userinfo
from ..auth import NextSchool
from ._context import Context
from ._errors import CommandError, ExitCode, describe
from ._notices import PREFIX
from ._output import write_json


def read_username(ctx: Context) -> str:
    explicit: str | None = ctx.args.username
    username = explicit or os.environ.get(ENV_USERNAME)
    if not username:
        if not sys.stdin.isatty():
            raise CommandError(
                f"No username: pass --username or set {ENV_USERNAME}", ExitCode.USAGE
            )
        ctx.stderr.write(f"{PREFIX}username for {mask_userinfo(ctx.url)}: ")
        ctx.stderr.flush()
        username = sys.stdin.readline().strip()
    if not username:
        raise CommandError("The username must not be empty", ExitCode.USAGE)
    return username


def read_password(ctx: Context, username: str) -> str:
    if ctx.args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        prompt = f"{PREFIX}password for {username} at {mask_userinfo(ctx.url)}: "
        password = os.environ.get(ENV_PASSWORD) or getpass.getpass(prompt)
    if not password:
        raise CommandError("The password must not be empty", ExitCode.USAGE)
    return password


def run_login(ctx: Context) -> int:
    url = ctx.url
    username = read_username(ctx)
    password = read_password(ctx, username)
    store = ctx.config.store_for(url)
    with NextSchool(
        url, username=username, password=password, token_store=store, timeout=ctx.args.timeout
    ) as client:
        result = client.login()
    ctx.config.remember_url(url)
    user = result.user
    shown = user.name or user.username or username
    if ctx.json:
        write_json(user, ctx.stdout)
    else:
        ctx.stdout.write(f"Logged in to {mask_userinfo(url)} as {shown}\n")
    return ExitCode.OK


def run_logout(ctx: Context) -> int:
    config = ctx.config
    url = ctx.url
    if not config.has_tokens_for(url):
        config.forget_tokens(url)
        ctx.stdout.write(f"Not logged in to {mask_userinfo(url)}\n")
        return ExitCode.OK
    try:
        with NextSchool(url, username="", password="", token_store=config.store_for(url)) as client:
            client.logout()
    except NextSchoolError as error:
        # The local session ends either way; the user must know the server
        # may still accept the refresh token until it expires.
        config.forget_tokens(url)
        message, code = describe(error)
        logger.debug("Logout failed: %s", message)
        raise CommandError(
            f"Logged out locally, but the session could not be revoked on the server: {message}",
            code,
        ) from error
    config.forget_tokens(url)
    ctx.stdout.write(f"Logged out of {mask_userinfo(url)}\n")
    return ExitCode.OK
