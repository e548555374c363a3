from __future__ import annotations

import stat

from saathi.crypto import MasterKey, seal, unseal
from saathi.keys import SIGNING_KEY_FILE, load_or_create_signing_key


def test_the_signing_key_is_made_once_with_mode_0600(tmp_path):
    first = load_or_create_signing_key(tmp_path)
    second = load_or_create_signing_key(tmp_path)

    assert first.kid == second.kid
    assert stat.S_IMODE((tmp_path / SIGNING_KEY_FILE).stat().st_mode) == 0o600


def test_the_jwks_publishes_only_the_public_half(tmp_path):
    key = load_or_create_signing_key(tmp_path)

    (entry,) = key.jwks()["keys"]

    assert entry == {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": entry["x"],
        "kid": key.kid,
        "alg": "EdDSA",
        "use": "sig",
    }
    assert "d" not in entry


def test_the_master_key_persists_and_wraps_data_keys(tmp_path):
    master = MasterKey.load_or_create(tmp_path)
    wrapped = master.new_data_key()

    data_key = MasterKey.load_or_create(tmp_path).unwrap(wrapped)

    assert (
        unseal(data_key, seal(data_key, b"+919800000001", b"par_1"), b"par_1") == b"+919800000001"
    )
    assert stat.S_IMODE((tmp_path / "master.key").stat().st_mode) == 0o600


def test_the_blind_index_is_stable_and_keyed(tmp_path):
    master = MasterKey.load_or_create(tmp_path)
    other = MasterKey.generate()

    assert master.blind_index("+919800000001") == master.blind_index("+919800000001")
    assert master.blind_index("+919800000001") != other.blind_index("+919800000001")
