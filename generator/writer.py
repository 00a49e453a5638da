"""Write the site: all pages into a new folder beside the output, then swap it in at once.

A build that fails or is killed before the swap leaves the previous site as it was. helpgen
only ever replaces or deletes a folder that it created itself (it leaves a marker file in
it), and refuses an output folder that is the project, one of its input folders, or `/`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .model import Page
from .report import ContentError, error

#: The file that marks a folder as a site helpgen built (and so may replace).
MARKER = ".helpgen-site"


def check_output_dir(out_dir: Path, project_dir: Path) -> None:
    """Refuse an output folder that helpgen must never replace; raise ContentError."""
    out, project = out_dir.resolve(), project_dir.resolve()
    protected = [Path("/"), Path.home().resolve(), project]
    protected += [project / name for name in ("content", "locales", "templates", "generator", "tests", ".git")]
    if out in protected or out in project.parents:
        raise ContentError(
            [
                error(
                    str(out_dir),
                    0,
                    "output-refused",
                    f"refusing to write the site over {out}",
                    "choose an output folder of its own, such as site/",
                )
            ]
        )
    if out.exists() and not out.is_dir():
        raise ContentError([error(str(out_dir), 0, "output-refused", f"{out} exists and is not a folder")])
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise ContentError(
            [
                error(
                    str(out_dir),
                    0,
                    "output-refused",
                    f"{out} is not empty and was not built by helpgen; refusing to replace it",
                    "empty it or choose another output folder",
                )
            ]
        )


def check_unique_paths(pages: Iterable[Page]) -> list[str]:
    """Return a message for every output path that two sources would write."""
    seen: dict[str, Page] = {}
    problems = []
    for page in pages:
        first = seen.setdefault(page.path, page)
        if first is not page:
            problems.append(f"{first.source} and {page.source} both write {page.path}")
    return problems


def write_site(out_dir: Path, pages: Iterable[Page], files: Iterable[tuple[str, Path]] = ()) -> None:
    """Write pages (and copied files) into a fresh folder, then replace `out_dir` with it."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    try:
        for page in pages:
            _write_file(staging / page.path, page.content)
        for relative, source in files:
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        (staging / MARKER).write_text("This folder was built by helpgen and is replaced by every build.\n")
        os.chmod(staging, 0o755)
        _swap(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _write_file(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def _swap(staging: Path, out_dir: Path) -> None:
    """Put `staging` in place of `out_dir`; the old site is removed only once the new one is there."""
    if not out_dir.exists():
        staging.rename(out_dir)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
    retired.rmdir()
    out_dir.rename(retired)
    try:
        staging.rename(out_dir)
    except BaseException:
        retired.rename(out_dir)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def read_previous(out_dir: Path, relative: str) -> bytes | None:
    """Return a file of the previous site, to keep serving a page whose new build failed."""
    path = out_dir / relative
    if (out_dir / MARKER).is_file() and path.is_file():
        return path.read_bytes()
    return None
