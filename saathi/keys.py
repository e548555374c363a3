"""The instance's Ed25519 signing key: made on first start, kept in the data dir (mode 0600).

The private key never leaves this module's callers in the consent service (which issues tokens
and signs consent receipts); every other component needs only the public JWKS.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from saathi.files import create_private, replace_private

SIGNING_KEY_FILE = "signing-key.pem"
# Public halves of retired signing keys, one JSON file each, published until their time is up.
RETIRED_DIR = "signing-keys"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class SigningKey:
    """An Ed25519 key pair with its key id (the RFC 7638 thumbprint of the public key).

    A key loaded from a data dir (``load_or_create_signing_key``) is the network's key *ring*:
    it re-reads the dir at most every ``reload_seconds``, so when ``saathi keys rotate`` (run
    on any host sharing the dir) puts a new key in place, every replica signs with it and
    publishes it within that time, while the retired key's public half stays published until
    the last token and consent receipt it signed has expired (``rotate``).

    Sign through ``encode``, which takes the key and its id together: reading ``private_key``
    and ``kid`` apart could straddle a reload.
    """

    def __init__(
        self,
        private_key: Ed25519PrivateKey,
        *,
        data_dir: Path | None = None,
        reload_seconds: float = 5.0,
    ) -> None:
        self._current = (private_key, public_jwk(private_key.public_key())["kid"])
        self._data_dir = data_dir
        self._reload_seconds = reload_seconds
        self._checked = time.monotonic()
        self._fingerprint = _fingerprint(data_dir) if data_dir is not None else ()

    @property
    def private_key(self) -> Ed25519PrivateKey:
        return self._current[0]

    @property
    def kid(self) -> str:
        return self._current[1]

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    def public_jwk(self) -> dict[str, str]:
        return public_jwk(self.public_key)

    def _refresh(self) -> None:
        """Re-read the data dir when it changed (a rotation), at most every few seconds."""
        if self._data_dir is None or time.monotonic() - self._checked < self._reload_seconds:
            return
        self._checked = time.monotonic()
        fingerprint = _fingerprint(self._data_dir)
        if fingerprint != self._fingerprint:
            private_key = _read_private(self._data_dir / SIGNING_KEY_FILE)
            self._current = (private_key, public_jwk(private_key.public_key())["kid"])
            self._fingerprint = fingerprint

    def reload(self) -> None:
        """Re-read the data dir now (tests; an operator's signal)."""
        self._checked = float("-inf")
        self._refresh()

    def encode(self, claims: Mapping[str, Any], headers: Mapping[str, Any] | None = None) -> str:
        """``claims`` signed as a compact JWS (EdDSA) by the current key, its ``kid`` set."""
        self._refresh()
        private_key, kid = self._current
        return jwt.encode(
            dict(claims), private_key, algorithm="EdDSA", headers={**(headers or {}), "kid": kid}
        )

    def jwks(self) -> dict[str, Any]:
        """The JSON Web Key Set that verifies everything this key ring signed and that has
        not expired yet: the current key, then every retired key still published."""
        self._refresh()
        keys = [self.public_jwk()]
        if self._data_dir is not None:
            keys += [retired.jwk for retired in retired_keys(self._data_dir) if retired.published]
        return {"keys": keys}


@dataclass(frozen=True)
class RetiredKey:
    """The public half of a retired signing key, published until ``until`` (unix seconds)."""

    jwk: dict[str, str]
    retired_at: int
    until: int

    @property
    def published(self) -> bool:
        return time.time() < self.until


def _fingerprint(data_dir: Path) -> tuple[object, ...]:
    """What changes when a rotation happens: the key file's identity and the retired dir's."""
    found: list[object] = []
    for path in (data_dir / SIGNING_KEY_FILE, data_dir / RETIRED_DIR):
        try:
            status = path.stat()
        except FileNotFoundError:
            found.append(None)
            continue
        found.append((status.st_ino, status.st_mtime_ns, status.st_size))
    return tuple(found)


def retired_keys(data_dir: Path) -> list[RetiredKey]:
    """Every retired key recorded in ``data_dir`` (published or no longer), oldest first."""
    directory = data_dir / RETIRED_DIR
    if not directory.is_dir():
        return []
    found = []
    for path in sorted(directory.glob("*.json")):
        entry = json.loads(path.read_text())
        found.append(RetiredKey(entry["jwk"], int(entry["retired_at"]), int(entry["until"])))
    return sorted(found, key=lambda key: key.retired_at)


def rotate_signing_key(data_dir: Path, until: int, *, now: float | None = None) -> tuple[str, str]:
    """Replace the data dir's signing key by a new one; the old one's public half stays
    published until ``until`` (unix seconds: when the last token or receipt it signed
    expires). Retired keys past their time are removed. Returns (old kid, new kid).

    The retired key is recorded before the new key replaces the old (atomically), so no
    reader ever sees a ring without the key that signed a live token. The old private key is
    not kept: nothing may be signed with it again.
    """
    at = int(time.time() if now is None else now)
    old = load_or_create_signing_key(data_dir)
    record = {"jwk": old.public_jwk(), "retired_at": at, "until": max(until, at)}
    replace_private(data_dir / RETIRED_DIR / f"{old.kid}.json", json.dumps(record).encode())
    new_private = Ed25519PrivateKey.generate()
    replace_private(data_dir / SIGNING_KEY_FILE, _pem(new_private))
    prune_retired_keys(data_dir, now=at)
    return old.kid, public_jwk(new_private.public_key())["kid"]


def prune_retired_keys(data_dir: Path, *, now: float | None = None) -> list[str]:
    """Remove the retired keys whose time is over; returns their kids."""
    at = time.time() if now is None else now
    removed = []
    directory = data_dir / RETIRED_DIR
    for retired in retired_keys(data_dir):
        if retired.until <= at:
            (directory / f"{retired.jwk['kid']}.json").unlink(missing_ok=True)
            removed.append(retired.jwk["kid"])
    return removed


def public_jwk(public_key: Ed25519PublicKey) -> dict[str, str]:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    x = _b64url(raw)
    thumbprint = _b64url(
        hashlib.sha256(f'{{"crv":"Ed25519","kty":"OKP","x":"{x}"}}'.encode()).digest()
    )
    return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": thumbprint, "alg": "EdDSA", "use": "sig"}


def _pem(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _read_private(path: Path) -> Ed25519PrivateKey:
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return loaded


def generate_signing_key() -> SigningKey:
    """A fresh key held only in memory (tests; a real instance uses ``load_or_create``)."""
    return SigningKey(Ed25519PrivateKey.generate())


def load_or_create_signing_key(data_dir: Path, *, reload_seconds: float = 5.0) -> SigningKey:
    """Load the network's token-signing key ring from ``data_dir``, or make its key there on
    first start.

    Only the consent service (and the one-process network that runs it) calls this: every other
    component verifies tokens with the public JWKS.
    """
    path = data_dir / SIGNING_KEY_FILE
    if not path.exists():
        create_private(path, _pem(Ed25519PrivateKey.generate()))  # False: another made it first
    return SigningKey(_read_private(path), data_dir=data_dir, reload_seconds=reload_seconds)


def load_or_create_key_file(path: Path) -> SigningKey:
    """Load the Ed25519 private key at ``path``, or make one there (a fixed key, no ring).

    The file is created with ``O_EXCL`` and mode 0600, so two processes starting together
    cannot both write a key, and no other user can read it.
    """
    if not path.exists():
        create_private(path, _pem(Ed25519PrivateKey.generate()))
    return SigningKey(_read_private(path))
