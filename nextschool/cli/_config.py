"""Where the tool keeps its session: the config directory, tokens and the URL.

    $NEXTSCHOOL_CONFIG_DIR, else the platform's user config folder (platformdirs,
    in the `cli` extra): $XDG_CONFIG_HOME/nextschool or ~/.config/nextschool on
    Linux, ~/Library/Application Support/nextschool on macOS,
    %APPDATA%\\nextschool on Windows
        tokens.json    access and refresh token (FileTokenStore: mode 0600, atomic)
        session.json   the URL the tokens belong to

Tokens are only ever sent to the URL they were issued by: a command aimed at
another server behaves as if nobody were logged in.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from .._constants import ENV_PASSWORD, ENV_URL, ENV_USERNAME, PRODUCTION_URL
from .._json import json_object
from ..auth import FileTokenStore

ENV_CONFIG_DIR = "NEXTSCHOOL_CONFIG_DIR"
APP_NAME = "nextschool"
TOKENS_FILE = "tokens.json"
SESSION_FILE = "session.json"


def config_dir() -> Path:
    """$NEXTSCHOOL_CONFIG_DIR, else the platform's config folder for the tool."""
    explicit = os.environ.get(ENV_CONFIG_DIR)
    if explicit:
        return Path(explicit).expanduser()
    try:
        import platformdirs
    except ImportError:
        # Installed without the cli extra: the XDG rule, platformdirs' own on Linux.
        xdg = os.environ.get("XDG_CONFIG_HOME")
        base = Path(xdg).expanduser() if xdg else Path.home() / ".config"
        return base / APP_NAME
    return platformdirs.user_config_path(APP_NAME, appauthor=False, roaming=True)


def env_credentials() -> tuple[str, str] | None:
    """Username and password from the environment, when both are set."""
    username = os.environ.get(ENV_USERNAME)
    password = os.environ.get(ENV_PASSWORD)
    if username and password:
        return username, password
    return None


class SessionConfig:
    """The saved session in one config directory."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory if directory is not None else config_dir()
        self.token_store = FileTokenStore(self.directory / TOKENS_FILE)

    @property
    def tokens_path(self) -> Path:
        return self.token_store.path

    @property
    def session_path(self) -> Path:
        return self.directory / SESSION_FILE

    def saved_url(self) -> str | None:
        try:
            raw = json.loads(self.session_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        content = json_object(raw)
        url = content.get("url") if content is not None else None
        return url if isinstance(url, str) and url else None

    def resolve_url(self, explicit: str | None) -> str:
        """--url, else $NEXTSCHOOL_URL, else the URL of the last login, else production."""
        return explicit or os.environ.get(ENV_URL) or self.saved_url() or PRODUCTION_URL

    def has_tokens_for(self, url: str) -> bool:
        return self.saved_url() == url and self.token_store.load() is not None

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

    def forget_tokens(self) -> None:
        self.token_store.save(None)
