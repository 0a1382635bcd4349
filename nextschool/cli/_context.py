"""What every command gets: its arguments, the saved session, the streams, a client."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import TextIO

from ..auth import MemoryTokenStore, NextSchool, TokenStore
from ._config import SessionConfig, env_credentials
from ._errors import LOGIN_HINT, CommandError, ExitCode


@dataclass
class Context:
    args: argparse.Namespace
    config: SessionConfig
    stdout: TextIO
    stderr: TextIO

    @property
    def url(self) -> str:
        explicit: str | None = self.args.url
        return self.config.resolve_url(explicit)

    @property
    def json(self) -> bool:
        return bool(self.args.json)

    def client(self) -> NextSchool:
        """A client on the saved session, or on credentials from the environment.

        With a saved session the tokens file is the client's token store, so a
        renewed access token is written back for the next command. Credentials
        from the environment alone (CI) keep their tokens in memory.
        """
        url = self.url
        credentials = env_credentials()
        store: TokenStore
        if self.config.has_tokens_for(url):
            store = self.config.store_for(url)
        elif credentials is not None:
            store = MemoryTokenStore()
        else:
            raise CommandError(f"Not logged in to {url}: {LOGIN_HINT}", ExitCode.AUTH)
        username, password = credentials or (None, None)
        return NextSchool(
            url,
            username=username,
            password=password,
            token_store=store,
            timeout=self.args.timeout,
        )
