"""Files in the data dir are private: the dir is 0700 and every file in it 0600, whatever the
umask, because its databases say who attends which recovery group.

Every module that writes into the data dir goes through these helpers. SQLite makes a
database's ``-wal`` and ``-shm`` files with the mode bits of the database file, so a database
file is created here (0600) before SQLite opens it.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600
UMASK = 0o077


def private_dir(path: Path) -> Path:
    """Make ``path`` (and missing parents) a directory only its owner may enter."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    os.chmod(path, DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty (mode 0600) unless it exists; an existing file is made 0600."""
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    os.close(fd)
    os.chmod(path, FILE_MODE)
    return path


def create_private(path: Path, data: bytes) -> bool:
    """Write a new file only if none is there (``O_EXCL``); ``False`` when another process made
    it first. Two processes starting together cannot both write a key."""
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return True


def append_private(path: Path, data: bytes) -> None:
    """Append ``data`` in one write on an ``O_APPEND`` descriptor (concurrent writers never
    interleave), synced to disk."""
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_private(path: Path, data: bytes) -> None:
    """Replace ``path`` atomically: a 0600 temporary file beside it, synced, then renamed over
    it, so a reader sees the old content or the new, never a part."""
    private_dir(path.parent)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), FILE_MODE)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def make_private(data_dir: Path) -> None:
    """Fix the modes of an existing data dir (one made by an older version, or copied with a
    loose umask): 0700 for it and the dirs in it, 0600 for the files in them. Only two levels:
    the data dir is ours, but nothing deeper is written there."""
    private_dir(data_dir)
    for entry in data_dir.iterdir():
        mode = entry.lstat().st_mode
        if stat.S_ISDIR(mode):
            os.chmod(entry, DIR_MODE)
            for inner in entry.iterdir():
                if stat.S_ISREG(inner.lstat().st_mode):
                    os.chmod(inner, FILE_MODE)
        elif stat.S_ISREG(mode):
            os.chmod(entry, FILE_MODE)


def restrict_umask() -> int:
    """Files a process creates from now on are its owner's only; the previous umask."""
    return os.umask(UMASK)
