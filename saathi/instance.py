"""Does a data dir hold a Saathi instance?

Only ``saathi up``, ``seed`` and ``serve`` may make one. Every other command that takes
``--data-dir`` asks here first, so a mistyped directory is refused by name instead of quietly
becoming a new, empty network with a new signing key.
"""

from __future__ import annotations

from pathlib import Path

from saathi.crypto import MASTER_KEY_FILE
from saathi.keys import SIGNING_KEY_FILE


def holds_instance(data_dir: Path) -> bool:
    """True once something has made keys or databases in ``data_dir``: the token signing key,
    the master key, a component's service key (``keys/*.pem``) or an SQLite database."""
    if not data_dir.is_dir():
        return False
    return (
        (data_dir / SIGNING_KEY_FILE).is_file()
        or (data_dir / MASTER_KEY_FILE).is_file()
        or any((data_dir / "keys").glob("*.pem"))
        or any(data_dir.glob("*.sqlite3"))
    )
