"""Where the tool keeps its sessions: one per API URL, and the URL last logged in to.

    $NEXTSCHOOL_CONFIG_DIR, else $XDG_CONFIG_HOME/nextschool, else ~/.config/nextschool
        sessions/<host>-<port>-<hash>.json   one per API URL: access and refresh
                                             token (FileTokenStore: 0600, atomic)
        session.json                         the URL of the last login, the default

Tokens are only ever sent to the URL they were issued by: a command aimed at
another server uses that server's own session, or none.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from .._constants import ENV_PASSWORD, ENV_URL, ENV_USERNAME, PRODUCTION_URL
from ..auth import FileTokenStore

ENV_CONFIG_DIR = "NEXTSCHOOL_CONFIG_DIR"
SESSIONS_DIR = "sessions"
SESSION_FILE = "session.json"
# The single session of earlier versions, adopted by the per-URL layout.
LEGACY_TOKENS_FILE = "tokens.json"


def config_dir() -> Path:
    explicit = os.environ.get(ENV_CONFIG_DIR)
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CONFIG_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".config"
    return base / "nextschool"


def env_credentials() -> tuple[str, str] | None:
    """Username and password from the environment, when both are set."""
    username = os.environ.get(ENV_USERNAME)
    password = os.environ.get(ENV_PASSWORD)
    if username and password:
        return username, password
    return None


def session_file_name(url: str) -> str:
    """A file name that is stable per URL and still tells a person which server it is."""
    host = re.sub(r"[^A-Za-z0-9.]+", "-", urlsplit(url).netloc).strip("-.") or "api"
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:12]
    return f"{host}-{digest}.json"


class SessionConfig:
    """The saved sessions in one config directory."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory if directory is not None else config_dir()

    @property
    def session_path(self) -> Path:
        return self.directory / SESSION_FILE

    def store_for(self, url: str) -> FileTokenStore:
        return FileTokenStore(self.directory / SESSIONS_DIR / session_file_name(url))

    def saved_url(self) -> str | None:
        try:
            raw = json.loads(self.session_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        url = raw.get("url") if isinstance(raw, dict) else None
        return url if isinstance(url, str) and url else None

    def resolve_url(self, explicit: str | None) -> str:
        """--url, else $NEXTSCHOOL_URL, else the URL of the last login, else production."""
        return explicit or os.environ.get(ENV_URL) or self.saved_url() or PRODUCTION_URL

    def has_tokens_for(self, url: str) -> bool:
        self._adopt_legacy_session()
        return self.store_for(url).load() is not None

    def remember_url(self, url: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temporary = tempfile.mkstemp(prefix=".session-", dir=self.directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                json.dump({"url": url}, file)
            os.replace(temporary, self.session_path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def forget_tokens(self, url: str) -> None:
        self.store_for(url).save(None)

    def _adopt_legacy_session(self) -> None:
        """Move the one session of earlier versions to the file of its URL."""
        legacy = FileTokenStore(self.directory / LEGACY_TOKENS_FILE)
        if not legacy.path.exists():
            return
        tokens = legacy.load()
        url = (tokens.url if tokens is not None else None) or self.saved_url()
        if tokens is not None and url is not None:
            target = self.store_for(url)
            if target.load() is None:
                target.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                os.replace(legacy.path, target.path)
                return
        legacy.save(None)
