"""HS256 access tokens and opaque refresh tokens.

The JWT claims carry whole seconds, which is too coarse for tests that expire
a token within a second or revoke tokens "issued before now". So every access
token also has a `jti`, and the server keeps the precise issue time, lifetime
and issue order of each one. Validation uses those records; the claims are
only a fallback for tokens whose record has been pruned long after expiry.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import hmac
import itertools
import json
import math
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from nextschool._json import json_object
from nextschool.testing.settings import Account

_HEADER = {"alg": "HS256", "typ": "JWT"}
# Keep records this long past expiry; after that the `exp` claim gives the
# same answer, so dropping them loses nothing.
_PRUNE_GRACE = 5.0
_PRUNE_EVERY = 1024


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_jwt(claims: dict[str, Any], secret: str) -> str:
    """An HS256 JWT of `claims`."""
    header = _b64encode(json.dumps(_HEADER, separators=(",", ":")).encode())
    payload = _b64encode(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = f"{header}.{payload}".encode("ascii")
    signature = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64encode(signature)}"


def decode_jwt(token: str, secret: str) -> dict[str, Any] | None:
    """The claims of a well-formed HS256 token signed with `secret`, else None."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    header_b64, payload_b64, signature_b64 = parts
    try:
        header = json.loads(_b64decode(header_b64))
        signature = _b64decode(signature_b64)
        expected = hmac.new(
            secret.encode(), f"{header_b64}.{payload_b64}".encode("ascii"), hashlib.sha256
        ).digest()
        # Compare before trusting anything else in the token, and refuse
        # "alg": "none" and friends outright.
        header = json_object(header)
        if header is None or header.get("alg") != "HS256":
            return None
        if not hmac.compare_digest(signature, expected):
            return None
        claims = json.loads(_b64decode(payload_b64))
    except (ValueError, UnicodeError, binascii.Error):
        return None
    return json_object(claims)


class TokenStatus(enum.Enum):
    """What checking an access token found."""

    VALID = "valid"
    INVALID = "invalid"  # malformed, bad signature, unknown subject
    EXPIRED = "expired"  # good signature, past its lifetime
    REVOKED = "revoked"  # good signature, rejected by a revocation


@dataclass(frozen=True, slots=True)
class AccessCheck:
    """The outcome of checking an access token, and its account if valid."""

    status: TokenStatus
    user_id: int | None = None


@dataclass(frozen=True, slots=True)
class IssuedAccess:
    """A new access token and its lifetime in seconds."""

    token: str
    expires_in: int


@dataclass(frozen=True, slots=True)
class _AccessRecord:
    user_id: int
    serial: int
    expires_at: float


@dataclass(slots=True)
class _RefreshRecord:
    user_id: int
    expires_at: float


class TokenStore:
    """Issues and checks tokens. Thread-safe: tests revoke from another thread."""

    def __init__(self, secret: str, access_ttl: float, refresh_ttl: float) -> None:
        self._secret = secret
        self._access_ttl = access_ttl
        self._refresh_ttl = refresh_ttl
        self._expires_in = max(1, math.ceil(access_ttl))
        self._lock = threading.Lock()
        self._serials = itertools.count(1)
        self._access: dict[str, _AccessRecord] = {}
        self._refresh: dict[str, _RefreshRecord] = {}
        # Tokens with a serial at or below this one were revoked; the wall
        # time covers tokens whose record is gone.
        self._revoked_serial = 0
        self._revoked_at = 0.0

    def issue_access(self, account: Account) -> IssuedAccess:
        """A new access token for `account`."""
        now = time.time()
        jti = uuid.uuid4().hex
        claims = {
            "sub": str(account.id),
            "username": account.username,
            "iat": int(now),
            # Rounded up, so the claim never says a token is dead while the
            # server (and the client's expiresIn) still treat it as alive.
            "exp": math.ceil(now + self._access_ttl),
            "jti": jti,
        }
        token = encode_jwt(claims, self._secret)
        with self._lock:
            serial = next(self._serials)
            self._access[jti] = _AccessRecord(account.id, serial, now + self._access_ttl)
            if serial % _PRUNE_EVERY == 0:
                self._prune(now)
        return IssuedAccess(token, self._expires_in)

    def check_access(self, token: str, *, reject_all: bool = False) -> AccessCheck:
        """Check an access token (signature, expiry, revocation)."""
        claims = decode_jwt(token, self._secret)
        if claims is None:
            return AccessCheck(TokenStatus.INVALID)
        try:
            user_id = int(claims["sub"])
            jti = str(claims["jti"])
            exp = float(claims["exp"])
            iat = float(claims["iat"])
        except (KeyError, TypeError, ValueError):
            return AccessCheck(TokenStatus.INVALID)
        now = time.time()
        with self._lock:
            record = self._access.get(jti)
            if record is not None:
                expired = now >= record.expires_at
                revoked = record.serial <= self._revoked_serial
            else:
                expired = now >= exp
                revoked = iat <= self._revoked_at
        if expired:
            return AccessCheck(TokenStatus.EXPIRED, user_id)
        if revoked or reject_all:
            return AccessCheck(TokenStatus.REVOKED, user_id)
        return AccessCheck(TokenStatus.VALID, user_id)

    def revoke_access_tokens(self) -> None:
        """Revoke every access token issued so far."""
        with self._lock:
            # Serials are handed out under this lock, so every token issued
            # before this call has a serial at or below the current maximum.
            self._revoked_serial = next(self._serials)
            self._revoked_at = time.time()

    def issue_refresh(self, account: Account) -> str:
        """A new refresh token for `account`."""
        token = str(uuid.uuid4())
        with self._lock:
            self._refresh[token] = _RefreshRecord(account.id, time.time() + self._refresh_ttl)
        return token

    def use_refresh(self, token: str) -> int | None:
        """The user id behind a live refresh token. The token stays valid."""
        with self._lock:
            record = self._refresh.get(token)
            if record is None:
                return None
            if time.time() >= record.expires_at:
                del self._refresh[token]
                return None
            return record.user_id

    def revoke_refresh(self, token: str) -> bool:
        """Revoke one refresh token; says whether it was valid."""
        with self._lock:
            return self._refresh.pop(token, None) is not None

    def revoke_refresh_tokens(self) -> None:
        """Revoke every refresh token."""
        with self._lock:
            self._refresh.clear()

    def _prune(self, now: float) -> None:
        dead = [j for j, r in self._access.items() if r.expires_at + _PRUNE_GRACE < now]
        for jti in dead:
            del self._access[jti]
