"""What the last build wrote, so that the next one writes only what changed.

The manifest records, for the site folder it was written to, the key of every article page
(the hash of everything it shows), the key of the pages that are not articles, and the copied
files. A build whose manifest equals the previous one writes nothing; one that differs writes
the changed pages, deletes the stale ones and carries the rest over.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator.build.cache import Cache, fingerprint


@dataclass(frozen=True)
class Manifest:
    """What one build wrote into its site."""

    #: The site folder it was written to (another folder's pages are not this one's).
    out: str = ""
    #: The key of helpgen.yaml and of the run's settings.
    config: str = ""
    #: Article page path -> the key of the page's content.
    pages: Mapping[str, str] = field(default_factory=dict)
    #: The key of what the pages that are not articles show, and their paths.
    site: str = ""
    site_pages: tuple[str, ...] = ()
    #: The key of the copied files (paths, sizes, modification times), and their paths.
    files: str = ""
    file_paths: tuple[str, ...] = ()
    #: Whether the search index was written (if not, the next build indexes again).
    searched: bool = False

    def outputs(self) -> set[str]:
        """Return every path below the site that this build wrote."""
        return set(self.pages) | set(self.site_pages) | set(self.file_paths)

    def to_json(self) -> dict[str, object]:
        """Return the manifest as JSON data."""
        return {
            "out": self.out,
            "config": self.config,
            "pages": dict(self.pages),
            "site": self.site,
            "site_pages": list(self.site_pages),
            "files": self.files,
            "file_paths": list(self.file_paths),
            "searched": self.searched,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Manifest:
        """Return a manifest from JSON data; an empty one for data of another shape (an older helpgen's)."""
        try:
            pages = data["pages"]
            assert isinstance(pages, dict)
            return cls(
                str(data["out"]),
                str(data["config"]),
                {str(path): str(key) for path, key in pages.items()},
                str(data["site"]),
                tuple(str(path) for path in data["site_pages"]),  # type: ignore[attr-defined]
                str(data["files"]),
                tuple(str(path) for path in data["file_paths"]),  # type: ignore[attr-defined]
                bool(data["searched"]),
            )
        except (KeyError, TypeError, AssertionError):
            return cls()


def read_manifest(cache: Cache, out_dir: Path) -> Manifest:
    """Return what the last build wrote, if it was written to `out_dir` (else an empty manifest)."""
    manifest = Manifest.from_json(cache.read_manifest())
    return manifest if manifest.out == str(out_dir.resolve()) else Manifest()


def write_manifest(cache: Cache, manifest: Manifest) -> None:
    """Remember what this build wrote."""
    cache.write_manifest(manifest.to_json())


def remove_stale_pages(site: Path, previous: Manifest, manifest: Manifest, failed: Iterable[str]) -> None:
    """In a build in place, delete the pages and files of the previous build that this one no longer makes."""
    for path in sorted(previous.outputs() - manifest.outputs() - set(failed)):
        (site / path).unlink(missing_ok=True)
        folder = (site / path).parent
        while folder != site:  # its folders, as far as they are now empty
            try:
                folder.rmdir()
            except OSError:
                break
            folder = folder.parent


def carry_unchanged(out_dir: Path, staging: Path, paths: list[str]) -> None:
    """Put the pages that did not change into the new site: hard-linked from the old one (or copied)."""
    made: set[str] = set()
    old, new = str(out_dir.resolve()), str(staging)
    for path in sorted(paths):
        folder = os.path.dirname(path)
        if folder not in made:  # plain os calls: this loop runs for every page of a large site
            os.makedirs(os.path.join(new, folder), exist_ok=True)
            made.add(folder)
        try:
            os.link(os.path.join(old, path), os.path.join(new, path))
        except OSError:  # a file system without hard links
            shutil.copyfile(os.path.join(old, path), os.path.join(new, path))


def files_key(files: list[tuple[str, Path]]) -> str:
    """Return the key of the copied files: their paths, sizes and modification times."""
    return fingerprint([(p, f.stat().st_size, f.stat().st_mtime_ns) for p, f in files])
