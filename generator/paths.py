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
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        base = Path(folder).relative_to(root)
        for name in files:
            if name.startswith("."):
                continue
            file = Path(folder) / name
            if file.is_symlink() and not file.resolve().is_relative_to(inside):
                continue  # a link out of the tree: never read or published
            found.append((base / name).as_posix())
    return sorted(path.removeprefix("./") for path in found)


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
