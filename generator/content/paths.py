"""Paths inside a project: sorted walks and refusal of names that escape or break a file system."""

from __future__ import annotations

import os
import re
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
