from __future__ import annotations

from pathlib import Path

import pytest

from saathi.settings import load_settings


def test_defaults_are_the_embedded_network():
    settings = load_settings({})

    assert settings.data_dir == Path(".saathi")
    assert settings.database_url("sessions") == "sqlite://.saathi/sessions.sqlite3"
    assert settings.outbox_path == Path(".saathi/outbox.jsonl")


def test_environment_overrides_per_component():
    settings = load_settings(
        {
            "SAATHI_DATA_DIR": "/var/lib/saathi",
            "SAATHI_DATABASE_URL": "postgres://db/saathi",
            "SAATHI_CONSENT_DATABASE_URL": "postgres://vault/consent",
            "SAATHI_SESSIONS_URL": "http://sessions:4002",
        }
    )

    assert settings.database_url("directory") == "postgres://db/saathi"
    assert settings.database_url("consent") == "postgres://vault/consent"
    assert settings.service_urls == {"sessions": "http://sessions:4002"}


def test_a_malformed_number_names_the_variable():
    with pytest.raises(ValueError, match="SAATHI_ACCESS_TOKEN_TTL"):
        load_settings({"SAATHI_ACCESS_TOKEN_TTL": "soon"})


def test_the_public_url_defaults_to_the_local_gateway_and_is_read_without_a_trailing_slash():
    assert load_settings({}).public_url == "http://127.0.0.1:4000"
    given = load_settings({"SAATHI_PUBLIC_URL": "https://saathi.example.in/"})
    assert given.public_url == "https://saathi.example.in"
