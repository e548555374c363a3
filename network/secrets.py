"""The secret files of a distributed deployment, one folder per component host.

``saathi keys init-secrets OUT`` makes every key once, on the operator's machine, and writes
into ``OUT/<component>/`` exactly what that component's host needs and nothing else:

- its own service key (``keys__<component>.pem``);
- the public keys of the components allowed to call it (``keys__<caller>.jwk.json``, from
  ``saathi.runtime.CALLERS``);
- consent only: the token-signing key, the master key and the audit key;
- sessions and directory: a master key each (their key stores'; never consent's).

A file's name is its path in the data dir with ``__`` for ``/``: the image's entrypoint
(``deploy/entrypoint.sh``) installs Docker and Kubernetes secrets mounted at ``/run/secrets``
under those paths on first start.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from saathi.crypto import MASTER_KEY_FILE, MasterKey
from saathi.files import create_private, private_dir
from saathi.keys import SIGNING_KEY_FILE, load_or_create_signing_key
from saathi.runtime import CALLERS
from saathi.service_trust import GATEWAY, ServiceKeys
from saathi.settings import COMPONENTS
from services.consent.domain.audit_key import AUDIT_KEY_FILE, load_or_create_audit_key

HOSTS = (GATEWAY, *COMPONENTS)


def secret_name(path_in_data_dir: str) -> str:
    return path_in_data_dir.replace("/", "__")


def host_files(host: str) -> list[str]:
    """The paths (in the data dir) of the secret files ``host`` needs."""
    files = [f"keys/{host}.pem"]
    files += [f"keys/{caller}.jwk.json" for caller in sorted(CALLERS.get(host, ()))]
    if host == "consent":
        files += [SIGNING_KEY_FILE, MASTER_KEY_FILE, AUDIT_KEY_FILE]
    if host in ("sessions", "directory"):
        files += [MASTER_KEY_FILE]
    return files


def write_secrets(out: Path) -> dict[str, list[str]]:
    """Make every key and write each host's secret files into ``out/<host>/`` (which must not
    hold any yet); returns the secret names per host."""
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty: secrets are made once, into a new folder")
    written: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        keys = ServiceKeys(work / "shared" / "keys")
        for host in HOSTS:
            keys.own(host)
        consent_dir, sessions_dir = work / "consent", work / "sessions"
        directory_dir = work / "directory"
        private_dir(consent_dir)
        private_dir(sessions_dir)
        private_dir(directory_dir)
        load_or_create_signing_key(consent_dir)
        MasterKey.load_or_create(consent_dir)
        load_or_create_audit_key(consent_dir)
        MasterKey.load_or_create(sessions_dir)
        MasterKey.load_or_create(directory_dir)
        sources = {"consent": consent_dir, "sessions": sessions_dir, "directory": directory_dir}
        private_dir(out)
        for host in HOSTS:
            names: list[str] = []
            for path in host_files(host):
                source = (work / "shared" if path.startswith("keys/") else sources[host]) / path
                create_private(out / host / secret_name(path), source.read_bytes())
                names.append(secret_name(path))
            written[host] = names
    return written
