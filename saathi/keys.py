"""The instance's Ed25519 signing key: made on first start, kept in the data dir (mode 0600).

The private key never leaves this module's callers in the consent service (which issues tokens
and signs consent receipts); every other component needs only the public JWKS.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from saathi.files import create_private

SIGNING_KEY_FILE = "signing-key.pem"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass(frozen=True)
class SigningKey:
    """An Ed25519 key pair with its key id (the RFC 7638 thumbprint of the public key)."""

    private_key: Ed25519PrivateKey
    kid: str

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    def public_jwk(self) -> dict[str, str]:
        return public_jwk(self.public_key)

    def jwks(self) -> dict[str, Any]:
        """The JSON Web Key Set that verifies everything this key signs."""
        return {"keys": [self.public_jwk()]}


def public_jwk(public_key: Ed25519PublicKey) -> dict[str, str]:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    x = _b64url(raw)
    thumbprint = _b64url(
        hashlib.sha256(f'{{"crv":"Ed25519","kty":"OKP","x":"{x}"}}'.encode()).digest()
    )
    return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": thumbprint, "alg": "EdDSA", "use": "sig"}


def _from_private(private_key: Ed25519PrivateKey) -> SigningKey:
    return SigningKey(private_key, public_jwk(private_key.public_key())["kid"])


def generate_signing_key() -> SigningKey:
    """A fresh key held only in memory (tests; a real instance uses ``load_or_create``)."""
    return _from_private(Ed25519PrivateKey.generate())


def load_or_create_signing_key(data_dir: Path) -> SigningKey:
    """Load the network's token-signing key from ``data_dir``, or make one there on first start.

    Only the consent service (and the one-process network that runs it) calls this: every other
    component verifies tokens with the public JWKS.
    """
    return load_or_create_key_file(data_dir / SIGNING_KEY_FILE)


def load_or_create_key_file(path: Path) -> SigningKey:
    """Load the Ed25519 private key at ``path``, or make one there.

    The file is created with ``O_EXCL`` and mode 0600, so two processes starting together
    cannot both write a key, and no other user can read it.
    """
    if not path.exists():
        private_key = Ed25519PrivateKey.generate()
        pem = private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        create_private(path, pem)  # False: another process made it first; read theirs below
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return _from_private(loaded)
