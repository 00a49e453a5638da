"""The build cache: in `.helpgen-cache/` of the project (the preview's in `preview/` below it), safe to delete.

It keeps two things between builds:

- the *summaries* (`state/…/summaries`): for every article, the key of its inputs (helpgen's own
  code, the config, the article's bytes, its catalogs' and snippets' bytes) with what the rest of
  the site needs to know of it (`site.Summary`) and its diagnostics; an article whose key is
  unchanged is not parsed again unless one of its pages must be rendered;
- the *manifest* (`manifest.json`, `incremental.Manifest`): what the last build wrote into its
  site, page by page, each with the key of everything the page shows.

A changed input changes a key, so nothing is ever taken for current when it is not; entries are
written to a temporary name and renamed, so none is ever half written. While a build updates the
site in place, `manifest.updating` says the manifest may no longer describe the site.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

CACHE_DIR = ".helpgen-cache"
#: Bumped when the layout of cache entries changes.
LAYOUT = "1"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Return a hash of helpgen's own code and theme, so that a new helpgen never reuses old entries."""
    digest = hashlib.sha256(LAYOUT.encode())
    package = Path(__file__).parent.parent  # the whole generator package
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".html", ".css", ".js"):
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


#: One encoder for every fingerprint (json.dumps with options makes a new one per call).
_ENCODER = json.JSONEncoder(sort_keys=True, default=str)


def fingerprint(*parts: Any) -> str:
    """Return the hash of some values (bytes, text, or anything JSON can write with sorted keys)."""
    digest = hashlib.blake2b(digest_size=20)
    for part in parts:
        if isinstance(part, bytes):
            data = part
        elif isinstance(part, str):
            data = part.encode()
        else:
            data = _ENCODER.encode(part).encode()
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def files_fingerprint(paths: Iterable[Path]) -> str:
    """Return the hash of some files' names and bytes (missing files count as absent)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path).encode())
        digest.update(path.read_bytes() if path.is_file() else b"\0absent")
    return digest.hexdigest()


class Cache:
    """The cache of one project; `None` paths make a cache that keeps nothing."""

    def __init__(self, root: Path | None) -> None:
        self.root = root

    def _path(self, kind: str, key: str) -> Path:
        assert self.root is not None
        return self.root / kind / key[:2] / key

    def load(self, kind: str, key: str) -> Any:
        """Return a pickled entry, or None."""
        data = self.read(kind, key)
        if data is None:
            return None
        try:
            return pickle.loads(data)
        except Exception:
            return None

    def read(self, kind: str, key: str) -> bytes | None:
        """Return an entry's bytes, or None."""
        if self.root is None:
            return None
        try:
            return self._path(kind, key).read_bytes()
        except OSError:
            return None

    def store(self, kind: str, key: str, value: Any) -> None:
        """Pickle and keep an entry."""
        self.write(kind, key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def write(self, kind: str, key: str, data: bytes) -> None:
        """Keep an entry's bytes, atomically."""
        if self.root is None:
            return
        path = self._path(kind, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    #: Present while a build updates its site in place: the pages on disk may no longer be the
    #: manifest's, so a build after an interrupted one takes the manifest as lost.
    UPDATING = "manifest.updating"

    def read_manifest(self) -> dict[str, object]:
        """Return the manifest of the last build written from this cache (`incremental.Manifest` as JSON)."""
        if self.root is None or (self.root / self.UPDATING).exists():
            return {}
        try:
            data = json.loads((self.root / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def write_manifest(self, manifest: dict[str, object]) -> None:
        """Remember what the build just written wrote (`incremental.Manifest` as JSON)."""
        if self.root is None:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=self.root)
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(manifest, file, sort_keys=True)
        os.replace(temporary, self.root / "manifest.json")
        self.end_update()

    def begin_update(self) -> None:
        """Say that the site is about to change in place (until `write_manifest` or `end_update`)."""
        if self.root is not None:
            self.root.mkdir(parents=True, exist_ok=True)
            (self.root / self.UPDATING).touch()

    def end_update(self) -> None:
        """Say that the site on disk is the manifest's again."""
        if self.root is not None:
            (self.root / self.UPDATING).unlink(missing_ok=True)
