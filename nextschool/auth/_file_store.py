"""FileTokenStore: tokens in a private JSON file, shared safely by processes on one host."""

from __future__ import annotations

import errno
import json
import os
import stat
import tempfile
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

from .._json import json_object
from .._logging import logger
from ._tokens import StoredTokens

DEFAULT_LOCK_TIMEOUT = 10.0
# A token file is a few hundred bytes; anything much larger is not ours.
_MAX_TOKEN_FILE_BYTES = 64 * 1024
_FILELOCK_HINT = 'pip install "nextschool[filelock]"'


class FileTokenStore:
    """A JSON file readable only by its owner (mode 0600), replaced atomically.

    Readers never see a half-written file: the new content goes to a temporary
    file in the same directory, which then replaces the old one. Processes
    that share the file renew under a lock on `<path>.lock` (the `filelock`
    package, the `nextschool[filelock]` extra), so one of them renews and the
    others adopt its tokens. A crashed holder's lock is released by the
    operating system; a holder that hangs is waited for at most `lock_timeout`.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT
    ) -> None:
        if not lock_timeout > 0:
            raise ValueError("lock_timeout must be positive")
        self.path = Path(path).expanduser()
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.lock_timeout = lock_timeout
        self._warned_mode = False

    def __repr__(self) -> str:
        return f"FileTokenStore({str(self.path)!r})"

    def load(self) -> StoredTokens | None:
        """The tokens in the file; None when it is missing, unreadable or names no API URL."""
        return self._load(None)

    def load_for_url(self, url: str) -> StoredTokens | None:
        """The tokens of a file written before token files named their API URL.

        For a caller that knows, from elsewhere, which API issued them (the
        CLI's earlier session.json). A URL in the file itself still wins.
        """
        return self._load(url)

    def _load(self, default_url: str | None) -> StoredTokens | None:
        content = self._read()
        if content is None:
            return None
        raw = json_object(content)
        if raw is None or not isinstance(raw.get("access_token"), str):
            logger.warning("Ignoring token file %s: unexpected content", self.path)
            return None
        url = raw.get("url") or default_url
        if not isinstance(url, str) or not url:
            # Sending these tokens to whatever API the client points at would
            # hand them to a server that never issued them.
            logger.warning("Ignoring token file %s: it names no API URL", self.path)
            return None
        refresh_token = raw.get("refresh_token")
        expires_at = raw.get("access_expires_at")
        return StoredTokens(
            access_token=raw["access_token"],
            refresh_token=refresh_token if isinstance(refresh_token, str) else None,
            access_expires_at=float(expires_at)
            if isinstance(expires_at, (int, float)) and not isinstance(expires_at, bool)
            else None,
            url=url,
        )

    def save(self, tokens: StoredTokens | None) -> None:
        """Write `tokens` atomically with mode 0600; None deletes the file."""
        if tokens is None:
            self.path.unlink(missing_ok=True)
            return
        make_private_dirs(self.path.parent)
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

    def lock(self, timeout: float | None = None) -> FileRenewalLock:
        """The cross-process renewal lock, for `with store.lock(): ...`."""
        return FileRenewalLock(self, cap_timeout(self.lock_timeout, timeout))

    def _read(self) -> Any:
        # O_NOFOLLOW: a symlink planted at the token path must not make us read
        # (and later send) whatever file it points to.
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
        try:
            if self.path.is_symlink():
                raise OSError(errno.ELOOP, "symbolic link")
            fd = os.open(self.path, flags)
        except FileNotFoundError:
            return None
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                logger.warning("Ignoring token file %s: it is a symbolic link", self.path)
            else:
                self._unreadable(exc)
            return None
        try:
            with os.fdopen(fd, "rb") as file:
                self._check_mode(os.fstat(file.fileno()))
                content = file.read(_MAX_TOKEN_FILE_BYTES + 1)
        except OSError as exc:
            self._unreadable(exc)
            return None
        if len(content) > _MAX_TOKEN_FILE_BYTES:
            logger.warning("Ignoring token file %s: too large", self.path)
            return None
        try:
            return json.loads(content.decode("utf-8"))
        except (ValueError, RecursionError) as exc:
            self._unreadable(exc)
            return None

    def _unreadable(self, exc: Exception) -> None:
        logger.warning("Ignoring unreadable token file %s: %s", self.path, type(exc).__name__)

    def _check_mode(self, status: os.stat_result) -> None:
        if status.st_mode & 0o077 and not self._warned_mode and os.name == "posix":
            self._warned_mode = True
            logger.warning(
                "Token file %s is readable by other users (mode %o); run chmod 600 on it",
                self.path,
                stat.S_IMODE(status.st_mode),
            )


class FileRenewalLock:
    """One hold of a FileTokenStore's cross-process lock.

    A new lock object per hold, not shared: it may be released from another
    thread than the one that took it (the async client uses worker threads),
    and two threads of one process exclude each other like two processes.
    """

    _warned_missing = False
    _missing_lock = threading.Lock()

    def __init__(self, store: FileTokenStore, timeout: float) -> None:
        self._store = store
        self._timeout = timeout
        self._lock: Any = None

    def __enter__(self) -> FileRenewalLock:
        try:
            from filelock import FileLock, Timeout
        except ImportError:
            self._warn_missing()
            return self
        make_private_dirs(self._store.lock_path.parent)
        lock = FileLock(self._store.lock_path, thread_local=False, mode=0o600)
        try:
            lock.acquire(timeout=self._timeout)  # pyright: ignore[reportUnknownMemberType]
        except Timeout:
            raise TimeoutError(
                f"the renewal lock {self._store.lock_path} was held for more than "
                f"{self._timeout:g} s"
            ) from None
        self._lock = lock
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        lock, self._lock = self._lock, None
        if lock is not None:
            lock.release()

    @classmethod
    def _warn_missing(cls) -> None:
        with cls._missing_lock:
            if cls._warned_missing:
                return
            cls._warned_missing = True
        logger.warning(
            "filelock is not installed: processes sharing a FileTokenStore renew "
            "without coordinating (%s)",
            _FILELOCK_HINT,
        )


def cap_timeout(own: float, timeout: float | None) -> float:
    """A store's lock wait: its own timeout, or less when the caller has less time."""
    return own if timeout is None else max(0.0, min(own, timeout))


def make_private_dirs(directory: Path) -> None:
    """Create `directory` and any missing parents with mode 0700.

    `Path.mkdir(mode=..., parents=True)` applies the mode to the last
    directory only; the parents would get the umask's default.
    """
    missing: list[Path] = []
    current = directory
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:
            continue
        # mkdir's mode is masked by the umask; 0700 is what we promise.
        path.chmod(0o700)
