"""Where tokens are kept between calls and between runs."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Protocol, runtime_checkable

from .._logging import logger
from ._tokens import StoredTokens


@runtime_checkable
class TokenStore(Protocol):
    """Loads the saved tokens at start-up and saves them after each change.

    `save(None)` means the session ended (logout, or a refresh token that the
    server no longer accepts).
    """

    def load(self) -> StoredTokens | None: ...

    def save(self, tokens: StoredTokens | None) -> None: ...


class MemoryTokenStore:
    """Keeps tokens for the life of the process (the default)."""

    def __init__(self, tokens: StoredTokens | None = None) -> None:
        self._tokens = tokens

    def __repr__(self) -> str:
        return f"MemoryTokenStore(has_tokens={self._tokens is not None})"

    def load(self) -> StoredTokens | None:
        return self._tokens

    def save(self, tokens: StoredTokens | None) -> None:
        self._tokens = tokens


class FileTokenStore:
    """A JSON file readable only by its owner (mode 0600), replaced atomically.

    Readers never see a half-written file: the new content goes to a temporary
    file in the same directory, which then replaces the old one.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"FileTokenStore({str(self.path)!r})"

    def load(self) -> StoredTokens | None:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            logger.warning("Ignoring unreadable token file %s: %s", self.path, type(exc).__name__)
            return None
        if not isinstance(raw, dict) or not isinstance(raw.get("access_token"), str):
            logger.warning("Ignoring token file %s: unexpected content", self.path)
            return None
        refresh_token = raw.get("refresh_token")
        expires_at = raw.get("access_expires_at")
        url = raw.get("url")
        return StoredTokens(
            access_token=raw["access_token"],
            refresh_token=refresh_token if isinstance(refresh_token, str) else None,
            access_expires_at=(
                float(expires_at)
                if isinstance(expires_at, (int, float)) and not isinstance(expires_at, bool)
                else None
            ),
            url=url if isinstance(url, str) else None,
        )

    def save(self, tokens: StoredTokens | None) -> None:
        if tokens is None:
            self.path.unlink(missing_ok=True)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        content = json.dumps(
            {
                "access_token": tokens.access_token,
                "refresh_token": tokens.refresh_token,
                "access_expires_at": tokens.access_expires_at,
                "url": tokens.url,
            }
        )
        # mkstemp creates the file with mode 0600 before anything is written.
        fd, temporary = tempfile.mkstemp(prefix=".tokens-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                file.write(content)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
