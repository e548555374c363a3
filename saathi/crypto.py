"""Encryption at rest: AES-256-GCM with a data key per person, wrapped by the instance's master key.

Data keys live in a key store apart from the databases (``saathi.keystore``); destroying a
person's key makes every copy of their encrypted fields unreadable, backups included
(crypto-shredding). Lookups on encrypted values (a phone number at sign-in) use
a keyed blind index (HMAC-SHA256), never the plaintext.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from saathi.files import create_private

MASTER_KEY_FILE = "master.key"
_NONCE = 12


@dataclass(frozen=True)
class MasterKey:
    """The instance's 256-bit master key: wraps data keys and keys the blind index."""

    secret: bytes

    @classmethod
    def generate(cls) -> MasterKey:
        return cls(AESGCM.generate_key(bit_length=256))

    @classmethod
    def load_or_create(cls, data_dir: Path) -> MasterKey:
        """Read ``master.key`` from ``data_dir``, creating it (mode 0600) on first start."""
        path = data_dir / MASTER_KEY_FILE
        if not path.exists():
            create_private(path, AESGCM.generate_key(bit_length=256))
        secret = path.read_bytes()
        if len(secret) != 32:
            raise ValueError(f"{path} must hold exactly 32 bytes")
        return cls(secret)

    def _subkey(self, purpose: str) -> bytes:
        return hmac.new(self.secret, purpose.encode(), hashlib.sha256).digest()

    def new_data_key(self) -> bytes:
        """A fresh data key, returned wrapped (encrypted under the master key)."""
        return self.wrap(AESGCM.generate_key(bit_length=256))

    def wrap(self, data_key: bytes) -> bytes:
        """``data_key`` encrypted under the master key, for a key store."""
        return seal(self._subkey("wrap"), data_key, b"data-key")

    def unwrap(self, wrapped: bytes) -> bytes:
        return unseal(self._subkey("wrap"), wrapped, b"data-key")

    def blind_index(self, value: str) -> str:
        """A stable keyed digest of ``value`` for equality lookups without storing it."""
        return hmac.new(self._subkey("index"), value.encode(), hashlib.sha256).hexdigest()


def seal(key: bytes, plaintext: bytes, associated: bytes = b"") -> bytes:
    """Encrypt with AES-GCM; the random nonce is prepended to the ciphertext."""
    nonce = os.urandom(_NONCE)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, associated)


def unseal(key: bytes, sealed: bytes, associated: bytes = b"") -> bytes:
    """Decrypt what ``seal`` made; raises ``cryptography.exceptions.InvalidTag`` if tampered."""
    return AESGCM(key).decrypt(sealed[:_NONCE], sealed[_NONCE:], associated)


def secret_digest(secret: str) -> str:
    """SHA-256 of a high-entropy secret (refresh tokens), for storage and constant-time lookup."""
    return hashlib.sha256(secret.encode()).hexdigest()
