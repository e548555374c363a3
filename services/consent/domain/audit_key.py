"""The access log's own key: outside the database, so that holding the database is not enough to
rewrite the log.

One Ed25519 private key in the data dir (``audit-key.pem``, mode 0600, made on first start)
does three jobs, each under a key of its own derived from it:

- it signs every line of the anchor file (the chain heads the consent service vouches for);
- a key derived from it MACs every log entry (HMAC-SHA256), so an entry rewritten with plain
  SHA-256 by someone holding only the database does not verify;
- a key derived from it makes the keyed pseudonym that names a participant's log in the anchor
  file, which therefore never holds a participant id.

It is kept apart from the instance's token signing key on purpose: a token verifier must never
accept what this key signs, and this key never signs a token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from saathi.keys import public_jwk

AUDIT_KEY_FILE = "audit-key.pem"
ALGORITHM = "EdDSA"
HEAD_TYPE = "saathi-access-log-head"


class SignatureInvalid(Exception):
    """A signed head that this key did not sign, or that is malformed."""


@dataclass(frozen=True)
class AuditKey:
    private_key: Ed25519PrivateKey

    @cached_property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @cached_property
    def kid(self) -> str:
        return public_jwk(self.public_key)["kid"]

    def public_jwk(self) -> dict[str, str]:
        return public_jwk(self.public_key)

    def _subkey(self, purpose: str) -> bytes:
        raw = self.private_key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        return hmac.new(raw, f"saathi access log {purpose}".encode(), hashlib.sha256).digest()

    @cached_property
    def _entry_key(self) -> bytes:
        return self._subkey("entry")

    @cached_property
    def _pseudonym_key(self) -> bytes:
        return self._subkey("pseudonym")

    def mac(self, data: bytes) -> str:
        """HMAC-SHA256 of ``data`` under the entry key, hex."""
        return hmac.new(self._entry_key, data, hashlib.sha256).hexdigest()

    def pseudonym(self, participant_id: str) -> str:
        """The name of a participant's log in the anchor file: keyed, so the file alone does
        not say whose log a line is about."""
        digest = hmac.new(self._pseudonym_key, participant_id.encode(), hashlib.sha256)
        return "log_" + digest.hexdigest()[:32]

    @cached_property
    def _header(self) -> str:
        header = {"alg": ALGORITHM, "kid": self.kid, "typ": HEAD_TYPE}
        return _b64url(json.dumps(header, sort_keys=True, separators=(",", ":")).encode())

    def sign(self, claims: dict[str, Any]) -> str:
        """``claims`` as a compact JWS (RFC 7515, EdDSA), canonical JSON so that the line is
        reproducible; any JOSE library verifies it with ``public_jwk``."""
        payload = _b64url(json.dumps(claims, sort_keys=True, separators=(",", ":")).encode())
        signature = self.private_key.sign(f"{self._header}.{payload}".encode())
        return f"{self._header}.{payload}.{_b64url(signature)}"

    def verify(self, token: str) -> dict[str, Any]:
        """The claims of a JWS this key signed; ``SignatureInvalid`` otherwise."""
        header, claims = unverified(token)
        if header.get("kid") != self.kid or header.get("typ") != HEAD_TYPE:
            raise SignatureInvalid("it was not signed by this network's audit key")
        if header.get("alg") != ALGORITHM:
            raise SignatureInvalid(f"not a valid signed head: alg is not {ALGORITHM}")
        signing_input, _, signature = token.rpartition(".")
        try:
            self.public_key.verify(_unb64url(signature), signing_input.encode())
        except (InvalidSignature, ValueError):
            raise SignatureInvalid(
                "not a valid signed head: its signature does not verify"
            ) from None
        return claims


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64url(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)


def unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and claims of a compact JWS, without checking its signature (to index a file
    whose lines ``verify`` checks when they are served or audited)."""
    try:
        header_part, payload_part, _ = token.split(".")
        header = json.loads(_unb64url(header_part))
        claims = json.loads(_unb64url(payload_part))
    except (ValueError, UnicodeDecodeError) as exc:
        raise SignatureInvalid(f"not a valid signed head: {exc}") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise SignatureInvalid("not a valid signed head: not JSON objects")
    return header, claims


def generate_audit_key() -> AuditKey:
    """A fresh key held only in memory (tests; a real instance uses ``load_or_create``)."""
    return AuditKey(Ed25519PrivateKey.generate())


def _write_private(path: Path, data: bytes) -> None:
    """Create ``path`` with mode 0600 and ``O_EXCL`` (two processes starting together cannot
    both write a key); a file that already exists is left as it is."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def load_audit_key(data_dir: Path) -> AuditKey | None:
    """The data dir's audit key, or ``None`` when it has none (verification must not make one)."""
    path = data_dir / AUDIT_KEY_FILE
    if not path.exists():
        return None
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return AuditKey(loaded)


def load_or_create_audit_key(data_dir: Path) -> AuditKey:
    """Load the audit key from ``data_dir``, or make one there on first start."""
    found = load_audit_key(data_dir)
    if found is not None:
        return found
    data_dir.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write_private(data_dir / AUDIT_KEY_FILE, pem)
    created = load_audit_key(data_dir)
    assert created is not None
    return created
