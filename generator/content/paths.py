"""Paths inside a project: sorted walks and refusal of names that escape or break a file system."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path, PurePosixPath

#: Names Windows reserves whatever the extension; a site with them cannot be checked out there.
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
_BAD_CHARACTERS = re.compile(r'[<>:"|?*\\\x00-\x1f]')


def iter_files(root: Path) -> list[str]:
    """Return the files below `root` as sorted POSIX paths relative to it (links not followed)."""
    if not root.is_dir():
        return []
    found: list[str] = []
    inside = root.resolve()
    # os.scandir, not os.walk and Path.is_symlink: the type of an entry comes with the listing, and
    # this runs over every file of the project at the start of every build.
    pending = [(str(root), "")]
    while pending:
        folder, prefix = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, f"{prefix}{entry.name}/"))
                elif not entry.is_symlink():
                    found.append(prefix + entry.name)
                elif not entry.is_dir() and Path(entry.path).resolve().is_relative_to(inside):
                    found.append(prefix + entry.name)  # a link to a file inside the tree; any other is never read
    return sorted(found)


class OutsideProject(OSError):
    """A file is a link to somewhere outside the project: helpgen reads only the project's own files."""


def open_inside(root: Path | str, relative: str) -> int:
    """Open `root/relative` for reading and return its descriptor; refuse a link that leads out of `root`.

    `O_NOFOLLOW` costs nothing on the usual file; only a link is resolved, and followed only if it
    stays inside `root` (a catalog linked to /etc/passwd must never be read, let alone quoted in an
    error message). Raises FileNotFoundError, IsADirectoryError... as `os.open` does, and
    OutsideProject.
    """
    # Plain string operations: this runs for every article and catalog of every build.
    top = str(root)
    path = f"{top}/{relative}"
    if _real_folder_inside(path.rpartition("/")[0], top) is None:  # once per folder: a linked folder counts
        raise OutsideProject(errno.EACCES, "a link to a folder outside the project", relative)
    try:
        return os.open(path, _NO_LINK)
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            raise
    real, inside = os.path.realpath(path), os.path.realpath(root)
    if os.path.commonpath([real, inside]) != inside:
        raise OutsideProject(errno.EACCES, "a link to a file outside the project", relative)
    return os.open(real, os.O_RDONLY | os.O_CLOEXEC)


_NO_LINK = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC


@lru_cache(maxsize=4096)
def _real_folder_inside(folder: str, root: str) -> str | None:
    """Return a folder's real path if it is inside `root`'s, else None (cached: a folder's files share it)."""
    real, inside = os.path.realpath(folder), os.path.realpath(root)
    return real if os.path.commonpath([real, inside]) == inside else None


def read_inside(root: Path | str, relative: str, max_bytes: int | None = None) -> bytes | None:
    """Return the bytes of `root/relative` (None if it is larger than `max_bytes`); see `open_inside`."""
    with os.fdopen(open_inside(root, relative), "rb") as file:
        if max_bytes is not None and os.fstat(file.fileno()).st_size > max_bytes:
            return None
        return file.read()


def replace_file(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically: a new file beside it, flushed, then renamed over it.

    Killed at any point, the file is either as it was or complete, never empty or cut short (#20).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def check_relative_path(path: str) -> str | None:
    """Return why `path` may not name a file of the site, or None when it is fine."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or path.startswith("/"):
        return f"'{path}' is an absolute path"
    for part in pure.parts:
        if part in ("..", "."):
            return f"'{path}' leaves its folder ('{part}')"
        if _RESERVED.match(part):
            return f"'{part}' is a reserved file name on Windows"
        if _BAD_CHARACTERS.search(part) or part.endswith((" ", ".")):
            return f"'{part}' has characters that some file systems refuse"
    return None
